/**
 * Resource Graph lags behind ARM (docs/azure-behaviour.md §9.5: its index is eventually consistent
 * with ARM; a change shows after seconds to minutes). With a lag of N seconds the
 * emulator's `resources` table shows every resource as it stood N virtual seconds ago: a resource
 * created in the last N seconds is missing, one deleted in the last N seconds is still listed, and a
 * re-created one still shows its old body (e.g. the old OIDC issuer). A GET or an ARM list always
 * answers from the store: only Resource Graph lags. N = 0 (the default) keeps no history at all.
 *
 * ASSUMED: one fixed lag for every change (Azure's varies and is undocumented); derived read-time
 * projections (views.ts, e.g. reflected private endpoint connections) are computed from the current
 * store even for a lagging row.
 *
 * An estate can say what changed shortly before the emulator started (`resourceGraph.recent`), so that
 * `fedlink sandbox run` can start "right after a re-creation" with ARG still showing the old cluster.
 */
import { normalizeResourceId, parseResourceId } from '../../../shared/core/resourceId';
import { type VirtualClock } from '../../clock';
import { type ArmResource } from '../../estate';
import { cloneJson, type ResourceJson } from '../json';
import { type ResourceStore, type StoredResource, typeOfId } from '../store';

/** One change that happened before the emulator started, `secondsAgo` virtual seconds before it. */
export interface RecentChange {
  /** The resource id. */
  readonly id: string;
  readonly secondsAgo: number;
  /** The resource before the change; null when the change created it. */
  readonly before: ArmResource | null;
}

export interface ResourceGraphLagOptions {
  /** Virtual seconds before a change shows in Resource Graph (default 0: immediately). */
  readonly lagSeconds: number;
  readonly recent?: readonly RecentChange[];
}

interface Version {
  /** Virtual ms when this version stopped being current. */
  readonly until: number;
  /** The version before that moment; undefined when the resource did not exist. */
  readonly stored: StoredResource | undefined;
}

function storedOf(resource: ArmResource): StoredResource {
  const json = cloneJson(resource as unknown as ResourceJson);
  const parsed = parseResourceId(json.id);
  return { resource: json, parsed, typeKey: typeOfId(parsed).toLowerCase() };
}

export class ResourceGraphLag {
  /** Per normalized id: the versions it had before each change, oldest first. */
  private readonly history = new Map<string, Version[]>();
  private readonly lagMs: number;

  constructor(
    private readonly store: ResourceStore,
    private readonly clock: VirtualClock,
    options: ResourceGraphLagOptions,
  ) {
    this.lagMs = Math.max(0, options.lagSeconds) * 1000;
    const now = clock.now();
    for (const change of [...(options.recent ?? [])].sort((a, b) => b.secondsAgo - a.secondsAgo)) {
      this.versionsOf(normalizeResourceId(change.id)).push({
        until: now - change.secondsAgo * 1000,
        stored: change.before === null ? undefined : storedOf(change.before),
      });
    }
    if (this.lagMs > 0) store.onChange((key, before) => this.record(key, before));
  }

  get enabled(): boolean {
    return this.lagMs > 0;
  }

  private versionsOf(key: string): Version[] {
    let versions = this.history.get(key);
    if (!versions) {
      versions = [];
      this.history.set(key, versions);
    }
    return versions;
  }

  private record(key: string, before: StoredResource | undefined): void {
    const now = this.clock.now();
    const versions = this.versionsOf(key);
    versions.push({
      until: now,
      stored: before && { ...before, resource: cloneJson(before.resource) },
    });
    // Versions that stopped being current more than the lag ago can never be shown again.
    const horizon = now - this.lagMs;
    while (versions.length > 0 && versions[0]!.until <= horizon) versions.shift();
  }

  /**
   * What Resource Graph shows now, in store order (resources that ARG still shows but the store no
   * longer has come last): for each id, the version that was current `lag` seconds ago.
   */
  visible(): StoredResource[] {
    if (!this.enabled) return [...this.store.all()];
    const horizon = this.clock.now() - this.lagMs;
    /** The version current at `horizon`: the first one that stopped being current after it. */
    const atHorizon = (key: string): { changed: boolean; stored: StoredResource | undefined } => {
      const first = this.history.get(key)?.find((v) => v.until > horizon);
      return first ? { changed: true, stored: first.stored } : { changed: false, stored: undefined };
    };
    const out: StoredResource[] = [];
    const seen = new Set<string>();
    for (const current of this.store.all()) {
      const key = normalizeResourceId(current.resource.id);
      seen.add(key);
      const past = atHorizon(key);
      if (!past.changed) out.push(current);
      else if (past.stored) out.push(past.stored);
    }
    for (const key of this.history.keys()) {
      if (seen.has(key)) continue;
      const past = atHorizon(key);
      if (past.stored) out.push(past.stored);
    }
    return out;
  }
}

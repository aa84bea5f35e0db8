/**
 * The emulator's resource store: resources by normalized id (ARM ids are case-insensitive), keeping the
 * original casing and the estate's order, with indexes by parent and by type so that a fleet of 100k
 * resources lists in time proportional to the answer, not the store.
 *
 * What is stored is exactly what `state()` dumps: resources enter as the estate gives them (deep-copied)
 * and are replaced wholesale by writes. Read-time projections (e.g. a parent's reflected private endpoint
 * connections) live in views.ts, never here, so untouched resources round-trip unchanged.
 */
import { normalizeResourceId, parseResourceId, type ResourceId } from '../../shared/core/resourceId';
import { type ArmResource, type Estate, type EstateTenant, subscriptionIdOf } from '../estate';
import { cloneJson, type ResourceJson } from './json';

export interface StoredResource {
  readonly resource: ResourceJson;
  readonly parsed: ResourceId;
  /** Full type from the id, lower-cased, e.g. `microsoft.managedidentity/userassignedidentities`. */
  readonly typeKey: string;
}

export interface SubscriptionInfo {
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly displayName: string | undefined;
}

/** A change to one resource: `before`/`after` undefined when it did not / no longer exists. */
export type StoreListener = (
  key: string,
  before: StoredResource | undefined,
  after: StoredResource | undefined,
) => void;

/** Resource type of an id; resource groups have no provider segment in their id. */
export function typeOfId(parsed: ResourceId): string {
  return parsed.type ?? 'Microsoft.Resources/resourceGroups';
}

export function parentIdOf(id: string): string | undefined {
  const parsed = parseResourceId(id);
  return parsed.segments.length >= 2 ? id.split('/').slice(0, -2).join('/') : undefined;
}

export class ResourceStore {
  private readonly items = new Map<string, StoredResource>();
  private readonly children = new Map<string, Set<string>>();
  private readonly byType = new Map<string, Set<string>>();
  /** Resource groups known to exist: named by any resource id ever stored, lower-cased key → casing. */
  private readonly resourceGroups = new Map<string, string>();
  private readonly subscriptions = new Map<string, SubscriptionInfo>();
  private readonly tenants: readonly EstateTenant[];
  private readonly listeners: StoreListener[] = [];
  /**
   * One string per distinct value of the parts ids repeat (subscription, group, provider, types, parent
   * names): a fleet has tens of thousands of resources in a few hundred groups of a handful of types.
   */
  private readonly strings = new Map<string, string>();

  constructor(estate: Estate) {
    this.tenants = structuredClone(estate.tenants);
    for (const t of estate.tenants) {
      for (const s of t.subscriptions) {
        const subscriptionId = subscriptionIdOf(s);
        this.subscriptions.set(subscriptionId.toLowerCase(), {
          subscriptionId,
          tenantId: t.tenantId,
          displayName: typeof s === 'string' ? undefined : s.displayName,
        });
      }
    }
    // parseEstate validated every resource as JSON, so the cast only restates that.
    for (const r of estate.resources) this.put(cloneJson(r as unknown as ResourceJson));
  }

  private one(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  /** The parsed id with its repeated parts shared (the resource's own name stays its own). */
  private shared(parsed: ResourceId): ResourceId {
    const last = parsed.segments.length - 1;
    const segments = parsed.segments.map((s, i) => ({
      type: this.one(s.type),
      name: i === last ? s.name : this.one(s.name),
    }));
    return {
      id: parsed.id,
      subscriptionId: this.one(parsed.subscriptionId),
      resourceGroup: parsed.resourceGroup === undefined ? undefined : this.one(parsed.resourceGroup),
      provider: parsed.provider === undefined ? undefined : this.one(parsed.provider),
      type: parsed.type === undefined ? undefined : this.one(parsed.type),
      name: last >= 0 ? segments[last]!.name : parsed.name === undefined ? undefined : this.one(parsed.name),
      segments,
    };
  }

  /** Calls `listener` after every put and delete (the Resource Graph lag index keeps history with it). */
  onChange(listener: StoreListener): void {
    this.listeners.push(listener);
  }

  get size(): number {
    return this.items.size;
  }

  subscription(subscriptionId: string): SubscriptionInfo | undefined {
    return this.subscriptions.get(subscriptionId.toLowerCase());
  }

  allSubscriptions(): readonly SubscriptionInfo[] {
    return [...this.subscriptions.values()];
  }

  tenantList(): readonly EstateTenant[] {
    return this.tenants;
  }

  hasResourceGroup(subscriptionId: string, resourceGroup: string): boolean {
    return this.resourceGroups.has(`${subscriptionId}/${resourceGroup}`.toLowerCase());
  }

  /** Resource groups of a subscription, with the casing first seen. */
  resourceGroupsOf(subscriptionId: string): readonly string[] {
    const prefix = `${subscriptionId.toLowerCase()}/`;
    return [...this.resourceGroups.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
  }

  get(id: string): StoredResource | undefined {
    return this.items.get(normalizeResourceId(id));
  }

  /** Inserts or replaces (an update keeps the resource's position, as a dump should). */
  put(resource: ResourceJson): StoredResource {
    const key = normalizeResourceId(resource.id);
    const parsed = this.shared(parseResourceId(resource.id));
    const typeKey = this.one(typeOfId(parsed).toLowerCase());
    const stored: StoredResource = { resource, parsed, typeKey };
    const before = this.items.get(key);
    const existed = before !== undefined;
    this.items.set(key, stored);
    if (!existed) {
      const parent = parentIdOf(resource.id);
      if (parent !== undefined) setOf(this.children, normalizeResourceId(parent)).add(key);
      setOf(this.byType, typeKey).add(key);
    }
    if (parsed.resourceGroup !== undefined) {
      const rgKey = `${parsed.subscriptionId}/${parsed.resourceGroup}`.toLowerCase();
      if (!this.resourceGroups.has(rgKey)) this.resourceGroups.set(rgKey, parsed.resourceGroup);
    }
    for (const listener of this.listeners) listener(key, before, stored);
    return stored;
  }

  /** Removes a resource and, as ARM resource providers do, every resource nested under it. */
  delete(id: string): boolean {
    const key = normalizeResourceId(id);
    const stored = this.items.get(key);
    if (!stored) return false;
    for (const child of [...(this.children.get(key) ?? [])]) {
      const c = this.items.get(child);
      if (c) this.delete(c.resource.id);
    }
    this.items.delete(key);
    this.children.delete(key);
    this.byType.get(stored.typeKey)?.delete(key);
    const parent = parentIdOf(stored.resource.id);
    if (parent !== undefined) this.children.get(normalizeResourceId(parent))?.delete(key);
    for (const listener of this.listeners) listener(key, stored, undefined);
    return true;
  }

  /** Direct children of `parentId`, optionally of one child type (last type segment, case-insensitive). */
  childrenOf(parentId: string, childType?: string): StoredResource[] {
    const keys = this.children.get(normalizeResourceId(parentId));
    if (!keys) return [];
    const out: StoredResource[] = [];
    const want = childType?.toLowerCase();
    for (const k of keys) {
      const s = this.items.get(k);
      if (!s) continue;
      if (want === undefined || s.parsed.segments[s.parsed.segments.length - 1]?.type.toLowerCase() === want)
        out.push(s);
    }
    return out;
  }

  /**
   * Every resource of a full type (case-insensitive), in store order, optionally within a scope. (Type
   * and child sets mirror the store map's insertion order: both add on first put and drop on delete.)
   */
  ofType(
    type: string,
    scope?: { subscriptionId: string; resourceGroup?: string | undefined },
  ): StoredResource[] {
    const keys = this.byType.get(type.toLowerCase());
    if (!keys) return [];
    const out: StoredResource[] = [];
    for (const k of keys) {
      const s = this.items.get(k);
      if (!s) continue;
      if (scope) {
        if (s.parsed.subscriptionId.toLowerCase() !== scope.subscriptionId.toLowerCase()) continue;
        if (
          scope.resourceGroup !== undefined &&
          s.parsed.resourceGroup?.toLowerCase() !== scope.resourceGroup.toLowerCase()
        )
          continue;
      }
      out.push(s);
    }
    return out;
  }

  all(): IterableIterator<StoredResource> {
    return this.items.values();
  }

  /** The estate as it stands: same shape as the input, deep copies, store order. */
  dump(): Estate {
    return {
      tenants: structuredClone(this.tenants) as EstateTenant[],
      resources: [...this.items.values()].map((s) => cloneJson(s.resource) as unknown as ArmResource),
    };
  }
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let s = map.get(key);
  if (!s) {
    s = new Set();
    map.set(key, s);
  }
  return s;
}

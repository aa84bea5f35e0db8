/**
 * A small federation estate and a running sandbox for end-to-end tests: one tenant, one subscription,
 * clusters and identities built in the published ARM shapes (sandbox/builders.ts).
 */
import { type RunResult } from '../../functions/contracts';
import { handleEventGridDelivery } from '../../functions/triggers/eventGrid';
import { configSchema, type FedlinkConfig } from '../../shared/config/schema';
import { silentLogger } from '../../shared/core/log';
import {
  aksIssuer,
  armEvent,
  type ArmResource,
  clusterResource,
  type ClusterSpec,
  identityResource,
  type IdentitySpec,
  type ResourceEventType,
} from '../../sandbox/builders';
import { type Estate } from '../../sandbox/estate';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/runtime';

export const TENANT = '72f988bf-0000-4000-8000-00000000aaaa';
export const SUB = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';

export function cluster(
  name: string,
  issuerId: string | undefined,
  extra: Partial<ClusterSpec> = {},
): ArmResource {
  return clusterResource({
    subscriptionId: SUB,
    resourceGroup: 'rg-aks',
    name,
    location: 'eastus',
    tenantId: TENANT,
    tags: { env: 'prod' },
    ...(issuerId !== undefined ? { issuerId } : {}),
    ...extra,
  });
}

export function issuerOf(resource: ArmResource): string {
  return (resource.properties as { oidcIssuerProfile: { issuerURL: string } }).oidcIssuerProfile.issuerURL;
}

export function identity(
  name: string,
  tags: Record<string, string> = {},
  extra: Partial<IdentitySpec> = {},
): ArmResource {
  const n = name.length.toString(16).padStart(4, '0');
  return identityResource({
    subscriptionId: SUB,
    resourceGroup: 'rg-id',
    name,
    location: 'eastus',
    tenantId: TENANT,
    clientId: `c1e00000-0000-4000-8000-00000000${n}`,
    principalId: `a1e00000-0000-4000-8000-00000000${n}`,
    tags,
    ...extra,
  });
}

export function estate(resources: ArmResource[]): Estate {
  return { tenants: [{ tenantId: TENANT, subscriptions: [SUB] }], resources };
}

export function config(raw: unknown): FedlinkConfig {
  return configSchema.parse(raw);
}

export { aksIssuer };

let eventCounter = 0;
export function event(eventType: ResourceEventType, resourceId: string): Record<string, unknown> {
  eventCounter++;
  return armEvent({
    eventType,
    resourceId,
    tenantId: TENANT,
    eventId: `00000000-0000-4000-8000-${eventCounter.toString().padStart(12, '0')}`,
    eventTime: '2026-11-23T10:00:00Z',
  });
}

export interface Running extends Sandbox {
  /** Delivers each event on its own, concurrently, through the real trigger handler; waits for every run. */
  deliver(events: readonly unknown[]): Promise<RunResult[]>;
  /** FICs on an identity in the emulator's state, as ARM stores them. */
  fics(identityId: string): { name: string; issuer: string; subject: string; audiences: string[] }[];
  /** ARM write/delete operations recorded so far (method, path, status). */
  writes(): { method: string; path: string; status: number }[];
}

export async function running(
  resources: ArmResource[],
  rawConfig: unknown,
  options: Partial<SandboxOptions> = {},
): Promise<Running> {
  const sandbox = await createSandbox({
    estate: estate(resources),
    config: config(rawConfig),
    log: silentLogger,
    ...options,
  });
  return {
    ...sandbox,
    async deliver(events) {
      const dispositions = await Promise.all(
        events.map((e) =>
          handleEventGridDelivery([e], { client: sandbox.host.client, mode: 'apply', log: silentLogger }),
        ),
      );
      await sandbox.host.runUntilIdle();
      const ids = [
        ...new Set(dispositions.flat().flatMap((d) => (d.kind === 'ignored' ? [] : [d.instanceId]))),
      ];
      const results: RunResult[] = [];
      for (const id of ids) {
        const status = await sandbox.host.client.getStatus(id);
        if (status.runtimeStatus !== 'Completed')
          throw new Error(`${id} ended ${String(status.runtimeStatus)}: ${JSON.stringify(status.output)}`);
        results.push(status.output as RunResult);
      }
      return results;
    },
    fics(identityId) {
      const prefix = identityId.toLowerCase() + '/federatedidentitycredentials/';
      return sandbox.emulator
        .state()
        .resources.filter((r) => r.id.toLowerCase().startsWith(prefix))
        .map((r) => {
          const p = r.properties as { issuer: string; subject: string; audiences: string[] };
          return { name: r.name, issuer: p.issuer, subject: p.subject, audiences: p.audiences };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    writes() {
      return sandbox.emulator.operations
        .filter((o) => o.method === 'PUT' || o.method === 'DELETE' || o.method === 'PATCH')
        .map((o) => ({ method: o.method, path: o.path, status: o.status }));
    },
  };
}

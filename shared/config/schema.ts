/**
 * The fedlink config contract (DESIGN.md "Config"). Unknown keys are errors; new keys are welcome.
 * Parsing and error reporting live in load.ts; this file is only the shape and its defaults.
 */
import { z } from 'zod';
import { isResourceId, TYPES } from '../core/resourceId';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const guid = z.string().regex(GUID, { message: 'expected a GUID' });

/** An ARM resource id of the given type (compared case-insensitively, as ARM does). */
const armId = (type: string) =>
  z.string().refine((v) => isResourceId(v, type), { message: `expected an ARM resource id of type ${type}` });

/** Kubernetes names (RFC 1123 label for namespaces; DNS subdomain for service accounts). */
const K8S_NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const K8S_SA = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
export const serviceAccountRef = z.string().refine(
  (v) => {
    const [ns, sa, extra] = v.split('/');
    return extra === undefined && ns !== undefined && sa !== undefined && K8S_NAMESPACE.test(ns) && K8S_SA.test(sa);
  },
  { message: 'expected "namespace/name" (Kubernetes names: lower-case letters, digits, "-")' },
);

const tagSelector = z.record(z.string().min(1), z.string());

const clusterSelector = z
  .object({
    tags: tagSelector.optional(),
    ids: z.array(armId(TYPES.managedCluster)).min(1).optional(),
  })
  .strict()
  .refine((s) => !(s.tags && s.ids), { message: 'use either tags or ids, not both' });

export const AUDIENCE = 'api://AzureADTokenExchange';

const binding = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9-_.]{0,62}$/, { message: 'expected a short name (letters, digits, -, _, .)' }),
    identity: armId(TYPES.userAssignedIdentity),
    clusters: clusterSelector.optional(),
    serviceAccounts: z.array(serviceAccountRef).min(1),
  })
  .strict();

const privateLinkRule = z
  .object({
    name: z.string().min(1),
    action: z.enum(['approve', 'reject']),
    resourceTypes: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9.]*\/[A-Za-z][A-Za-z0-9/]*$/, { message: 'expected a resource type like Microsoft.KeyVault/vaults' })).min(1),
    groupIds: z.array(z.string().min(1)).min(1).optional(),
    requesterSubscriptions: z.array(guid).min(1).optional(),
  })
  .strict();

/** NCRONTAB with six fields (seconds first), as Azure Functions timers use. */
const ncrontab = z.string().refine((v) => v.trim().split(/\s+/).length === 6, {
  message: 'expected a six-field NCRONTAB expression, e.g. "0 */30 * * * *"',
});

export const configSchema = z
  .object({
    scope: z
      .object({
        subscriptions: z.array(guid).min(1).optional(),
        tenants: z.array(guid).min(1).optional(),
      })
      .strict()
      .default({}),
    federation: z
      .object({
        audience: z.literal(AUDIENCE, { message: `Azure accepts exactly one audience: ${AUDIENCE}` }).default(AUDIENCE),
        bindings: z.array(binding).default([]),
        identityTags: z.boolean().default(true),
        prune: z.boolean().default(true),
      })
      .strict()
      .default({ audience: AUDIENCE, bindings: [], identityTags: true, prune: true }),
    privateLink: z
      .object({
        default: z.enum(['leave', 'reject']).default('leave'),
        rules: z.array(privateLinkRule).default([]),
      })
      .strict()
      .default({ default: 'leave', rules: [] }),
    dns: z
      .object({
        hubVirtualNetworks: z.array(armId(TYPES.virtualNetwork)).default([]),
        linkPrivateClusterZones: z.boolean().default(true),
        privateEndpointZones: z.record(z.string().min(1), armId(TYPES.privateDnsZone)).default({}),
      })
      .strict()
      .default({ hubVirtualNetworks: [], linkPrivateClusterZones: true, privateEndpointZones: {} }),
    drift: z
      .object({
        schedule: ncrontab.default('0 */30 * * * *'),
        mode: z.enum(['report', 'repair']).default('report'),
      })
      .strict()
      .default({ schedule: '0 */30 * * * *', mode: 'report' }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.federation.bindings.forEach((b, i) => {
      const prev = seen.get(b.name);
      if (prev !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['federation', 'bindings', i, 'name'], message: `duplicate binding name (also bindings[${prev}])` });
      } else seen.set(b.name, i);
    });
    const rules = new Map<string, number>();
    cfg.privateLink.rules.forEach((r, i) => {
      const prev = rules.get(r.name);
      if (prev !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['privateLink', 'rules', i, 'name'], message: `duplicate rule name (also rules[${prev}])` });
      } else rules.set(r.name, i);
    });
  });

/** The parsed config with every default applied. */
export type FedlinkConfig = z.output<typeof configSchema>;
export type Binding = FedlinkConfig['federation']['bindings'][number];
export type PrivateLinkRule = FedlinkConfig['privateLink']['rules'][number];

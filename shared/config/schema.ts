/**
 * The fedlink config contract (docs/design.md "Config"). Unknown keys are errors; new keys are welcome.
 * Parsing and error reporting live in load.ts; this file is only the shape and its defaults.
 */
import { z } from 'zod';
import {
  canonicalGroupId,
  describeSupportedGroupIds,
  PRIVATE_LINK_TYPES,
  privateLinkTypeInfo,
  type PrivateLinkTypeInfo,
} from '../core/privateLinkTypes';
import { isResourceId, parseResourceId, ResourceIdError, TYPES } from '../core/resourceId';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const guid = z.string().regex(GUID, { message: 'expected a GUID' });

/**
 * An ARM resource id of the given type (compared case-insensitively, as ARM does). The message says
 * what was wrong: not an id at all, or an id of another type.
 */
const armId = (type: string) =>
  z.string().superRefine((v, ctx) => {
    if (v.includes('*')) {
      // `.../resourceGroups/*/...` reads like "every resource group" but ARM would take it literally.
      ctx.addIssue({
        code: 'custom',
        message: `expected an ARM resource id of type ${type}; wildcards (*) are not supported in ids`,
      });
      return;
    }
    if (isResourceId(v, type)) return;
    let found: string;
    try {
      found = `got an id of type ${parseResourceId(v).type ?? '(a subscription or resource group)'}`;
    } catch (error) {
      const reason =
        error instanceof ResourceIdError
          ? /^not an ARM resource id \((.*)\): "/s.exec(error.message)?.[1]
          : undefined;
      found = `got something else${reason ? ` (${reason})` : ''}`;
    }
    ctx.addIssue({ code: 'custom', message: `expected an ARM resource id of type ${type}, ${found}` });
  });

/**
 * Zod 4 skips a refinement when the value already has issues, so a typo elsewhere would hide a
 * duplicate name; these checks run whenever the list itself is a list, and read its items defensively.
 */
const everyList = { when: (payload: { value: unknown }) => Array.isArray(payload.value) };

function uniqueNames(what: string, list: string) {
  return (items: readonly unknown[], ctx: z.core.$RefinementCtx<readonly unknown[]>) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const name = typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
      if (typeof name !== 'string') return;
      const prev = seen.get(name);
      if (prev !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `duplicate ${what} name (also ${list}[${prev}])`,
        });
      else seen.set(name, i);
    });
  };
}

/** Kubernetes names (RFC 1123 label for namespaces; DNS subdomain for service accounts). */
const K8S_NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const K8S_SA = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
export const serviceAccountRef = z.string().refine(
  (v) => {
    const [ns, sa, extra] = v.split('/');
    return (
      extra === undefined && ns !== undefined && sa !== undefined && K8S_NAMESPACE.test(ns) && K8S_SA.test(sa)
    );
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
  .superRefine(
    (s, ctx) => {
      if (s.tags !== undefined && s.ids !== undefined)
        ctx.addIssue({ code: 'custom', message: 'use either tags or ids, not both' });
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

export const AUDIENCE = 'api://AzureADTokenExchange';

const HOST_PATTERN = /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

const binding = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9-_.]{0,62}$/, {
      message: 'expected a short name (letters, digits, -, _, .)',
    }),
    identity: armId(TYPES.userAssignedIdentity),
    clusters: clusterSelector.optional(),
    serviceAccounts: z.array(serviceAccountRef).min(1),
  })
  .strict();

const RESOURCE_TYPE = /^[A-Za-z][A-Za-z0-9.]*\/[A-Za-z][A-Za-z0-9/]*$/;

const privateLinkRule = z
  .object({
    name: z.string().min(1),
    action: z.enum(['approve', 'reject']),
    resourceTypes: z
      .array(
        z.string().regex(RESOURCE_TYPE, {
          message: 'expected a resource type like Microsoft.KeyVault/vaults',
        }),
      )
      .min(1),
    groupIds: z.array(z.string().min(1)).min(1).optional(),
    requesterSubscriptions: z.array(guid).min(1).optional(),
  })
  .strict()
  .superRefine(
    (rule, ctx) => {
      // Every type and group id must be one fedlink decides (shared/core/privateLinkTypes.ts): a rule
      // that names another would silently match nothing.
      const infos: PrivateLinkTypeInfo[] = [];
      rule.resourceTypes.forEach((type, i) => {
        // A malformed one already has its own issue.
        if (!RESOURCE_TYPE.test(type)) return;
        const info = privateLinkTypeInfo(type);
        if (info) infos.push(info);
        else
          ctx.addIssue({
            code: 'custom',
            path: ['resourceTypes', i],
            message: `fedlink does not decide private endpoint connections of ${type}; supported: ${PRIVATE_LINK_TYPES.map((t) => t.type).join(', ')}`,
          });
      });
      if (infos.length === 0) return;
      const groupIds: unknown = rule.groupIds;
      (Array.isArray(groupIds) ? (groupIds as unknown[]) : []).forEach((groupId, i) => {
        if (typeof groupId !== 'string') return;
        if (infos.some((info) => canonicalGroupId(info, groupId) !== undefined)) return;
        ctx.addIssue({
          code: 'custom',
          path: ['groupIds', i],
          message: `no resource type of this rule has the group id ${JSON.stringify(groupId)}; supported: ${describeSupportedGroupIds(infos)}`,
        });
      });
    },
    {
      when: (payload) =>
        typeof payload.value === 'object' &&
        payload.value !== null &&
        Array.isArray((payload.value as { resourceTypes?: unknown }).resourceTypes) &&
        (payload.value as { resourceTypes: unknown[] }).resourceTypes.every((t) => typeof t === 'string'),
    },
  );

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
        audience: z
          .literal(AUDIENCE, { message: `Azure accepts exactly one audience: ${AUDIENCE}` })
          .default(AUDIENCE),
        bindings: z.array(binding).superRefine(uniqueNames('binding', 'bindings'), everyList).default([]),
        identityTags: z.boolean().default(true),
        prune: z.boolean().default(true),
        /** Issuer hosts allowed besides the AKS ones (e.g. a sovereign cloud's); `.suffix` or an exact name. */
        issuerHosts: z
          .array(
            z.string().regex(HOST_PATTERN, {
              message: 'expected a lower-case DNS name, or a suffix starting with "."',
            }),
          )
          .default([]),
      })
      .strict()
      .default({ audience: AUDIENCE, bindings: [], identityTags: true, prune: true, issuerHosts: [] }),
    privateLink: z
      .object({
        default: z.enum(['leave', 'reject']).default('leave'),
        rules: z.array(privateLinkRule).superRefine(uniqueNames('rule', 'rules'), everyList).default([]),
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
  .superRefine(
    (config, ctx) => {
      // With scope.subscriptions given, the hubs fedlink links zones to and the central zones it wires
      // endpoints into must be in scope too: an id pointing elsewhere (a foreign tenant's zone) would
      // make fedlink act outside the subscriptions it was given.
      const scope = config.scope.subscriptions?.map((s) => s.toLowerCase());
      if (scope === undefined) return;
      const outside = (id: string) => {
        const sub = /^\/subscriptions\/([^/]+)\//i.exec(id)?.[1]?.toLowerCase();
        return sub !== undefined && !scope.includes(sub);
      };
      config.dns.hubVirtualNetworks.forEach((id, i) => {
        if (outside(id))
          ctx.addIssue({
            code: 'custom',
            path: ['dns', 'hubVirtualNetworks', i],
            message: 'is in a subscription outside scope.subscriptions; add that subscription to scope',
          });
      });
      for (const [groupId, id] of Object.entries(config.dns.privateEndpointZones))
        if (outside(id))
          ctx.addIssue({
            code: 'custom',
            path: ['dns', 'privateEndpointZones', groupId],
            message: 'is in a subscription outside scope.subscriptions; add that subscription to scope',
          });
    },
    { when: (payload) => payload.issues.length === 0 },
  );

/** The parsed config with every default applied. */
export type FedlinkConfig = z.output<typeof configSchema>;
export type Binding = FedlinkConfig['federation']['bindings'][number];
export type PrivateLinkRule = FedlinkConfig['privateLink']['rules'][number];

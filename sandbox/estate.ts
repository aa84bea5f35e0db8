/**
 * The Estate: what the sandbox ARM emulator starts with and what `state()` dumps (docs/design.md, "Estate").
 *
 *   { "tenants":   [{ "tenantId": "<guid>", "subscriptions": ["<id>" | { "subscriptionId", "displayName"? }] }],
 *     "resources": [ ...ARM resources exactly as a GET returns them... ],
 *     "resourceGraph": { "lagSeconds": 60, "recent": [{ "id", "secondsAgo", "before": resource | null }] } }
 *
 * `resourceGraph` (optional) makes Resource Graph lag behind ARM (sandbox/emulator/providers/
 * resourceGraphLag.ts): changes show there `lagSeconds` after ARM has them, and `recent` lists changes
 * made shortly before the start (`before`: the resource as it was, null if the change created it).
 *
 * Child resources (FICs, private endpoint connections, virtual network links, zone groups, record sets)
 * are entries of their own with full ids. `parseEstate` validates everything at once and throws one
 * EstateError naming the source and every problem found (the CLI prints it and exits 2).
 *
 * Subscription ids: ARM uses GUIDs, but the published examples in `test/fixtures/azure` use placeholders such
 * as `subId` or `subscriptionId`, so any id that `parseResourceId` accepts (letters, digits, dashes) is
 * allowed; braces (`{subscription-id}`) are not, and fixture derivations substitute them.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MAX_JSON_DEPTH, parseJsonText, TextInputError, valueNestingTooDeep } from '../shared/core/jsonText';
import { normalizeResourceId, parseResourceId, ResourceIdError, sameType } from '../shared/core/resourceId';
import { type JsonValue } from './emulator/json';

export type { JsonObject, JsonValue } from './emulator/json';

/**
 * An ARM resource as a GET returns it: `id`, `name` and `type` are required (every ARM resource has
 * them), everything else is kept verbatim. Values are JSON (parseEstate checks it); the index signature
 * is `unknown` so that resource builders with looser types can be passed in.
 */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  [key: string]: unknown;
}

export type EstateSubscription = string | { subscriptionId: string; displayName?: string };

export interface EstateTenant {
  tenantId: string;
  subscriptions: EstateSubscription[];
}

export interface EstateResourceGraph {
  lagSeconds: number;
  recent?: { id: string; secondsAgo: number; before: ArmResource | null }[];
}

export interface Estate {
  tenants: EstateTenant[];
  resources: ArmResource[];
  /** Resource Graph lag (not part of `state()`, which dumps what ARM holds). */
  resourceGraph?: EstateResourceGraph;
}

export class EstateError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    // One problem, one line; several are listed one per line under a header.
    const shown = problems.slice(0, 10);
    const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : '';
    super(
      problems.length === 1
        ? `${source}: invalid estate: ${problems[0]!}`
        : `${source}: invalid estate:\n  ${shown.join('\n  ')}${more}`,
    );
    this.name = 'EstateError';
  }
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const SUBSCRIPTION_ID = /^[0-9A-Za-z-]{1,64}$/;

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

const subscriptionSchema = z.union([
  z.string().regex(SUBSCRIPTION_ID, 'subscription id must be letters, digits and dashes (a GUID in Azure)'),
  z.strictObject({
    subscriptionId: z
      .string()
      .regex(SUBSCRIPTION_ID, 'subscription id must be letters, digits and dashes (a GUID in Azure)'),
    displayName: z.string().optional(),
  }),
]);

const resourceSchema = z
  .looseObject({
    id: z.string({ error: '"id" must be a string (the full ARM resource id)' }),
    name: z.string({ error: '"name" must be a string' }),
    type: z.string({
      error: '"type" must be a string (e.g. Microsoft.ManagedIdentity/userAssignedIdentities)',
    }),
  })
  .catchall(jsonValue);

const estateSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  tenants: z
    .array(
      z.strictObject({
        tenantId: z.string().regex(GUID, 'tenantId must be a GUID'),
        subscriptions: z.array(subscriptionSchema),
      }),
    )
    .min(1, 'at least one tenant is required'),
  resources: z.array(resourceSchema),
  resourceGraph: z
    .strictObject({
      lagSeconds: z.number().min(0, 'lagSeconds must be 0 or more'),
      recent: z
        .array(
          z.strictObject({
            id: z.string(),
            secondsAgo: z.number().min(0, 'secondsAgo must be 0 or more'),
            before: z.union([resourceSchema, z.null()]),
          }),
        )
        .optional(),
    })
    .optional(),
});

/**
 * Does a resource's `type` agree with its id? A GET returns the id's type, case aside, with one published
 * exception: AKS reports its private endpoint connections as
 * `Microsoft.Network/privateLinkServices/privateEndpointConnections`
 * (test/fixtures/azure/privatelink/aks.PrivateEndpointConnectionsGet.json), so for that child type only
 * the last segment must agree.
 */
function typeAgreesWithId(declared: string, idType: string): boolean {
  if (sameType(declared, idType)) return true;
  const last = (t: string) => t.slice(t.lastIndexOf('/') + 1).toLowerCase();
  return last(idType) === 'privateendpointconnections' && last(declared) === 'privateendpointconnections';
}

export function subscriptionIdOf(entry: EstateSubscription): string {
  return typeof entry === 'string' ? entry : entry.subscriptionId;
}

/**
 * Validates an estate (a parsed JSON value, JSON text or its UTF-8 bytes) and returns it typed. Checks: at
 * most MAX_JSON_DEPTH levels of nesting; the shape above; every resource has a well-formed ARM `id`, unique
 * case-insensitively, and a `type` that agrees with it; every resource's subscription is
 * listed by a tenant; every child resource's parent is present; no subscription is listed twice.
 */
export function parseEstate(input: unknown, sourceName: string): Estate {
  let value = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      value = parseJsonText(input);
    } catch (e) {
      throw new EstateError(sourceName, [e instanceof TextInputError ? e.message : String(e)]);
    }
  } else if (valueNestingTooDeep(input)) {
    // Schema validation below recurses over resource bodies.
    throw new EstateError(sourceName, [`nested deeper than ${MAX_JSON_DEPTH} levels`]);
  }
  const parsed = estateSchema.safeParse(value);
  if (!parsed.success) {
    throw new EstateError(
      sourceName,
      parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
    );
  }
  const problems: string[] = [];
  const subscriptions = new Map<string, string>();
  parsed.data.tenants.forEach((t, ti) =>
    t.subscriptions.forEach((s, si) => {
      const id = subscriptionIdOf(s).toLowerCase();
      if (subscriptions.has(id))
        problems.push(
          `tenants.${ti}.subscriptions.${si}: subscription '${subscriptionIdOf(s)}' is listed twice`,
        );
      subscriptions.set(id, t.tenantId);
    }),
  );
  // The validated input itself, not zod's output: zod rebuilds objects with the schema's keys first,
  // and the estate must come back out of state() exactly as it went in, key order included.
  const resources = (value as { resources: ArmResource[] }).resources;
  const ids = new Map<string, number>();
  resources.forEach((r, i) => {
    const id = r.id;
    try {
      const rid = parseResourceId(id);
      if (rid.resourceGroup === undefined && rid.provider === undefined) {
        problems.push(
          `resources.${i}: '${id}' is a subscription; list subscriptions under tenants, not resources`,
        );
        return;
      }
      // The id decides which provider serves the resource; a type that says otherwise would have the
      // emulator answer one way and fedlink read it another (a GET always returns the id's type).
      const idType = rid.type ?? 'Microsoft.Resources/resourceGroups';
      if (!typeAgreesWithId(r.type, idType)) {
        problems.push(`resources.${i}: type '${r.type}' contradicts its id, which names a ${idType}`);
      }
      if (!subscriptions.has(rid.subscriptionId.toLowerCase())) {
        problems.push(
          `resources.${i}: '${id}' belongs to subscription '${rid.subscriptionId}', which no tenant lists`,
        );
      }
    } catch (e) {
      problems.push(`resources.${i}: ${e instanceof ResourceIdError ? e.message : String(e)}`);
      return;
    }
    const key = normalizeResourceId(id);
    const first = ids.get(key);
    if (first !== undefined)
      problems.push(`resources.${i}: id '${id}' duplicates resources.${first} (ids are case-insensitive)`);
    else ids.set(key, i);
  });
  resources.forEach((r, i) => {
    const id = r.id;
    if (ids.get(normalizeResourceId(id)) !== i) return;
    const rid = parseResourceId(id);
    if (rid.segments.length < 2) return;
    const parent = id.split('/').slice(0, -2).join('/');
    if (!ids.has(normalizeResourceId(parent))) {
      problems.push(`resources.${i}: child resource '${id}' has no parent: add '${parent}' to resources`);
    }
  });
  const graph = (value as { resourceGraph?: EstateResourceGraph }).resourceGraph;
  graph?.recent?.forEach((change, i) => {
    try {
      parseResourceId(change.id);
    } catch (e) {
      problems.push(`resourceGraph.recent.${i}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (change.before !== null && normalizeResourceId(change.before.id) !== normalizeResourceId(change.id))
      problems.push(`resourceGraph.recent.${i}: before.id '${change.before.id}' is not '${change.id}'`);
  });
  if (problems.length > 0) throw new EstateError(sourceName, problems);
  return {
    ...(graph ? { resourceGraph: graph } : {}),
    tenants: parsed.data.tenants.map((t) => ({
      tenantId: t.tenantId,
      subscriptions: t.subscriptions.map((s) =>
        typeof s === 'string'
          ? s
          : {
              subscriptionId: s.subscriptionId,
              ...(s.displayName !== undefined ? { displayName: s.displayName } : {}),
            },
      ),
    })),
    resources,
  };
}

/** Validates one resource (JSON values, string id/name/type, a well-formed ARM id of that type); throws EstateError. */
export function parseResource(input: unknown, sourceName: string): ArmResource {
  const parsed = resourceSchema.safeParse(input);
  if (!parsed.success) {
    throw new EstateError(
      sourceName,
      parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
    );
  }
  let idType: string;
  try {
    idType = parseResourceId(parsed.data.id).type ?? 'Microsoft.Resources/resourceGroups';
  } catch (e) {
    throw new EstateError(sourceName, [e instanceof Error ? e.message : String(e)]);
  }
  if (!typeAgreesWithId(parsed.data.type, idType))
    throw new EstateError(sourceName, [
      `type '${parsed.data.type}' contradicts its id, which names a ${idType}`,
    ]);
  return input as ArmResource;
}

/**
 * Reads and validates an estate file; every failure (missing file, not UTF-8, bad JSON, nested too deeply,
 * bad content) is an EstateError.
 */
export function loadEstate(path: string): Estate {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new EstateError(path, [
      `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    ]);
  }
  return parseEstate(bytes, path);
}

/**
 * The rows Azure Resource Graph would hold for the estate: the `resources` and `resourcecontainers`
 * tables, shaped like ARG's (type and resourceGroup lower-cased; absent kind/managedBy "", absent
 * sku/plan/identity/zones/extendedLocation null, absent tags `{}` as in the published ResourcesBasicQuery
 * example: ASSUMED for every untagged resource).
 *
 * Not indexed (ASSUMED from ARG's documented table contents; docs/targets.md counts one FIC list per identity
 * because of it): federated identity credentials, private endpoint connections (ARG shows them inside
 * the parent's `properties.privateEndpointConnections`), private DNS zone groups, private DNS record
 * sets, resource groups (they are in `resourcecontainers`). Reads go through views.ts, so reflected
 * connections and zone counters appear as a GET shows them. With a Resource Graph lag
 * (resourceGraphLag.ts) the rows are the resources as they stood that long ago.
 */
import { type EmulatorCore } from '../context';
import { type JsonObject, type JsonValue } from '../json';
import { type Row, type Table } from '../kql/evaluate';
import { type StoredResource, typeOfId } from '../store';
import { readView } from '../views';

export const RESOURCE_COLUMNS = [
  'id',
  'name',
  'type',
  'tenantId',
  'kind',
  'location',
  'resourceGroup',
  'subscriptionId',
  'managedBy',
  'sku',
  'plan',
  'properties',
  'tags',
  'identity',
  'zones',
  'extendedLocation',
] as const;

const NOT_INDEXED_LAST_TYPES = new Set([
  'federatedidentitycredentials',
  'privateendpointconnections',
  'privatednszonegroups',
]);
const RECORD_TYPES = new Set(['a', 'aaaa', 'cname', 'mx', 'ptr', 'soa', 'srv', 'txt']);

export function isIndexedByResourceGraph(stored: StoredResource): boolean {
  const segments = stored.parsed.segments;
  if (segments.length === 0) return false;
  const last = segments[segments.length - 1]!.type.toLowerCase();
  if (NOT_INDEXED_LAST_TYPES.has(last)) return false;
  if (
    segments.length === 2 &&
    segments[0]!.type.toLowerCase() === 'privatednszones' &&
    RECORD_TYPES.has(last)
  )
    return false;
  return true;
}

function value(v: JsonValue | undefined, fallback: JsonValue): JsonValue {
  return v === undefined ? fallback : v;
}

function resourceRow(core: EmulatorCore, stored: StoredResource): Row {
  const r = readView(core.store, stored);
  const sub = core.store.subscription(stored.parsed.subscriptionId);
  const type = typeof r['type'] === 'string' ? r['type'] : typeOfId(stored.parsed);
  const row: Row = new Map();
  row.set('id', r.id);
  row.set('name', value(r['name'], stored.parsed.name ?? ''));
  row.set('type', type.toLowerCase());
  row.set('tenantId', sub?.tenantId ?? '');
  row.set('kind', value(r['kind'], ''));
  row.set('location', value(r['location'], ''));
  row.set('resourceGroup', (stored.parsed.resourceGroup ?? '').toLowerCase());
  row.set('subscriptionId', stored.parsed.subscriptionId);
  row.set('managedBy', value(r['managedBy'], ''));
  row.set('sku', value(r['sku'], null));
  row.set('plan', value(r['plan'], null));
  row.set('properties', value(r['properties'], {}));
  row.set('tags', value(r['tags'], {}));
  row.set('identity', value(r['identity'], null));
  row.set('zones', value(r['zones'], null));
  row.set('extendedLocation', value(r['extendedLocation'], null));
  return row;
}

function inScope(subscriptionId: string, scope: ReadonlySet<string> | undefined): boolean {
  return scope === undefined || scope.has(subscriptionId.toLowerCase());
}

export function resourcesTable(core: EmulatorCore, scope: ReadonlySet<string> | undefined): Table {
  const rows: Row[] = [];
  for (const stored of core.resourceGraph.visible()) {
    if (!isIndexedByResourceGraph(stored) || !inScope(stored.parsed.subscriptionId, scope)) continue;
    rows.push(resourceRow(core, stored));
  }
  return { columns: RESOURCE_COLUMNS, rows };
}

function containerRow(fields: JsonObject): Row {
  const row: Row = new Map();
  for (const c of RESOURCE_COLUMNS) row.set(c, fields[c]);
  return row;
}

export function resourceContainersTable(core: EmulatorCore, scope: ReadonlySet<string> | undefined): Table {
  const rows: Row[] = [];
  for (const s of core.store.allSubscriptions()) {
    if (!inScope(s.subscriptionId, scope)) continue;
    rows.push(
      containerRow({
        id: `/subscriptions/${s.subscriptionId}`,
        name: s.displayName ?? s.subscriptionId,
        type: 'microsoft.resources/subscriptions',
        tenantId: s.tenantId,
        kind: '',
        location: '',
        resourceGroup: '',
        subscriptionId: s.subscriptionId,
        managedBy: '',
        sku: null,
        plan: null,
        properties: { state: 'Enabled' },
        tags: {},
        identity: null,
        zones: null,
        extendedLocation: null,
      }),
    );
    for (const rg of core.store.resourceGroupsOf(s.subscriptionId)) {
      const explicit = core.store.get(`/subscriptions/${s.subscriptionId}/resourceGroups/${rg}`)?.resource;
      rows.push(
        containerRow({
          id: explicit?.id ?? `/subscriptions/${s.subscriptionId}/resourceGroups/${rg}`,
          name: rg,
          type: 'microsoft.resources/subscriptions/resourcegroups',
          tenantId: s.tenantId,
          kind: '',
          location: value(explicit?.['location'], ''),
          resourceGroup: rg.toLowerCase(),
          subscriptionId: s.subscriptionId,
          managedBy: value(explicit?.['managedBy'], ''),
          sku: null,
          plan: null,
          properties: value(explicit?.['properties'], { provisioningState: 'Succeeded' }),
          tags: value(explicit?.['tags'], {}),
          identity: null,
          zones: null,
          extendedLocation: null,
        }),
      );
    }
  }
  return { columns: RESOURCE_COLUMNS, rows };
}

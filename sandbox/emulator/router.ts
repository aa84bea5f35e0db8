/**
 * Maps a parsed path to what serves it: ARM's own endpoints, Resource Graph, LRO status URLs, or a
 * resource-provider handler; checks the subscription and the api-version for that route first, as
 * ARM does before a request reaches a resource provider.
 */
import { checkProviderApiVersion, RESOURCE_GRAPH_VERSIONS } from './apiVersions';
import { type EmulatorCore } from './context';
import { noRoute, subscriptionNotFound, unsupportedOperation } from './errors';
import { type ArmRequest, type ArmResponse } from './http';
import { type ResourceTarget, type RouteTarget } from './paths';
import { locationOf, type ResourceHandler } from './providers/common';
import { federatedCredentialsHandler } from './providers/federatedCredentials';
import { genericHandler } from './providers/generic';
import { identitiesHandler } from './providers/identities';
import { managedClustersHandler } from './providers/managedClusters';
import { networkHandler } from './providers/network';
import {
  isPrivateEndpointConnectionRoute,
  privateEndpointConnectionsHandler,
} from './providers/privateEndpointConnections';
import { privateDnsHandler } from './providers/privateDns';
import { queryResources } from './providers/resourceGraph';
import {
  getResourceGroup,
  getSubscription,
  listResourceGroups,
  listSubscriptions,
  listTenants,
} from './providers/subscriptions';

/** GET of LRO status / result URLs (lro.ts); any well-formed api-version. */
const lroHandler: ResourceHandler = {
  apiVersions: () => undefined,
  handle: (req, target, core) => {
    if (req.method !== 'GET' || target.collection)
      return Promise.reject(unsupportedOperation(req.method, target.fullType));
    const opId = target.names[target.names.length - 1]!;
    return Promise.resolve(core.lro.answer(req.path, opId, core.clock.now()));
  },
};

/** `locations/{loc}/<kind>/{id}` operation URLs (the last three: Cosmos DB and SQL, recorded). */
const LOCATION_OPERATION_KINDS = [
  'operations',
  'operationresults',
  'operationstatuses',
  'operationsstatus',
  'privateendpointconnectionazureasyncoperation',
  'privateendpointconnectionoperationresults',
];

function isLroRoute(target: ResourceTarget): boolean {
  if (target.collection) return false;
  const t = target.types.map((x) => x.toLowerCase());
  if (target.namespace.toLowerCase() === 'microsoft.network' && t.length === 1) {
    return t[0] === 'privatednsoperationstatuses' || t[0] === 'privatednsoperationresults';
  }
  if (t.length === 2 && t[0] === 'locations') return LOCATION_OPERATION_KINDS.includes(t[1]!);
  // `{connectionId}/operationStatuses|operationResults/{id}` (Container Registry, Cosmos DB; recorded).
  return (
    t.length >= 3 &&
    t[t.length - 2] === 'privateendpointconnections' &&
    ['operationstatuses', 'operationresults'].includes(t[t.length - 1]!)
  );
}

export function handlerFor(target: ResourceTarget): ResourceHandler {
  if (isLroRoute(target)) return lroHandler;
  if (isPrivateEndpointConnectionRoute(target)) return privateEndpointConnectionsHandler;
  const t = target.typeKey;
  if (t === 'microsoft.containerservice/managedclusters') return managedClustersHandler;
  if (t === 'microsoft.managedidentity/userassignedidentities') return identitiesHandler;
  if (t === 'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials')
    return federatedCredentialsHandler;
  if (t === 'microsoft.network/privatednszones' || t.startsWith('microsoft.network/privatednszones/'))
    return privateDnsHandler;
  if (t.startsWith('microsoft.network/')) return networkHandler;
  return genericHandler;
}

/** Where the addressed resource (or, for a collection or a new child, its parent) lives, for messages. */
function locationFor(core: EmulatorCore, target: ResourceTarget): string {
  const own = target.collection ? undefined : core.store.get(target.path);
  const parent = target.parentId === undefined ? undefined : core.store.get(target.parentId);
  return locationOf(own ?? parent);
}

export function dispatch(req: ArmRequest, target: RouteTarget, core: EmulatorCore): Promise<ArmResponse> {
  const apiVersion = req.apiVersion!;
  switch (target.kind) {
    case 'tenants':
      if (req.method !== 'GET') break;
      return Promise.resolve(listTenants(req, core));
    case 'subscriptions':
      if (req.method !== 'GET') break;
      return Promise.resolve(listSubscriptions(req, core));
    case 'subscription':
      if (req.method !== 'GET') break;
      return Promise.resolve(getSubscription(req, core, target.subscriptionId));
    case 'resourceGroups':
      if (req.method !== 'GET') break;
      return Promise.resolve(listResourceGroups(req, core, target.subscriptionId));
    case 'resourceGroup':
      if (req.method !== 'GET') break;
      return Promise.resolve(getResourceGroup(req, core, target.subscriptionId, target.resourceGroup));
    case 'tenantProvider': {
      const isGraph =
        target.namespace.toLowerCase() === 'microsoft.resourcegraph' &&
        target.rest.length === 1 &&
        target.rest[0]!.toLowerCase() === 'resources';
      if (!isGraph) break;
      checkProviderApiVersion(
        apiVersion,
        'Microsoft.ResourceGraph/resources',
        RESOURCE_GRAPH_VERSIONS,
        'global',
      );
      return Promise.resolve(queryResources(req, core));
    }
    case 'resource': {
      if (!core.store.subscription(target.subscriptionId)) throw subscriptionNotFound(target.subscriptionId);
      const handler = handlerFor(target);
      checkProviderApiVersion(
        apiVersion,
        target.fullType,
        handler.apiVersions(target, core),
        locationFor(core, target),
      );
      return handler.handle(req, target, core);
    }
    case 'unknown':
      break;
  }
  throw noRoute(req.method, req.path);
}

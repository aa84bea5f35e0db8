/**
 * Microsoft.ContainerService/managedClusters: GET, list by subscription and by resource group, with
 * nextLink paging. Responses omit null-valued keys (views.ts; docs/azure-behaviour.md §2.1 OBSERVED). Writes are not
 * emulated: clusters are seeded through the estate (or Emulator.putResource for tests).
 */
import { CONTAINER_SERVICE_VERSIONS } from '../apiVersions';
import { unsupportedOperation } from '../errors';
import { type ResourceHandler, serveRead } from './common';

export const managedClustersHandler: ResourceHandler = {
  apiVersions: () => CONTAINER_SERVICE_VERSIONS,
  handle: (req, target, core) => {
    if (req.method === 'GET') return Promise.resolve(serveRead(core, req, target));
    return Promise.reject(unsupportedOperation(req.method, target.fullType));
  },
};

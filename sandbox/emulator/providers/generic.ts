/**
 * Resource types the emulator does not model in detail (storage accounts, key vaults, private link
 * services, ... as parents of private endpoint connections): GET of what the estate holds, any
 * well-formed api-version, and a clear synthetic 405 for writes.
 */
import { unsupportedOperation } from '../errors';
import { type ResourceHandler, serveRead } from './common';

export const genericHandler: ResourceHandler = {
  apiVersions: () => undefined,
  handle: (req, target, core) => {
    if (req.method === 'GET') return Promise.resolve(serveRead(core, req, target));
    return Promise.reject(unsupportedOperation(req.method, target.fullType));
  },
};

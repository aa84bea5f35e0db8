/**
 * Federated identity credentials (docs/azure-behaviour.md §1): synchronous PUT (201 create / 200 update), DELETE
 * (200 / 204 when absent), GET, and LIST with `$top` / `$skiptoken` + nextLink.
 *
 * Order of checks for a write (ASSUMED: the RP's internal order is not documented):
 *   1. parent identity exists                         404 "The parent user-assigned identity doesn't exist."
 *   2. the identity's region supports FICs             405 (Malaysia South, New Zealand North; §1.5)
 *   3. name and body shape                             400 documented messages (§1.3, §1.5)
 *   4. no other FIC write/delete in flight on the identity (or the seeded "foreign writer")
 *                                                      409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity
 *   5. managed identity service throttles              429 (limits.ts)
 *   6. holding the identity: issuer+subject unique, at most 20 FICs     400
 *   7. hold for the write latency (virtual), commit, release, answer.
 * The hold in 6-7 is what makes step 4 detect real overlap: two PUTs on one identity whose processing
 * overlaps in (virtual) time get exactly one 409.
 *
 * Codes: the documented errors give only status and message; the code `BadRequest` for the 400s and
 * `ParentResourceNotFound` for the 404 are ASSUMED. The 409 code and message are OBSERVED (§1.5).
 */
import { normalizeResourceId } from '../../../shared/core/resourceId';
import { MSI_FIC_VERSIONS } from '../apiVersions';
import { drawDuration, type EmulatorCore } from '../context';
import { resourceNotFound, unsupportedOperation } from '../errors';
import { ArmError, type ArmRequest, type ArmResponse, noContent, ok } from '../http';
import { type JsonObject, objectAt } from '../json';
import { type ResourceTarget } from '../paths';
import { type StoredResource } from '../store';
import {
  bodyObject,
  getResponse,
  listResponse,
  locationOf,
  requireResourceGroup,
  type ResourceHandler,
  typePath,
} from './common';
import { chargeMsi, FIC_TYPE, msiFicId } from './msiCommon';

/** docs/azure-behaviour.md §1.5: 20 FICs per identity. */
export const MAX_FICS_PER_IDENTITY = 20;
const NAME = /^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$/;
const MAX_CLAIM_LENGTH = 600;
/** docs/azure-behaviour.md §1.5: FICs are not supported on identities created in these regions. */
const UNSUPPORTED_REGIONS = new Set(['malaysiasouth', 'newzealandnorth']);

function fail400(message: string): ArmError {
  return new ArmError(400, 'BadRequest', message);
}

function parentMissing(): ArmError {
  return new ArmError(404, 'ParentResourceNotFound', "The parent user-assigned identity doesn't exist.");
}

/** OBSERVED code and message (docs/azure-behaviour.md §1.5), identity id lower-cased. */
export function concurrentWrites(identityId: string): ArmError {
  return new ArmError(
    409,
    'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity',
    `Too many Federated Identity Credentials are written concurrently for the managed identity '${identityId.toLowerCase()}'. ` +
      'Concurrent Federated Identity Credentials writes under the same managed identity are not supported.',
  );
}

/**
 * UNVERIFIED: Azure's answer to a 21st FIC is not documented (docs/azure-behaviour.md §1.5), so this code is
 * deliberately synthetic; fedlink must never rely on it (it refuses such plans before writing).
 */
export function ficLimitExceeded(identityId: string): ArmError {
  return new ArmError(
    400,
    'FedlinkEmulatorFederatedIdentityCredentialLimitExceeded',
    `The managed identity '${identityId}' already has ${MAX_FICS_PER_IDENTITY} federated identity credentials, the documented maximum (sandbox emulator: the real response is undocumented).`,
  );
}

/** `format: uri` (§1.3): an absolute URI; no whitespace anywhere (whitespace around `iss` blocks exchange). */
function isAbsoluteUri(value: string): boolean {
  if (/\s/.test(value) || !/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

interface FicSpec {
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: string[];
}

function validate(req: ArmRequest, ficName: string): FicSpec {
  if (!NAME.test(ficName)) throw fail400(`Federated Identity Credential name '${ficName}' is invalid.`);
  const body = bodyObject(req);
  const props = objectAt(body, 'properties');
  if (!props || Object.keys(props).length === 0)
    throw fail400('Federated Identity Credential from HTTP body has empty properties');
  const audiences = props['audiences'];
  if (
    !Array.isArray(audiences) ||
    audiences.length !== 1 ||
    typeof audiences[0] !== 'string' ||
    audiences[0] === ''
  ) {
    throw fail400('Federated Identity Credentials must have exactly one audience.');
  }
  const issuer = props['issuer'];
  const subject = props['subject'];
  // UNVERIFIED messages below: required fields, format: uri and the 600-character limits are documented
  // (§1.3), the wording of their errors is not.
  if (typeof issuer !== 'string' || issuer === '')
    throw fail400('Federated Identity Credential issuer is required.');
  if (issuer.length > MAX_CLAIM_LENGTH)
    throw fail400(`Federated Identity Credential issuer must be at most ${MAX_CLAIM_LENGTH} characters.`);
  if (!isAbsoluteUri(issuer))
    throw fail400(`Federated Identity Credential issuer '${issuer}' is not a valid URI.`);
  if (typeof subject !== 'string' || subject === '')
    throw fail400('Federated Identity Credential subject is required.');
  if (subject.length > MAX_CLAIM_LENGTH)
    throw fail400(`Federated Identity Credential subject must be at most ${MAX_CLAIM_LENGTH} characters.`);
  return { issuer, subject, audiences: [audiences[0]] };
}

function requireIdentity(core: EmulatorCore, target: ResourceTarget): StoredResource {
  const identity = target.parentId === undefined ? undefined : core.store.get(target.parentId);
  if (!identity) throw parentMissing();
  return identity;
}

/** Steps 4-5, then the hold. Returns the release function. */
function acquire(
  core: EmulatorCore,
  target: ResourceTarget,
  identity: StoredResource,
  operation: 'write' | 'delete',
): () => void {
  const identityId = identity.resource.id;
  if (core.ficGate.isHeld(identityId) || core.faults.foreignWriterHolds(identityId))
    throw concurrentWrites(identityId);
  chargeMsi(core, operation, target.subscriptionId, normalizeResourceId(identityId));
  if (!core.ficGate.tryAcquire(identityId)) throw concurrentWrites(identityId);
  return () => core.ficGate.release(identityId);
}

async function put(req: ArmRequest, target: ResourceTarget, core: EmulatorCore): Promise<ArmResponse> {
  const identity = requireIdentity(core, target);
  if (UNSUPPORTED_REGIONS.has(locationOf(identity, ''))) {
    // Documented status and message (§1.5); code ASSUMED.
    throw new ArmError(
      405,
      'MethodNotAllowed',
      'The request format was unexpected: Support for federated identity credentials not enabled.',
    );
  }
  const ficName = target.names[1]!;
  const spec = validate(req, ficName);
  const release = acquire(core, target, identity, 'write');
  try {
    const siblings = core.store.childrenOf(identity.resource.id, 'federatedIdentityCredentials');
    const self = normalizeResourceId(target.path);
    const existing = siblings.find((s) => normalizeResourceId(s.resource.id) === self);
    const clash = siblings.find((s) => {
      if (s === existing) return false;
      const p = objectAt(s.resource, 'properties');
      return p?.['issuer'] === spec.issuer && p['subject'] === spec.subject;
    });
    // Exact, case-sensitive comparison: token exchange matching is case-sensitive (§1.4).
    if (clash) throw fail400('Issuer and subject combination already exists for this Managed Identity.');
    if (!existing && siblings.length >= MAX_FICS_PER_IDENTITY) throw ficLimitExceeded(identity.resource.id);
    await core.clock.sleep(
      drawDuration(core, core.latency.ficWriteMs, `fic|${identity.resource.id.toLowerCase()}`),
    );
    if (!core.store.get(identity.resource.id)) throw parentMissing();
    const resource: JsonObject & { id: string } = {
      id: msiFicId(target.subscriptionId, target.resourceGroup!, target.names[0]!, ficName),
      name: ficName,
      type: FIC_TYPE,
      properties: { issuer: spec.issuer, subject: spec.subject, audiences: spec.audiences },
    };
    core.store.put(resource);
    return ok(resource, existing ? 200 : 201);
  } finally {
    release();
  }
}

async function remove(target: ResourceTarget, core: EmulatorCore): Promise<ArmResponse> {
  const identity = requireIdentity(core, target);
  const release = acquire(core, target, identity, 'delete');
  try {
    await core.clock.sleep(
      drawDuration(core, core.latency.ficWriteMs, `fic|${identity.resource.id.toLowerCase()}`),
    );
    const existing = core.store.get(target.path);
    if (!existing) return noContent(204);
    core.store.delete(existing.resource.id);
    return { status: 200 };
  } finally {
    release();
  }
}

export const federatedCredentialsHandler: ResourceHandler = {
  apiVersions: () => MSI_FIC_VERSIONS,
  handle: async (req, target, core) => {
    requireResourceGroup(core, target);
    if (target.resourceGroup === undefined) throw resourceNotFound(typePath(target), undefined);
    if (target.collection) {
      if (req.method !== 'GET') throw unsupportedOperation(req.method, target.fullType);
      const identity = requireIdentity(core, target);
      chargeMsi(core, 'list', target.subscriptionId, normalizeResourceId(identity.resource.id));
      return listResponse(
        core,
        req,
        core.store.childrenOf(identity.resource.id, 'federatedIdentityCredentials'),
      );
    }
    switch (req.method) {
      case 'GET': {
        const identity = requireIdentity(core, target);
        chargeMsi(core, 'get', target.subscriptionId, normalizeResourceId(identity.resource.id));
        const fic = core.store.get(target.path);
        if (!fic) throw resourceNotFound(typePath(target), target.resourceGroup);
        return getResponse(core, fic);
      }
      case 'PUT':
        return put(req, target, core);
      case 'DELETE':
        return remove(target, core);
      default:
        throw unsupportedOperation(req.method, target.fullType);
    }
  },
};

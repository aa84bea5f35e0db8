/**
 * Microsoft.ManagedIdentity/userAssignedIdentities: GET, list by subscription and resource group,
 * PUT (201 create / 200 update), PATCH (tags), DELETE (200 / 204 when absent; its FICs go with it).
 *
 * Server-set on create: `properties.tenantId` (the subscription's tenant in the estate), `principalId`
 * and `clientId` (seeded GUIDs), and `isolationScope: "None"` from api-version 2024-11-30 on (ASSUMED:
 * the version whose SDK model first has it). `assignmentRestrictions` (2026-05-31 example) is not modelled.
 */
import { MSI_IDENTITY_VERSIONS } from '../apiVersions';
import { type EmulatorCore } from '../context';
import { badRequest, resourceNotFound, unsupportedOperation } from '../errors';
import { ArmError, type ArmRequest, type ArmResponse, noContent, ok } from '../http';
import { isJsonObject, type JsonObject, objectAt } from '../json';
import { type ResourceTarget } from '../paths';
import {
  bodyObject,
  collectionMembers,
  getItemOr404,
  getResponse,
  listResponse,
  requireResourceGroup,
  type ResourceHandler,
  typePath,
} from './common';
import { chargeMsi, IDENTITY_TYPE, msiIdentityId } from './msiCommon';

function identityKey(target: ResourceTarget): string {
  return target.path.toLowerCase();
}

function requireBody(req: ArmRequest): JsonObject {
  const body = bodyObject(req);
  if (!body)
    throw badRequest('The request content was invalid: a JSON object is required.', 'InvalidRequestContent');
  return body;
}

function tagsOf(body: JsonObject): JsonObject | undefined {
  const tags = body['tags'];
  if (tags === undefined || tags === null) return undefined;
  if (!isJsonObject(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
    throw badRequest('The tags must be an object of string values.', 'InvalidTagValue');
  }
  return tags;
}

function put(req: ArmRequest, target: ResourceTarget, core: EmulatorCore): ArmResponse {
  const body = requireBody(req);
  const location = body['location'];
  // OBSERVED ARM code and text for a tracked resource without location.
  if (typeof location !== 'string' || location === '') {
    throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  }
  const tags = tagsOf(body);
  chargeMsi(core, 'write', target.subscriptionId, identityKey(target));
  const existing = core.store.get(target.path);
  const name = target.names[0]!;
  const sub = core.store.subscription(target.subscriptionId)!;
  const requested = objectAt(body, 'properties');
  let properties: JsonObject;
  if (existing) {
    properties = { ...(objectAt(existing.resource, 'properties') ?? {}) };
  } else {
    properties = {
      tenantId: sub.tenantId,
      principalId: core.random.uuid(`principal|${target.path.toLowerCase()}`),
      clientId: core.random.uuid(`client|${target.path.toLowerCase()}`),
    };
    if (req.apiVersion !== undefined && req.apiVersion >= '2024-11-30') properties['isolationScope'] = 'None';
  }
  const isolation = requested?.['isolationScope'];
  if (typeof isolation === 'string') properties['isolationScope'] = isolation;
  const resource: JsonObject & { id: string } = {
    id: existing ? existing.resource.id : msiIdentityId(target.subscriptionId, target.resourceGroup!, name),
    name: existing ? (existing.resource['name'] ?? name) : name,
    type: IDENTITY_TYPE,
    location: existing ? (existing.resource['location'] ?? location) : location,
    ...(tags !== undefined ? { tags } : {}),
    properties,
  };
  core.store.put(resource);
  return ok(resource, existing ? 200 : 201);
}

function patch(req: ArmRequest, target: ResourceTarget, core: EmulatorCore): ArmResponse {
  const body = requireBody(req);
  const existing = getItemOr404(core, target);
  const tags = tagsOf(body);
  chargeMsi(core, 'write', target.subscriptionId, identityKey(target));
  const resource = { ...existing.resource, ...(tags !== undefined ? { tags } : {}) };
  core.store.put(resource);
  return ok(resource);
}

function remove(target: ResourceTarget, core: EmulatorCore): ArmResponse {
  chargeMsi(core, 'delete', target.subscriptionId, identityKey(target));
  const existing = core.store.get(target.path);
  if (!existing) return noContent(204);
  core.store.delete(existing.resource.id);
  return { status: 200 };
}

export const identitiesHandler: ResourceHandler = {
  apiVersions: () => MSI_IDENTITY_VERSIONS,
  handle: (req, target, core) => Promise.resolve(handle(req, target, core)),
};

function handle(req: ArmRequest, target: ResourceTarget, core: EmulatorCore): ArmResponse {
  requireResourceGroup(core, target);
  if (target.collection) {
    if (req.method !== 'GET') throw unsupportedOperation(req.method, target.fullType);
    chargeMsi(core, 'list', target.subscriptionId, identityKey(target));
    return listResponse(core, req, collectionMembers(core, target));
  }
  if (target.resourceGroup === undefined) throw resourceNotFound(typePath(target), undefined);
  switch (req.method) {
    case 'GET':
      chargeMsi(core, 'get', target.subscriptionId, identityKey(target));
      return getResponse(core, getItemOr404(core, target));
    case 'PUT':
      return put(req, target, core);
    case 'PATCH':
      return patch(req, target, core);
    case 'DELETE':
      return remove(target, core);
    default:
      throw unsupportedOperation(req.method, target.fullType);
  }
}

/**
 * Shared pieces of the resource-provider handlers: the handler contract, scope checks (subscription,
 * resource group, parent), ARM's not-found answers, and list responses.
 */
import { type EmulatorCore } from '../context';
import { parentResourceNotFound, resourceGroupNotFound, resourceNotFound } from '../errors';
import { type ArmRequest, type ArmResponse, ok } from '../http';
import { isJsonObject, type JsonObject, type JsonValue } from '../json';
import { pageOf } from '../paging';
import { type ResourceTarget } from '../paths';
import { type StoredResource } from '../store';
import { readView } from '../views';

export interface ResourceHandler {
  /** Api-versions this route accepts; undefined = any well-formed version. */
  apiVersions(target: ResourceTarget, core: EmulatorCore): readonly string[] | undefined;
  handle(req: ArmRequest, target: ResourceTarget, core: EmulatorCore): Promise<ArmResponse>;
}

/** `Namespace/type/name[/type/name...]` as ARM names a resource in its 404 message. */
export function typePath(target: ResourceTarget): string {
  const parts: string[] = [target.namespace];
  target.types.forEach((t, i) => {
    parts.push(t);
    const n = target.names[i];
    if (n !== undefined) parts.push(n);
  });
  return parts.join('/');
}

/** ARM checks the resource group of any resource-group-scoped request before the RP sees it. */
export function requireResourceGroup(core: EmulatorCore, target: ResourceTarget): void {
  if (
    target.resourceGroup !== undefined &&
    !core.store.hasResourceGroup(target.subscriptionId, target.resourceGroup)
  ) {
    throw resourceGroupNotFound(target.resourceGroup);
  }
}

export function findItem(core: EmulatorCore, target: ResourceTarget): StoredResource | undefined {
  return core.store.get(target.path);
}

export function getItemOr404(core: EmulatorCore, target: ResourceTarget): StoredResource {
  const stored = findItem(core, target);
  if (!stored) throw resourceNotFound(typePath(target), target.resourceGroup);
  return stored;
}

/** For child routes: the parent, or ARM's ParentResourceNotFound. */
export function requireParent(
  core: EmulatorCore,
  target: ResourceTarget,
  operation: 'read' | 'write' | 'delete',
): StoredResource {
  const parent = target.parentId === undefined ? undefined : core.store.get(target.parentId);
  if (!parent)
    throw parentResourceNotFound(operation, target.types.join('/'), target.parentId ?? target.path);
  return parent;
}

/** The resources a collection GET addresses: top-level by scope, or the children of a parent. */
export function collectionMembers(core: EmulatorCore, target: ResourceTarget): StoredResource[] {
  if (target.types.length === 1) {
    return core.store.ofType(target.fullType, {
      subscriptionId: target.subscriptionId,
      resourceGroup: target.resourceGroup,
    });
  }
  requireParent(core, target, 'read');
  return core.store.childrenOf(target.parentId!, target.types[target.types.length - 1]);
}

export function listResponse(
  core: EmulatorCore,
  req: ArmRequest,
  members: readonly StoredResource[],
  pageSize = core.pageSize,
): ArmResponse {
  return ok(
    pageOf(
      req,
      core.endpoint(),
      members.map((m) => readView(core.store, m)),
      pageSize,
    ),
  );
}

export function getResponse(core: EmulatorCore, stored: StoredResource): ArmResponse {
  return ok(readView(core.store, stored));
}

export function bodyObject(req: ArmRequest): JsonObject | undefined {
  return isJsonObject(req.body) ? req.body : undefined;
}

export function propertiesOf(value: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(value)) return undefined;
  const p = value['properties'];
  return isJsonObject(p) ? p : undefined;
}

/** Location of a stored resource for messages and LRO URLs. */
export function locationOf(stored: StoredResource | undefined, fallback = 'global'): string {
  const l = stored?.resource['location'];
  return typeof l === 'string' && l !== '' ? l.toLowerCase().replace(/\s+/g, '') : fallback;
}

/** Shorthand for handlers that only serve GET of items and collections. */
export function serveRead(core: EmulatorCore, req: ArmRequest, target: ResourceTarget): ArmResponse {
  requireResourceGroup(core, target);
  if (target.collection) return listResponse(core, req, collectionMembers(core, target));
  if (target.types.length > 1) requireParent(core, target, 'read');
  return getResponse(core, getItemOr404(core, target));
}

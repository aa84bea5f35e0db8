/**
 * HTTP conditional writes for Private DNS record sets and link DELETE (docs/azure-behaviour.md §5.1):
 * `If-Match: <etag>` updates only that version, `If-None-Match: *` creates only if absent. UNVERIFIED: the
 * failure answer; ARM convention is a synchronous 412 `PreconditionFailed`, used here. Link PUT/PATCH do not
 * come here: Azure fails those through the operation status (privateDns.ts linkFailure, §9.3).
 */
import { type ArmRequest, ArmError, header } from '../http';
import { type StoredResource } from '../store';

export function checkPreconditions(req: ArmRequest, existing: StoredResource | undefined): void {
  const ifMatch = header(req, 'if-match');
  const ifNoneMatch = header(req, 'if-none-match');
  const etag = existing?.resource['etag'];
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() === '*' && existing) {
    throw preconditionFailed('The resource already exists and If-None-Match: * was given.');
  }
  if (ifMatch !== undefined) {
    const wanted = ifMatch.trim();
    if (!existing) throw preconditionFailed('The resource does not exist and If-Match was given.');
    if (wanted !== '*' && unquote(wanted) !== (typeof etag === 'string' ? unquote(etag) : undefined)) {
      throw preconditionFailed(`The etag '${wanted}' does not match the resource's current etag.`);
    }
  }
}

function unquote(v: string): string {
  return v.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

function preconditionFailed(message: string): ArmError {
  return new ArmError(412, 'PreconditionFailed', message);
}

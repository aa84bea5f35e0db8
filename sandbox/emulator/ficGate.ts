/**
 * In-flight FIC writes per managed identity (docs/azure-behaviour.md §1.5): the managed identity service rejects a
 * FIC write or delete with 409 `ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity`
 * while another FIC write or delete on the same identity is in flight. Writes to different identities
 * proceed in parallel.
 *
 * This is real concurrency, not a flag: a write holds its identity for its (virtual) latency, from
 * acceptance until it commits and answers; any FIC write or delete arriving in that window is refused.
 */
import { normalizeResourceId } from '../../shared/core/resourceId';

export class FicWriteGate {
  private readonly held = new Set<string>();

  /** Takes the identity if free; false if another write holds it. */
  tryAcquire(identityId: string): boolean {
    const key = normalizeResourceId(identityId);
    if (this.held.has(key)) return false;
    this.held.add(key);
    return true;
  }

  release(identityId: string): void {
    this.held.delete(normalizeResourceId(identityId));
  }

  isHeld(identityId: string): boolean {
    return this.held.has(normalizeResourceId(identityId));
  }
}

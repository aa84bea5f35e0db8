/**
 * Deterministic FIC names (docs/style.md 15, docs/design.md invariant 2).
 *
 * `fedlink-<cluster>-<namespace>-<serviceaccount>-<hash>`: the readable part is for people reading
 * the portal; the hash makes the name unique and stable. The hash is over the exact issuer and
 * subject, so the FIC for a re-created cluster (same name, new issuer URL, docs/azure-behaviour.md §2.2) gets a
 * new name and never collides with the old FIC, which prune deletes on its own schedule. The prefix is
 * what ownership means: fedlink changes or deletes only FICs whose names start with it.
 */
import { createHash } from 'node:crypto';

/** FICs whose names start with this are fedlink's; every other FIC is never changed or deleted. */
export const OWNED_PREFIX = 'fedlink-';

/** Azure's FIC name rule: 3-120 characters, alphanumeric first (docs/azure-behaviour.md §1.3). */
export const FIC_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-_]{2,119}$/;
export const MAX_FIC_NAME_LENGTH = 120;

/** Hex characters of sha256 kept in a name: 48 bits, ample for at most 20 FICs per identity. */
export const NAME_HASH_LENGTH = 12;

export interface FicNameSeed {
  readonly clusterName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The issuer exactly as written to the FIC (byte for byte). */
  readonly issuer: string;
  /** `system:serviceaccount:<ns>:<sa>`. */
  readonly subject: string;
}

/**
 * The name fedlink gives the FIC that trusts `issuer` for `subject`. Always matches
 * `FIC_NAME_PATTERN` and starts with `OWNED_PREFIX`. When too long, the readable part is trimmed
 * (longest components first), never the prefix or the hash.
 */
export function ficName(seed: FicNameSeed): string {
  const hash = createHash('sha256')
    .update(`${seed.issuer}\n${seed.subject}`, 'utf8')
    .digest('hex')
    .slice(0, NAME_HASH_LENGTH);
  const budget = MAX_FIC_NAME_LENGTH - OWNED_PREFIX.length - hash.length - 1;
  const readable = fitComponents(
    [seed.clusterName, seed.namespace, seed.serviceAccount].map(sanitize),
    budget,
  );
  return readable === '' ? `${OWNED_PREFIX}${hash}` : `${OWNED_PREFIX}${readable}-${hash}`;
}

/** True when fedlink owns the FIC with this name (case-sensitive: fedlink only ever writes the prefix as is). */
export function isOwned(name: string): boolean {
  return name.startsWith(OWNED_PREFIX);
}

/**
 * Keeps what the name rule allows: accents are dropped from their letters (`zürich` → `zurich`), and
 * anything else (dots, other scripts, spaces) becomes one '-'.
 */
function sanitize(component: string): string {
  return component
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-zA-Z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}

/**
 * Joins the non-empty components with '-' in at most `budget` characters. When they do not fit, each
 * component gets an equal share, and what short components leave unused goes to the longer ones, so a
 * 253-character service account does not push the cluster name out of the name.
 */
function fitComponents(components: readonly string[], budget: number): string {
  const parts = components.filter((c) => c !== '');
  const room = budget - Math.max(0, parts.length - 1);
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  if (total <= room) return parts.join('-');
  const share = new Map<number, number>();
  let left = room;
  const byLength = parts
    .map((p, i) => ({ i, length: p.length }))
    .sort((a, b) => a.length - b.length || a.i - b.i);
  byLength.forEach(({ i, length }, k) => {
    const fair = Math.floor(left / (byLength.length - k));
    const take = Math.min(length, fair);
    share.set(i, take);
    left -= take;
  });
  return parts
    .map((p, i) => p.slice(0, share.get(i) ?? 0).replace(/[-_]+$/, ''))
    .filter((p) => p !== '')
    .join('-');
}

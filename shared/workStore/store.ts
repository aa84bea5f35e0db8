/**
 * The work store: where a fleet check keeps what is too big for orchestration histories (the claim-check
 * pattern). A drift check's scope step writes the fleet's work items here in chunks and hands the
 * orchestration only the chunks' names; each batch's activities read their own chunk, and write their
 * full outcomes (every passing finding included) back for the report. Histories then carry names,
 * counts and the findings that matter, never the fleet (docs/style.md 14; docs/targets.md performance 5).
 *
 * Documents are JSON, written whole and read whole. A name is written by one activity of one run; a
 * retried activity writes the same name again with the same content, so `put` replaces. `create` is the
 * one conditional write: it lets concurrent activities of a run agree on which of them makes a read the
 * whole run shares (shared/reconcile/sharedReads.ts).
 *
 * Layout (the same in every implementation; shared/azure/workStore.ts writes it to a blob container):
 *
 *   runs/<runKey>/<anything>     the documents of one run, deleted together when the run ends
 */

/** The longest name accepted (Blob Storage allows 1,024 characters; the rest is the container URL's). */
export const MAX_NAME_LENGTH = 900;
const NAME = /^[a-z0-9][a-z0-9._:/-]*$/;

export interface WorkStore {
  /** Where the documents go, for logs and error messages (a container URL, `memory`). */
  readonly location: string;
  /** Stores `value` as JSON under `name`, replacing what is there. */
  put(name: string, value: unknown): Promise<void>;
  /**
   * Stores `value` under `name` only if nothing is stored there yet (Blob: `If-None-Match: *`), in one
   * atomic step: true when this call created it, false when the name was taken. Of concurrent callers
   * exactly one gets true (a claim, shared/reconcile/sharedReads.ts).
   */
  create(name: string, value: unknown): Promise<boolean>;
  /** The document under `name`; throws WorkStoreError (`notFound: true`) when there is none. */
  get<T = unknown>(name: string): Promise<T>;
  /** Deletes every document whose name starts with `prefix`; returns how many were deleted. */
  deletePrefix(prefix: string): Promise<number>;
}

/** A store that cannot do what it was asked (missing document or container, no permission, bad JSON). */
export class WorkStoreError extends Error {
  constructor(
    message: string,
    readonly notFound = false,
  ) {
    super(message);
    this.name = 'WorkStoreError';
  }
}

/** Throws unless `name` is a store name: lower-case, no `..`, at most MAX_NAME_LENGTH characters. */
export function checkName(name: string): string {
  if (
    name.length > MAX_NAME_LENGTH ||
    !NAME.test(name) ||
    name.split('/').some((s) => s === '..' || s === '.')
  )
    throw new WorkStoreError(`not a work store name: ${JSON.stringify(name.slice(0, 80))}`);
  return name;
}

/** The prefix every document of one run lives under: `runs/<instance id, lower-cased and made name-safe>/`. */
export function runPrefix(instanceId: string): string {
  return checkName(`runs/${instanceId.toLowerCase().replace(/[^a-z0-9._:-]/g, '_')}/`);
}

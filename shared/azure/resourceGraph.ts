/**
 * Resource Graph paging: one query over many subscriptions, drained page by page.
 *
 * - Subscriptions go in batches of fewer than 300 per query (docs/azure-behaviour.md §6.4); batches run one
 *   after another, since ARG's quota is per user (e.g. 15 queries per 5 s) and parallel batches
 *   would only spend it faster.
 * - Pages of up to 1,000 rows follow `$skipToken` until there is none.
 * - Quota: every response carries `x-ms-user-quota-remaining` / `x-ms-user-quota-resets-after`
 *   (§6.4); when the quota is spent and more pages remain, wait for the reset (on the injected clock)
 *   instead of running into a 429. A 429 itself is retried by the SDK (Retry-After) like any call.
 *   Each page request is also paced on the wire (./paced.ts: a bucket that keeps any 5 s window at the
 *   quota, docs/azure-behaviour.md §6.6), so the headers only matter when another client of the same
 *   user spends the quota too.
 * - A result that ARG marks truncated without a `$skipToken` is incomplete: that is an error, never a
 *   short list (a cluster missing from the list would look deleted and its FICs prunable).
 */
import { type ResourceGraphClient } from '@azure/arm-resourcegraph';
import { type Clock } from '../core/clock';
import { type Logger } from '../core/log';
import { hmsToSeconds, localArmError } from './errors';
import { asRecord, type JsonRecord } from './mappers/json';
import { ARG_PAGE_SIZE, ARG_SUBSCRIPTIONS_PER_QUERY } from './queries';

export interface ResourceGraphOptions {
  readonly clock: Clock;
  readonly log?: Logger;
  readonly pageSize?: number;
  readonly subscriptionsPerQuery?: number;
}

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The subscriptions once each (compared case-insensitively), in the order given. */
function uniqueSubscriptions(subscriptionIds: readonly string[]): string[] {
  const seen = new Set<string>();
  return subscriptionIds.filter((s) => {
    const key = s.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface Quota {
  readonly remaining: number | undefined;
  readonly resetsAfterSeconds: number | undefined;
}

function quotaFrom(headers: { get(name: string): string | undefined } | undefined): Quota {
  const remainingText = headers?.get('x-ms-user-quota-remaining');
  const remaining =
    remainingText !== undefined && /^-?\d+$/.test(remainingText.trim()) ? Number(remainingText) : undefined;
  return { remaining, resetsAfterSeconds: hmsToSeconds(headers?.get('x-ms-user-quota-resets-after')) };
}

/**
 * Runs `query` over `subscriptionIds` and returns every row (objectArray format), in ARG's order
 * within each batch. Errors are thrown as they come (the caller converts them with toArmError).
 */
export async function queryAllRows(
  client: ResourceGraphClient,
  query: string,
  subscriptionIds: readonly string[],
  options: ResourceGraphOptions,
): Promise<JsonRecord[]> {
  const pageSize = options.pageSize ?? ARG_PAGE_SIZE;
  const rows: JsonRecord[] = [];
  let quota: Quota = { remaining: undefined, resetsAfterSeconds: undefined };
  for (const batch of batches(
    uniqueSubscriptions(subscriptionIds),
    options.subscriptionsPerQuery ?? ARG_SUBSCRIPTIONS_PER_QUERY,
  )) {
    let skipToken: string | undefined;
    const seenTokens = new Set<string>();
    do {
      if (quota.remaining !== undefined && quota.remaining <= 0 && quota.resetsAfterSeconds !== undefined) {
        options.log?.info('resource graph quota spent, waiting for the reset', {
          waitSeconds: quota.resetsAfterSeconds,
        });
        await options.clock.sleep(quota.resetsAfterSeconds * 1000);
      }
      let headers: { get(name: string): string | undefined } | undefined;
      const response = await client.resources(
        {
          query,
          subscriptions: batch,
          options: {
            top: pageSize,
            resultFormat: 'objectArray',
            ...(skipToken !== undefined ? { skipToken } : {}),
          },
        },
        { onResponse: (raw) => (headers = raw.headers) },
      );
      quota = quotaFrom(headers);
      const data: unknown = response.data;
      if (!Array.isArray(data))
        throw localArmError(
          'InvalidResponse',
          'Resource Graph returned data that is not a row array (resultFormat objectArray)',
        );
      for (const row of data) {
        const record = asRecord(row);
        if (!record)
          throw localArmError('InvalidResponse', 'Resource Graph returned a row that is not an object');
        rows.push(record);
      }
      skipToken = response.skipToken || undefined;
      if (skipToken === undefined && String(response.resultTruncated) === 'true') {
        throw localArmError(
          'IncompleteResult',
          `Resource Graph truncated the result of "${query}" without a $skipToken`,
        );
      }
      if (skipToken !== undefined) {
        if (seenTokens.has(skipToken))
          throw localArmError('InvalidResponse', 'Resource Graph returned the same $skipToken twice');
        seenTokens.add(skipToken);
      }
    } while (skipToken !== undefined);
  }
  return rows;
}

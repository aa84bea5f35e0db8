/**
 * Seeded fault injection: throttles, server errors, connection resets, extra latency, a "foreign FIC
 * writer" (another party writing FICs to the same identity, which makes ours see the 409 of
 * docs/azure-behaviour.md §1.5) and a foreign writer of connections, links and zone groups (409
 * AnotherOperationInProgress). Decisions come from KeyedRandom, so a seed repeats a run.
 *
 * Scoping: `rules` are tried in order and the first whose `methods`/`path` match the request supplies
 * the rates; the spec's own top-level rates are the last, catch-all rule (scoped by its own
 * `methods`/`path` if given). Rates are probabilities per request in [0, 1].
 *
 * `path` is a case-insensitive literal substring of the request path in which `*` matches any run of
 * characters, not a regular expression: a regular expression from a spec file could backtrack for
 * minutes on every request (`(a+)+$`), and a wildcard match is linear. Characters that only mean
 * something in a regular expression (`^ $ + ? [ ] { } | \`) are refused, so a spec written for the old
 * regex form fails loudly instead of silently matching nothing.
 */
import { z } from 'zod';
import { parseJsonText, TextInputError } from '../../shared/core/jsonText';
import { type KeyedRandom } from './prng';

export interface FaultRates {
  /** 429 with Retry-After (retried by the SDK's throttling strategy). */
  readonly throttle429?: number;
  /** 429 without Retry-After (NOT retried by the SDK, docs/azure-behaviour.md §6.5). */
  readonly throttle429NoRetryAfter?: number;
  readonly serverError500?: number;
  /** 503 with Retry-After. */
  readonly serverError503?: number;
  /**
   * 403 `AuthorizationFailed` with ARM's message (the role lacks the action): never retried by the SDK
   * (docs/azure-behaviour.md §6.5) and terminal for fedlink.
   */
  readonly forbidden403?: number;
  /**
   * 409 `AnotherOperationInProgress` (another ARM operation holds the resource): not retried by the SDK,
   * retried by fedlink's durable rounds (docs/style.md 7).
   */
  readonly anotherOperation409?: number;
  /** The socket is destroyed before the request is processed (nothing happened). */
  readonly connectionReset?: number;
  /** A write is committed, then the socket is destroyed: the change happened but the reply is lost. */
  readonly connectionResetAfterWrite?: number;
  /** Probability of extra latency, and how much (virtual ms, fixed or [min, max]). */
  readonly extraLatency?: number;
  readonly extraLatencyMs?: number | readonly [number, number];
}

export interface FaultRule extends FaultRates {
  /** HTTP methods this rule applies to (any when absent). */
  readonly methods?: readonly string[];
  /**
   * Case-insensitive substring of the request path, `*` matching any run of characters (any path when
   * absent), e.g. `/federatedIdentityCredentials/` or `/privateDnsZones/privatelink.*.azure.net`.
   */
  readonly path?: string;
}

export interface FaultSpec extends FaultRule {
  readonly rules?: readonly FaultRule[];
  /** Probability that a FIC write/delete finds the identity held by another writer: 409. */
  readonly foreignFicWriter?: number;
  /**
   * Probability that a write to a private endpoint connection, a private DNS zone's virtual network link or
   * a private endpoint's zone group finds another party's operation running on it: 409
   * `AnotherOperationInProgress`, as the emulator answers for its own running operations (ASSUMED code,
   * providers/privateEndpointConnections.ts).
   */
  readonly foreignWriter?: number;
  /** Retry-After (seconds, virtual) on injected 429/503; default 1. */
  readonly retryAfterSeconds?: number;
  /** Overrides the emulator seed for fault draws. */
  readonly seed?: number;
}

export type FaultKind =
  | 'connectionReset'
  | 'serverError500'
  | 'serverError503'
  | 'throttle429'
  | 'throttle429NoRetryAfter'
  | 'forbidden403'
  | 'anotherOperation409';

export interface FaultDecision {
  readonly kind: FaultKind | undefined;
  readonly extraLatencyMs: number;
  readonly resetAfterWrite: boolean;
}

export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

/** Longer than any ARM path pattern needs to be; bounds the matching work per request. */
export const MAX_PATH_PATTERN_LENGTH = 256;
const REGEX_ONLY = /[\^$+?[\]{}|\\]/;

const rate = z.number().min(0).max(1);
const ratesShape = {
  throttle429: rate.optional(),
  throttle429NoRetryAfter: rate.optional(),
  serverError500: rate.optional(),
  serverError503: rate.optional(),
  forbidden403: rate.optional(),
  anotherOperation409: rate.optional(),
  connectionReset: rate.optional(),
  connectionResetAfterWrite: rate.optional(),
  extraLatency: rate.optional(),
  extraLatencyMs: z.union([z.number().min(0), z.tuple([z.number().min(0), z.number().min(0)])]).optional(),
  methods: z.array(z.string()).optional(),
  path: z
    .string()
    .max(MAX_PATH_PATTERN_LENGTH, `path patterns are at most ${MAX_PATH_PATTERN_LENGTH} characters`)
    .refine(
      (p) => !REGEX_ONLY.test(p),
      'path is a literal substring of the request path with * wildcards, not a regular expression (^ $ + ? [ ] { } | \\ are refused)',
    )
    .optional(),
};
const ruleSchema = z.strictObject(ratesShape);
const specSchema = z.strictObject({
  ...ratesShape,
  rules: z.array(ruleSchema).optional(),
  foreignFicWriter: rate.optional(),
  foreignWriter: rate.optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
  seed: z.number().int().optional(),
});

const NUMBER = /^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?$/i;

const EXAMPLES: Readonly<Record<string, string>> = {
  latency: '0.1:200-800',
  'retry-after': '2',
  seed: '7',
};

/** The value of a compact `key=value` item as a number; `429=` or `429=lots` is an error, not 0 or NaN. */
function num(key: string, value: string): number {
  if (!NUMBER.test(value))
    throw new FaultSpecError(`'${key}=' needs a number, e.g. ${key}=${EXAMPLES[key] ?? '0.1'}`);
  return Number(value);
}

const COMPACT_KEYS: Record<string, (value: string, out: Record<string, unknown>) => void> = {
  '429': (v, o) => (o['throttle429'] = num('429', v)),
  '429-bare': (v, o) => (o['throttle429NoRetryAfter'] = num('429-bare', v)),
  '500': (v, o) => (o['serverError500'] = num('500', v)),
  '503': (v, o) => (o['serverError503'] = num('503', v)),
  '403': (v, o) => (o['forbidden403'] = num('403', v)),
  '409': (v, o) => (o['anotherOperation409'] = num('409', v)),
  '5xx': (v, o) => {
    o['serverError500'] = num('5xx', v) / 2;
    o['serverError503'] = num('5xx', v) / 2;
  },
  reset: (v, o) => (o['connectionReset'] = num('reset', v)),
  'reset-after-write': (v, o) => (o['connectionResetAfterWrite'] = num('reset-after-write', v)),
  latency: (v, o) => {
    const m = /^([0-9.]+):([0-9]+)(?:-([0-9]+))?$/.exec(v);
    if (!m || !NUMBER.test(m[1]!))
      throw new FaultSpecError(`'latency=' must look like rate:ms or rate:min-max, e.g. latency=0.1:200-800`);
    o['extraLatency'] = Number(m[1]);
    o['extraLatencyMs'] = m[3] !== undefined ? [Number(m[2]), Number(m[3])] : Number(m[2]);
  },
  foreign: (v, o) => (o['foreignFicWriter'] = num('foreign', v)),
  'foreign-op': (v, o) => (o['foreignWriter'] = num('foreign-op', v)),
  'retry-after': (v, o) => (o['retryAfterSeconds'] = num('retry-after', v)),
  seed: (v, o) => (o['seed'] = num('seed', v)),
};

export interface ParseFaultSpecOptions {
  /**
   * The text came from a file the user named, which may not be a fault spec at all (`--faults ~/.env`):
   * no error message quotes any of it (values, unknown keys, unknown items).
   */
  readonly fromFile?: boolean;
}

/**
 * Parses a fault spec: an object (e.g. parsed JSON), JSON text (`{"throttle429":0.1,...}`) or the
 * compact CLI form `429=0.1,5xx=0.05,reset=0.01,latency=0.1:200-800,foreign=0.02,retry-after=2,seed=7`.
 * Throws FaultSpecError with every problem.
 */
export function parseFaultSpec(input: unknown, options: ParseFaultSpecOptions = {}): FaultSpec {
  if (typeof input !== 'string') return validateFaultSpec(input, options);
  const trimmed = input.replace(/^\uFEFF/, '').trim();
  let raw: unknown;
  if (trimmed.startsWith('{')) {
    try {
      raw = parseJsonText(trimmed);
    } catch (e) {
      throw new FaultSpecError(`fault spec is ${e instanceof TextInputError ? e.message : String(e)}`);
    }
  } else {
    const out: Record<string, unknown> = {};
    const parts = trimmed
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (parts.length === 0) throw new FaultSpecError('empty fault spec; e.g. 429=0.1,seed=7');
    parts.forEach((part, index) => {
      const eq = part.indexOf('=');
      const apply = eq > 0 ? COMPACT_KEYS[part.slice(0, eq)] : undefined;
      if (!apply) {
        const what = options.fromFile ? `item ${index + 1}` : `'${part}'`;
        throw new FaultSpecError(
          `unknown fault ${what}: a fault spec is JSON ({"throttle429": 0.1}) or key=value items with keys ${Object.keys(COMPACT_KEYS).sort().join(', ')}`,
        );
      }
      apply(part.slice(eq + 1), out);
    });
    raw = out;
  }
  return validateFaultSpec(raw, options);
}

function issueMessage(issue: z.core.$ZodIssue, fromFile: boolean): string {
  // zod names unknown keys; from a file they could be anything, so only say where.
  if (fromFile && issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length === 1 ? '' : 's'} (a fault spec has ${Object.keys(ratesShape).join(', ')}, rules, foreignFicWriter, foreignWriter, retryAfterSeconds, seed)`;
  return issue.message;
}

export function validateFaultSpec(raw: unknown, options: ParseFaultSpecOptions = {}): FaultSpec {
  const parsed = specSchema.safeParse(raw);
  if (!parsed.success) {
    throw new FaultSpecError(
      `invalid fault spec: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${issueMessage(i, options.fromFile ?? false)}`).join('; ')}`,
    );
  }
  for (const r of [parsed.data, ...(parsed.data.rules ?? [])]) {
    const sum =
      (r.throttle429 ?? 0) +
      (r.throttle429NoRetryAfter ?? 0) +
      (r.serverError500 ?? 0) +
      (r.serverError503 ?? 0) +
      (r.forbidden403 ?? 0) +
      (r.anotherOperation409 ?? 0) +
      (r.connectionReset ?? 0);
    if (sum > 1)
      throw new FaultSpecError(`invalid fault spec: the failure rates of one rule add up to ${sum} (> 1)`);
  }
  return parsed.data;
}

/**
 * Does `pattern` (a literal with `*` wildcards) occur in `path`, case-insensitively? Each literal piece
 * is found after the previous one, leftmost first, which is exact for an unanchored pattern and takes
 * at most (pieces × path length) steps: no backtracking.
 */
export function pathPatternMatches(pattern: string, path: string): boolean {
  const haystack = path.toLowerCase();
  let from = 0;
  for (const piece of pattern.toLowerCase().split('*')) {
    if (piece === '') continue;
    const at = haystack.indexOf(piece, from);
    if (at < 0) return false;
    from = at + piece.length;
  }
  return true;
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.methods && !rule.methods.some((m) => m.toUpperCase() === method)) return false;
  if (rule.path !== undefined && !pathPatternMatches(rule.path, path)) return false;
  return true;
}

export class FaultInjector {
  constructor(
    private spec: FaultSpec,
    private readonly random: KeyedRandom,
  ) {}

  set(spec: FaultSpec): void {
    this.spec = validateFaultSpec(spec);
  }

  get retryAfterSeconds(): number {
    return this.spec.retryAfterSeconds ?? 1;
  }

  private ruleFor(method: string, path: string): FaultRule | undefined {
    for (const r of this.spec.rules ?? []) if (matches(r, method, path)) return r;
    return matches(this.spec, method, path) ? this.spec : undefined;
  }

  private draw(key: string): number {
    return this.random.next(this.spec.seed !== undefined ? `${this.spec.seed}|${key}` : key);
  }

  decide(method: string, path: string): FaultDecision {
    const rule = this.ruleFor(method, path);
    if (!rule) return { kind: undefined, extraLatencyMs: 0, resetAfterWrite: false };
    const key = `${method} ${path.toLowerCase()}`;
    const u = this.draw(`fault|${key}`);
    const order: [FaultKind, number | undefined][] = [
      ['connectionReset', rule.connectionReset],
      ['serverError500', rule.serverError500],
      ['serverError503', rule.serverError503],
      ['throttle429', rule.throttle429],
      ['throttle429NoRetryAfter', rule.throttle429NoRetryAfter],
      ['forbidden403', rule.forbidden403],
      ['anotherOperation409', rule.anotherOperation409],
    ];
    let acc = 0;
    let kind: FaultKind | undefined;
    for (const [k, r] of order) {
      acc += r ?? 0;
      if (u < acc) {
        kind = k;
        break;
      }
    }
    let extraLatencyMs = 0;
    if ((rule.extraLatency ?? 0) > 0 && this.draw(`latency|${key}`) < rule.extraLatency!) {
      const ms = rule.extraLatencyMs ?? 0;
      extraLatencyMs =
        typeof ms === 'number' ? ms : ms[0] + this.draw(`latencyMs|${key}`) * Math.max(0, ms[1] - ms[0]);
    }
    const resetAfterWrite =
      (rule.connectionResetAfterWrite ?? 0) > 0 &&
      this.draw(`resetAfterWrite|${key}`) < rule.connectionResetAfterWrite!;
    return { kind, extraLatencyMs, resetAfterWrite };
  }

  /** The foreign writer: does this write find another party's operation running on `resourceId`? */
  foreignOperationRunning(resourceId: string): boolean {
    const p = this.spec.foreignWriter ?? 0;
    return p > 0 && this.draw(`foreignOp|${resourceId.toLowerCase()}`) < p;
  }

  /** The "foreign FIC writer": does this FIC write find the identity held by someone else? */
  foreignWriterHolds(identityId: string): boolean {
    const p = this.spec.foreignFicWriter ?? 0;
    return p > 0 && this.draw(`foreign|${identityId.toLowerCase()}`) < p;
  }
}

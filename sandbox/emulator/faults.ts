/**
 * Seeded fault injection: throttles, server errors, connection resets, extra latency and a "foreign FIC
 * writer" (another party writing FICs to the same identity, which makes ours see the 409 of
 * docs/azure-behaviour.md §1.5). Decisions come from KeyedRandom, so a seed repeats a run.
 *
 * Scoping: `rules` are tried in order and the first whose `methods`/`path` match the request supplies
 * the rates; the spec's own top-level rates are the last, catch-all rule (scoped by its own
 * `methods`/`path` if given). Rates are probabilities per request in [0, 1].
 */
import { z } from 'zod';
import { type KeyedRandom } from './prng';

export interface FaultRates {
  /** 429 with Retry-After (retried by the SDK's throttling strategy). */
  readonly throttle429?: number;
  /** 429 without Retry-After (NOT retried by the SDK, docs/azure-behaviour.md §6.5). */
  readonly throttle429NoRetryAfter?: number;
  readonly serverError500?: number;
  /** 503 with Retry-After. */
  readonly serverError503?: number;
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
  /** Regular expression (case-insensitive) over the request path (any when absent). */
  readonly path?: string;
}

export interface FaultSpec extends FaultRule {
  readonly rules?: readonly FaultRule[];
  /** Probability that a FIC write/delete finds the identity held by another writer: 409. */
  readonly foreignFicWriter?: number;
  /** Retry-After (seconds, virtual) on injected 429/503; default 1. */
  readonly retryAfterSeconds?: number;
  /** Overrides the emulator seed for fault draws. */
  readonly seed?: number;
}

export type FaultKind =
  'connectionReset' | 'serverError500' | 'serverError503' | 'throttle429' | 'throttle429NoRetryAfter';

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

const rate = z.number().min(0).max(1);
const ratesShape = {
  throttle429: rate.optional(),
  throttle429NoRetryAfter: rate.optional(),
  serverError500: rate.optional(),
  serverError503: rate.optional(),
  connectionReset: rate.optional(),
  connectionResetAfterWrite: rate.optional(),
  extraLatency: rate.optional(),
  extraLatencyMs: z.union([z.number().min(0), z.tuple([z.number().min(0), z.number().min(0)])]).optional(),
  methods: z.array(z.string()).optional(),
  path: z.string().optional(),
};
const ruleSchema = z.strictObject(ratesShape);
const specSchema = z.strictObject({
  ...ratesShape,
  rules: z.array(ruleSchema).optional(),
  foreignFicWriter: rate.optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
  seed: z.number().int().optional(),
});

const COMPACT_KEYS: Record<string, (value: string, out: Record<string, unknown>) => void> = {
  '429': (v, o) => (o['throttle429'] = Number(v)),
  '429-bare': (v, o) => (o['throttle429NoRetryAfter'] = Number(v)),
  '500': (v, o) => (o['serverError500'] = Number(v)),
  '503': (v, o) => (o['serverError503'] = Number(v)),
  '5xx': (v, o) => {
    o['serverError500'] = Number(v) / 2;
    o['serverError503'] = Number(v) / 2;
  },
  reset: (v, o) => (o['connectionReset'] = Number(v)),
  'reset-after-write': (v, o) => (o['connectionResetAfterWrite'] = Number(v)),
  latency: (v, o) => {
    const m = /^([0-9.]+):([0-9]+)(?:-([0-9]+))?$/.exec(v);
    if (!m) throw new FaultSpecError(`latency must look like rate:ms or rate:min-max, got '${v}'`);
    o['extraLatency'] = Number(m[1]);
    o['extraLatencyMs'] = m[3] !== undefined ? [Number(m[2]), Number(m[3])] : Number(m[2]);
  },
  foreign: (v, o) => (o['foreignFicWriter'] = Number(v)),
  'retry-after': (v, o) => (o['retryAfterSeconds'] = Number(v)),
  seed: (v, o) => (o['seed'] = Number(v)),
};

/**
 * Parses a fault spec: an object (e.g. parsed JSON), JSON text (`{"throttle429":0.1,...}`) or the
 * compact CLI form `429=0.1,5xx=0.05,reset=0.01,latency=0.1:200-800,foreign=0.02,retry-after=2,seed=7`.
 * Throws FaultSpecError with every problem.
 */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'string') return validateFaultSpec(input);
  const trimmed = input.trim();
  let raw: unknown;
  if (trimmed.startsWith('{')) {
    try {
      raw = JSON.parse(trimmed) as unknown;
    } catch (e) {
      throw new FaultSpecError(`fault spec is not valid JSON: ${(e as Error).message}`);
    }
  } else {
    const out: Record<string, unknown> = {};
    for (const part of trimmed
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [key, value] = part.split('=');
      const apply = key === undefined ? undefined : COMPACT_KEYS[key];
      if (!apply || value === undefined) {
        throw new FaultSpecError(
          `unknown fault '${part}'; use ${Object.keys(COMPACT_KEYS).join(', ')} as key=value`,
        );
      }
      apply(value, out);
    }
    raw = out;
  }
  return validateFaultSpec(raw);
}

export function validateFaultSpec(raw: unknown): FaultSpec {
  const parsed = specSchema.safeParse(raw);
  if (!parsed.success) {
    throw new FaultSpecError(
      `invalid fault spec: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  for (const r of [parsed.data, ...(parsed.data.rules ?? [])]) {
    if (r.path !== undefined) {
      try {
        new RegExp(r.path, 'i');
      } catch (e) {
        throw new FaultSpecError(
          `invalid fault spec: path '${r.path}' is not a regular expression: ${(e as Error).message}`,
        );
      }
    }
    const sum =
      (r.throttle429 ?? 0) +
      (r.throttle429NoRetryAfter ?? 0) +
      (r.serverError500 ?? 0) +
      (r.serverError503 ?? 0) +
      (r.connectionReset ?? 0);
    if (sum > 1)
      throw new FaultSpecError(`invalid fault spec: the failure rates of one rule add up to ${sum} (> 1)`);
  }
  return parsed.data;
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.methods && !rule.methods.some((m) => m.toUpperCase() === method)) return false;
  if (rule.path !== undefined && !new RegExp(rule.path, 'i').test(path)) return false;
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

  /** The "foreign FIC writer": does this FIC write find the identity held by someone else? */
  foreignWriterHolds(identityId: string): boolean {
    const p = this.spec.foreignFicWriter ?? 0;
    return p > 0 && this.draw(`foreign|${identityId.toLowerCase()}`) < p;
  }
}

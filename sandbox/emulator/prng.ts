/**
 * Seeded randomness that repeats across runs even when requests interleave differently.
 *
 * A single shared PRNG would hand out values in arrival order, which concurrency makes unstable. Here
 * every draw is keyed (e.g. "fault|PUT /subscriptions/.../federatedIdentityCredentials/x") and the n-th
 * draw for a key is a pure function of (seed, key, n). Runs with the same seed and the same per-key
 * request order (the usual case: one writer per object) get the same faults, latencies and ids.
 */

/** FNV-1a, 32 bit. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: a tiny, well-distributed 32-bit generator; returns a function yielding [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class KeyedRandom {
  private readonly counters = new Map<string, number>();

  constructor(readonly seed: number) {}

  /** The next value in [0, 1) for `key`. */
  next(key: string): number {
    const n = this.counters.get(key) ?? 0;
    this.counters.set(key, n + 1);
    return mulberry32(hash32(`${key}#${n}`, hash32(String(this.seed))))();
  }

  /** An integer in [min, max], inclusive. */
  between(key: string, min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor(this.next(key) * (max - min + 1));
  }

  /** A version-4-shaped UUID drawn from `key`'s stream (deterministic for a seed). */
  uuid(key: string): string {
    const rand = mulberry32(hash32(`${key}#${this.counters.get(key) ?? 0}`, hash32(`uuid:${this.seed}`)));
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
    const hex: string[] = [];
    for (let i = 0; i < 16; i++)
      hex.push(
        Math.floor(rand() * 256)
          .toString(16)
          .padStart(2, '0'),
      );
    hex[6] = `4${hex[6]!.slice(1)}`;
    hex[8] = ((parseInt(hex[8]!, 16) & 0x3f) | 0x80).toString(16).padStart(2, '0');
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/**
 * A fixed-window counter per key (e.g. login attempts per address and per account), bounded
 * in memory: old windows are dropped as new keys arrive.
 */
export class RateLimiter {
  readonly #hits = new Map<string, { count: number; resetAt: number }>();
  constructor(readonly limit: number, readonly windowMs: number, readonly maxKeys = 10_000, readonly now: () => number = Date.now) {}

  /** Counts one attempt; answers how many seconds to wait, or 0 when allowed. */
  take(key: string): number {
    const t = this.now();
    let entry = this.#hits.get(key);
    if (!entry || entry.resetAt <= t) {
      if (this.#hits.size >= this.maxKeys) this.#sweep(t);
      entry = { count: 0, resetAt: t + this.windowMs };
      this.#hits.set(key, entry);
    }
    entry.count++;
    return entry.count > this.limit ? Math.ceil((entry.resetAt - t) / 1000) : 0;
  }

  reset(key: string): void {
    this.#hits.delete(key);
  }

  #sweep(t: number) {
    for (const [k, v] of this.#hits) if (v.resetAt <= t) this.#hits.delete(k);
    // Still full of live windows: forget the oldest rather than grow without bound.
    while (this.#hits.size >= this.maxKeys) this.#hits.delete(this.#hits.keys().next().value as string);
  }
}

/**
 * A fixed-window counter per key (e.g. sign-in attempts per address and per address+account
 * pair), bounded in memory: old windows are dropped as new keys arrive.
 */
export class RateLimiter {
  readonly #hits = new Map<string, { count: number; resetAt: number }>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly maxKeys = 10_000,
    readonly now: () => number = Date.now
  ) {}

  /** Counts one attempt; answers how many seconds to wait, or 0 when allowed. */
  take(key: string, limit = this.limit): number {
    const t = this.now();
    let entry = this.#hits.get(key);
    if (!entry || entry.resetAt <= t) {
      if (this.#hits.size >= this.maxKeys) this.#sweep(t);
      entry = { count: 0, resetAt: t + this.windowMs };
      this.#hits.set(key, entry);
    }
    entry.count++;
    return entry.count > limit ? Math.max(1, Math.ceil((entry.resetAt - t) / 1000)) : 0;
  }

  /** Gives back one attempt (e.g. one that succeeded and should not count against the key). */
  refund(key: string): void {
    const entry = this.#hits.get(key);
    if (entry && entry.count > 0) entry.count--;
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

/**
 * The camera sees a code in every frame it stays in view (about ten a second). A code counts
 * once when it comes into view; the same code seen again within `windowMs` of its last
 * sighting is ignored. The window slides with every sighting, so a card held in front of the
 * camera for a minute still counts once, and counts again only after it was out of view for
 * the whole window.
 *
 * Time is passed in (performance.now() in the page), which keeps this testable.
 */
export const DEBOUNCE_MS = 2_000;

export class Debounce {
  readonly #lastSeen = new Map<string, number>();
  readonly #windowMs: number;

  constructor(windowMs = DEBOUNCE_MS) {
    this.#windowMs = windowMs;
  }

  /** Records a sighting; true when it counts (first sighting, or the first after a gap). */
  fresh(key: string, now: number): boolean {
    const last = this.#lastSeen.get(key);
    this.#lastSeen.set(key, now);
    this.#forgetOld(now);
    return last === undefined || now - last >= this.#windowMs;
  }

  /** Sightings older than the window can no longer suppress anything: drop them. */
  #forgetOld(now: number): void {
    for (const [key, at] of this.#lastSeen) if (now - at >= this.#windowMs) this.#lastSeen.delete(key);
  }
}

import { describe, expect, it } from 'vitest';
import { Debounce, DEBOUNCE_MS } from '../../src/lib/scanner/debounce';

describe('debounce', () => {
  it('counts a code once while it stays in view, however long', () => {
    const d = new Debounce();
    const counted = [];
    // A card held in front of the camera for a minute, seen ten times a second.
    for (let t = 0; t <= 60_000; t += 100) if (d.fresh('card:7K3M9Q', t)) counted.push(t);
    expect(counted).toEqual([0]);
  });

  it('counts it again after it was out of view for the whole window', () => {
    const d = new Debounce();
    expect(d.fresh('A', 0)).toBe(true);
    expect(d.fresh('A', 500)).toBe(false);
    expect(d.fresh('A', 500 + DEBOUNCE_MS - 1)).toBe(false);
    expect(d.fresh('A', 500 + DEBOUNCE_MS - 1 + DEBOUNCE_MS)).toBe(true);
  });

  it('keeps codes apart', () => {
    const d = new Debounce();
    expect(d.fresh('card:A', 0)).toBe(true);
    expect(d.fresh('column:B', 10)).toBe(true);
    expect(d.fresh('card:A', 20)).toBe(false);
    expect(d.fresh('column:B', 30)).toBe(false);
  });

  it('honours its window', () => {
    const d = new Debounce(300);
    expect(d.fresh('A', 0)).toBe(true);
    expect(d.fresh('A', 299)).toBe(false);
    expect(d.fresh('A', 700)).toBe(true);
  });
});

/**
 * Lanes from column signs, in wall coordinates (see frame.ts: x across, y down).
 *
 * Each sign marks one lane; lanes follow each other across the wall in the order of their signs.
 * The border between two neighbouring lanes is put in an empty stretch between their signs,
 * "empty" meaning no card's code covers it, so lanes of different widths and signs hung
 * off-centre still split where the wall itself has a gap (the tape), not halfway between the
 * signs. Of those stretches, wide ones win, and so do choices that leave each sign over (or at
 * the left of) its own cards (see chooseBorders).
 *
 * Supported: signs centred over their lanes (any width, any number of cards side by side), or
 * at the left of lanes one card wide. A sign at the left of a lane two cards wide looks, in
 * codes alone, exactly like a centred sign over a narrow lane next to a wider one; the rules
 * below get most of those right and leave some in doubt (placed nowhere), but not all. The outermost lanes end where the cards beyond their sign stop: at a gap as wide as
 * the narrowest gap between lanes. A card past it hangs under a sign the photo did not show,
 * and is left alone rather than guessed at.
 */

export interface Span {
  /** Centre of the code across the wall. */
  x: number;
  /** Left and right edges of the code across the wall. */
  left: number;
  right: number;
}

export interface SignSpan<K> extends Span {
  key: K;
}

export interface Lane<K> {
  key: K;
  /** Where the lane starts and ends across the wall (±Infinity: open). */
  from: number;
  to: number;
}

export interface Lanes<K> {
  lanes: Lane<K>[];
  /**
   * Stretches where another border would have been almost as good: a code there could be in
   * either lane, so it is placed in neither.
   */
  doubtful: { from: number; to: number }[];
}

/** Where a code at `x` hangs: a lane, between two lanes it cannot tell apart, or outside all. */
export type Where<K> = { lane: Lane<K> } | { doubtful: true } | { outside: true };

/**
 * Lanes for the given signs, bordered by the gaps among `cards` (the codes that hang in lanes).
 * `codeWidth` is a typical code's width, the yardstick when there is only one sign.
 */
export function lanesFromSigns<K>(signs: readonly SignSpan<K>[], cards: readonly Span[], codeWidth: number): Lanes<K> {
  if (signs.length === 0) return { lanes: [], doubtful: [] };
  const sorted = [...signs].sort((a, b) => a.x - b.x);
  const candidates: Gap[][] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i],
      b = sorted[i + 1];
    const inside = [...cards, ...sorted].filter((c) => c.right > a.right && c.left < b.left);
    candidates.push(gapsBetween(a.right, b.left, inside).slice(0, MAX_CANDIDATES));
  }
  const { chosen, doubtful } = chooseBorders(sorted, candidates, cards);
  const borders = chosen.map((g) => g.at);
  // Lanes are separated by gaps at least this wide; beyond the outermost signs, such a gap
  // means the cards past it hang in a lane whose sign the photo does not show.
  const laneGap = chosen.length ? Math.max(codeWidth, Math.min(...chosen.map((g) => g.width))) : 3 * codeWidth;
  const left = outerEdge(sorted[0], cards, laneGap, -1);
  const right = outerEdge(sorted[sorted.length - 1], cards, laneGap, 1);
  const lanes = sorted.map((s, i) => ({
    key: s.key,
    from: i === 0 ? left : borders[i - 1],
    to: i === sorted.length - 1 ? right : borders[i]
  }));
  return { lanes, doubtful };
}

interface Gap {
  at: number;
  width: number;
}

/** Gaps considered per border, widest first: the tape is one of the few widest. */
const MAX_CANDIDATES = 4;
const LEFT_WEIGHT = 0.5;
const DOUBT = 0.25;

/**
 * One gap per border, chosen for all borders at once (dynamic programming along the wall).
 * Wide gaps are good; a lane whose cards lie mostly left of its sign is bad, because signs hang
 * centred over their lane or at its left, never at its right. The second term settles what
 * width alone cannot: in a wide lane with two stacks under a sign at its left, the space
 * between the stacks can be as wide as the tape's gap, but choosing it would leave the right
 * stack hanging left of the next lane's sign. It counts half, so that a centred sign over a
 * wide lane filled from the left (cards left of the sign, legitimately) still splits at the
 * much wider tape gap.
 *
 * Cost = ½ Σ lanes max(0, sign − middle of its cards) − Σ gap widths.
 *
 * Where another gap for one border costs less than a quarter of the narrower gap's width more,
 * the codes between the two gaps are in doubt: a sign at the left of a wide lane with two stacks
 * looks, in codes alone, much like a centred sign with the next lane's stack beside it.
 */
function chooseBorders<K>(
  signs: readonly SignSpan<K>[],
  candidates: Gap[][],
  cards: readonly Span[]
): { chosen: Gap[]; doubtful: { from: number; to: number }[] } {
  const n = candidates.length;
  if (n === 0) return { chosen: [], doubtful: [] };
  const laneCost = (i: number, from: number, to: number) => {
    let lo = Infinity,
      hi = -Infinity;
    for (const c of cards) {
      if (c.x >= from && c.x < to) {
        lo = Math.min(lo, c.x);
        hi = Math.max(hi, c.x);
      }
    }
    return lo > hi ? 0 : LEFT_WEIGHT * Math.max(0, signs[i].x - (lo + hi) / 2);
  };
  // cost[i][j]: best total for borders 0..i with border i at candidate j; from[i][j]: its predecessor.
  const cost: number[][] = [];
  const from: number[][] = [];
  for (let i = 0; i < n; i++) {
    cost.push([]);
    from.push([]);
    candidates[i].forEach((g, j) => {
      if (i === 0) {
        cost[i][j] = laneCost(0, -Infinity, g.at) - g.width;
        from[i][j] = -1;
        return;
      }
      let best = Infinity,
        arg = 0;
      candidates[i - 1].forEach((p, k) => {
        const c = cost[i - 1][k] + laneCost(i, p.at, g.at);
        if (c < best) [best, arg] = [c, k];
      });
      cost[i][j] = best - g.width;
      from[i][j] = arg;
    });
  }
  let least = Infinity,
    arg = 0;
  candidates[n - 1].forEach((g, j) => {
    const c = cost[n - 1][j] + laneCost(n, g.at, Infinity);
    if (c < least) [least, arg] = [c, j];
  });
  const picks: number[] = new Array<number>(n);
  for (let i = n - 1, j = arg; i >= 0; j = from[i][j], i--) picks[i] = j;
  const chosen = picks.map((j, i) => candidates[i][j]);

  const total = (borders: Gap[]) =>
    borders.reduce((sum, g, i) => sum + laneCost(i, i === 0 ? -Infinity : borders[i - 1].at, g.at) - g.width, 0) +
    laneCost(n, borders[n - 1].at, Infinity);
  const doubtful: { from: number; to: number }[] = [];
  candidates.forEach((gaps, i) => {
    for (const alt of gaps) {
      if (alt === chosen[i]) continue;
      const other = chosen.map((g, k) => (k === i ? alt : g));
      if (total(other) - least < DOUBT * Math.min(alt.width, chosen[i].width)) {
        doubtful.push({ from: Math.min(alt.at, chosen[i].at), to: Math.max(alt.at, chosen[i].at) });
      }
    }
  });
  return { chosen, doubtful };
}

export function laneAt<K>({ lanes, doubtful }: Lanes<K>, x: number): Where<K> {
  if (doubtful.some((d) => x > d.from && x < d.to)) return { doubtful: true };
  const lane = lanes.find((l) => x >= l.from && x < l.to);
  return lane ? { lane } : { outside: true };
}

/** The stretches of [from, to] that no span covers, widest first (at least one, maybe of width 0). */
function gapsBetween(from: number, to: number, spans: readonly Span[]): Gap[] {
  const sorted = [...spans].sort((a, b) => a.left - b.left);
  const gaps: Gap[] = [];
  let cursor = from;
  for (const s of sorted) {
    const end = Math.min(s.left, to);
    if (end > cursor) gaps.push({ at: (cursor + end) / 2, width: end - cursor });
    cursor = Math.max(cursor, s.right);
    if (cursor >= to) break;
  }
  if (to > cursor) gaps.push({ at: (cursor + to) / 2, width: to - cursor });
  // Spans overlapping all the way across leave no gap: split halfway, with no gap to speak of.
  return gaps.length ? gaps.sort((a, b) => b.width - a.width) : [{ at: (from + to) / 2, width: 0 }];
}

/**
 * How far the outermost lane reaches beyond its sign (`side` -1: left, 1: right): across the
 * cards next to each other, until a gap of `gap` or more.
 */
function outerEdge(sign: Span, cards: readonly Span[], gap: number, side: -1 | 1): number {
  const beyond = cards
    .filter((c) => (side < 0 ? c.left < sign.left : c.right > sign.right))
    .sort((a, b) => (side < 0 ? b.right - a.right : a.left - b.left));
  let edge = side < 0 ? sign.left : sign.right;
  for (const c of beyond) {
    const distance = side < 0 ? edge - c.right : c.left - edge;
    if (distance >= gap) break;
    edge = side < 0 ? Math.min(edge, c.left) : Math.max(edge, c.right);
  }
  // The lane ends just past its last card (half the gap).
  return edge + (side * gap) / 2;
}

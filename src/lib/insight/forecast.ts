/**
 * Monte Carlo forecasts from a board's daily throughput.
 *
 * The history window is the last `history` days up to and including today (UTC), but never
 * before the board's first event: a board three weeks old is not made to look slow by the weeks
 * before it existed. Each of the window's days gives one sample, the number of cards finished
 * that day (by the definition of finished: the last entry into done, still standing there).
 *
 * A run draws one sample per future day, with replacement, starting tomorrow:
 * - `when` (items = N): the number of days until the drawn counts reach N. The answer for p is
 *   the date by which N cards are finished in at least p % of runs;
 * - `howMany` (by = a date): the sum of the counts drawn for every day after today up to and
 *   including that date. The answer for p is the count reached by at least p % of runs.
 *
 * The random numbers are seeded from the inputs (the samples, the question), so the same board,
 * window and question give the same answer every time.
 */
import { isIsoDate, type BoardEvent } from '../domain';
import { cardFlows } from './flow';
import { MAX_PERIOD_DAYS } from './period';
import { addDays, DAY_MS, dayOf, dayStart, daysFrom, type Day } from './time';
import { seededRandom as random } from '../random';

export const FORECAST_RUNS = 10_000;
export const FORECAST_PERCENTILES = [50, 70, 85, 95] as const;
export const DEFAULT_HISTORY_DAYS = 84;
/** Cards the window must hold before its throughput says anything about the future. */
export const FORECAST_MIN_FINISHED = 5;
/** The furthest a forecast looks ahead: ten years of days. */
export const MAX_HORIZON_DAYS = 3653;
export const MAX_ITEMS = 100_000;

export type ForecastQuestion = { kind: 'when'; items: number; history: number } | { kind: 'howMany'; by: Day; history: number };

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const WHOLE = /^[0-9]+$/;

/** Reads `items`, `by` and `history` from a query string; `today` bounds `by`. */
export function parseForecastQuery(q: URLSearchParams, today: Day): Parsed<ForecastQuestion> {
  const items = q.get('items');
  const by = q.get('by');
  const historyText = q.get('history');
  let history = DEFAULT_HISTORY_DAYS;
  if (historyText !== null) {
    history = WHOLE.test(historyText) ? Number(historyText) : NaN;
    if (!(history >= 1 && history <= MAX_PERIOD_DAYS)) {
      return {
        ok: false,
        message: `history must be a whole number of days from 1 to ${MAX_PERIOD_DAYS} (default ${DEFAULT_HISTORY_DAYS})`
      };
    }
  }
  if (items !== null && by !== null) return { ok: false, message: 'ask for items or by, not both' };
  if (items !== null) {
    const n = WHOLE.test(items) ? Number(items) : NaN;
    if (!(n >= 1 && n <= MAX_ITEMS)) return { ok: false, message: `items must be a whole number of cards from 1 to ${MAX_ITEMS}` };
    return { ok: true, value: { kind: 'when', items: n, history } };
  }
  if (by !== null) {
    if (!isIsoDate(by)) return { ok: false, message: 'by must be a date (YYYY-MM-DD)' };
    if (by <= today) return { ok: false, message: `by must be after today (${today})` };
    if (by > addDays(today, MAX_HORIZON_DAYS)) return { ok: false, message: `by must be at most ${MAX_HORIZON_DAYS} days ahead` };
    return { ok: true, value: { kind: 'howMany', by, history } };
  }
  return { ok: false, message: 'ask for items=N (when will N more cards be finished) or by=YYYY-MM-DD (how many cards by then)' };
}

export interface ThroughputHistory {
  from: Day;
  to: Day;
  /** Cards finished per day of the window, oldest first. */
  daily: number[];
  finished: number;
}

/** The window's daily throughput, as of `now`. */
export function throughputHistory(events: readonly BoardEvent[], historyDays: number, now: number): ThroughputHistory {
  const to = dayOf(now);
  const first = events.length ? dayOf(Date.parse(events[0].at)) : to;
  const earliest = addDays(to, -(historyDays - 1));
  const from = first > earliest ? (first > to ? to : first) : earliest;
  const days = daysFrom(from, to);
  const index = new Map(days.map((d, i) => [d, i]));
  const daily = days.map(() => 0);
  for (const c of cardFlows(events, now).values()) {
    if (c.finishedAt === null) continue;
    const i = index.get(dayOf(c.finishedAt));
    if (i !== undefined) daily[i]++;
  }
  return { from, to, daily, finished: daily.reduce((s, n) => s + n, 0) };
}

/** FNV-1a over the text: the seed of a question. */
function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const rank = (p: number, runs: number) => Math.max(1, Math.ceil((p / 100) * runs)) - 1;

export interface WhenForecast {
  runs: number;
  history: { from: Day; to: Day; days: number; finished: number };
  items: number;
  /** The date by which `items` cards are finished in at least p % of runs; null beyond the horizon. */
  when: { p: number; date: Day | null }[];
  /** How many runs finished on each date (runs beyond the horizon are left out). */
  histogram: { date: Day; days: number; runs: number }[];
}

export interface HowManyForecast {
  runs: number;
  history: { from: Day; to: Day; days: number; finished: number };
  by: Day;
  /** The count of cards finished by `by` in at least p % of runs. */
  howMany: { p: number; items: number }[];
  /** How many runs finished each count by `by`. */
  histogram: { items: number; runs: number }[];
}

export type ForecastResult =
  | { ok: true; forecast: WhenForecast | HowManyForecast }
  | { ok: false; message: string; needed: number; found: number; history: { from: Day; to: Day } };

export function forecast(events: readonly BoardEvent[], q: ForecastQuestion, now: number, runs = FORECAST_RUNS): ForecastResult {
  const h = throughputHistory(events, q.history, now);
  const window = { from: h.from, to: h.to };
  if (h.finished < FORECAST_MIN_FINISHED) {
    return {
      ok: false,
      needed: FORECAST_MIN_FINISHED,
      found: h.finished,
      history: window,
      message: `A forecast needs at least ${FORECAST_MIN_FINISHED} cards finished in its history window (${h.from} to ${h.to}); this board has ${h.finished}. Ask for a longer history, or finish more cards first.`
    };
  }
  const samples = h.daily;
  const n = samples.length;
  const question = q.kind === 'when' ? `when:${q.items}` : `by:${q.by}:${h.to}`;
  const rand = random(seedOf(`${samples.join(',')}|${question}`));
  const history = { ...window, days: n, finished: h.finished };
  if (q.kind === 'when') {
    const results = new Float64Array(runs);
    for (let r = 0; r < runs; r++) {
      let sum = 0;
      let d = 0;
      while (sum < q.items && d < MAX_HORIZON_DAYS) {
        sum += samples[Math.floor(rand() * n)];
        d++;
      }
      results[r] = sum >= q.items ? d : Infinity;
    }
    results.sort();
    const counts = new Map<number, number>();
    for (const d of results) if (d !== Infinity) counts.set(d, (counts.get(d) ?? 0) + 1);
    return {
      ok: true,
      forecast: {
        runs,
        history,
        items: q.items,
        when: FORECAST_PERCENTILES.map((p) => {
          const d = results[rank(p, runs)];
          return { p, date: d === Infinity ? null : addDays(h.to, d) };
        }),
        histogram: [...counts].map(([days, count]) => ({ date: addDays(h.to, days), days, runs: count }))
      }
    };
  }
  const horizon = Math.round((dayStart(q.by) - dayStart(h.to)) / DAY_MS);
  const results = new Float64Array(runs);
  for (let r = 0; r < runs; r++) {
    let sum = 0;
    for (let d = 0; d < horizon; d++) sum += samples[Math.floor(rand() * n)];
    results[r] = sum;
  }
  results.sort();
  results.reverse();
  const counts = new Map<number, number>();
  for (const v of results) counts.set(v, (counts.get(v) ?? 0) + 1);
  return {
    ok: true,
    forecast: {
      runs,
      history,
      by: q.by,
      howMany: FORECAST_PERCENTILES.map((p) => ({ p, items: results[rank(p, runs)] })),
      histogram: [...counts].map(([items, count]) => ({ items, runs: count })).sort((a, b) => a.items - b.items)
    }
  };
}

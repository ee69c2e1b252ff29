/**
 * Flow benchmark: Monte Carlo forecasts and flow metrics on a board with about 100,000 events
 * (a year of a busy team), beside the baseline of folding the same events into the board with
 * the domain's own `replay`. Aims: a forecast within 300 ms, the metrics within 250 ms. Medians
 * of several runs in one process; the aims are reported, never asserted.
 */
import { replay, type BoardEvent } from '../src/lib/domain';
import { boardMetrics } from '../src/lib/insight/board-metrics';
import { forecast } from '../src/lib/insight/forecast';
import { addDays, dayOf } from '../src/lib/insight/time';
import { seedHistory } from '../test/insight/seed';
import { medianTime } from './stats';

const RUNS = 5;

const median = (fn: () => void): number => medianTime(fn, RUNS);

export async function benchFlow(): Promise<Record<string, number>> {
  const now = Date.now();
  const h = seedHistory({ now, weeks: 52, perDay: 80, seed: 42, project: true });
  // As storage hands them out (parsed JSON), not as the generator built them.
  const events = JSON.parse(JSON.stringify(h.events)) as BoardEvent[];
  const today = dayOf(now);
  const quarter = { from: addDays(today, -83), to: today };
  const replayMs = median(() => replay(h.state.id, events));
  const metricsMs = median(() => boardMetrics(events, quarter, now));
  const whenMs = median(() => forecast(events, { kind: 'when', items: 1_000, history: 84 }, now));
  const howManyMs = median(() => forecast(events, { kind: 'howMany', by: addDays(today, 84), history: 84 }, now));
  return {
    'events in the log': events.length,
    'replay (baseline), ms': replayMs,
    'metrics, 12 weeks, ms (aim ≤ 250)': metricsMs,
    'metrics ÷ replay': metricsMs / replayMs,
    'forecast when (1,000 cards, 10,000 runs), ms (aim ≤ 300)': whenMs,
    'forecast how many (84 days, 10,000 runs), ms (aim ≤ 300)': howManyMs,
    'forecast ÷ replay': Math.max(whenMs, howManyMs) / replayMs
  };
}

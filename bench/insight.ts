/**
 * Insight benchmark: flow metrics for a board with a long history (about 100,000 events: a
 * year of a busy team), beside the baseline of folding the same events into the board with
 * the domain's own `replay` — the least any reader of the log must do. Also the activity log
 * and the import check over the same log. Medians of several runs in one process.
 */
import { replay, type BoardEvent } from '../src/lib/domain';
import { activity } from '../src/lib/insight/activity';
import { boardMetrics } from '../src/lib/insight/board-metrics';
import { checkLog } from '../server/import/check-log';
import { seedHistory } from '../test/insight/seed';
import { medianTime } from './stats';

const RUNS = 3;

const median = (fn: () => void): number => medianTime(fn, RUNS);

export async function benchInsight(): Promise<Record<string, number>> {
  const now = Date.now();
  const h = seedHistory({ now, weeks: 52, perDay: 80, seed: 42, project: true });
  // As storage hands them out (parsed JSON), not as the generator built them.
  const events = JSON.parse(JSON.stringify(h.events)) as BoardEvent[];
  const year = { from: new Date(now - 364 * 86_400_000).toISOString().slice(0, 10), to: new Date(now).toISOString().slice(0, 10) };
  const quarter = { from: new Date(now - 83 * 86_400_000).toISOString().slice(0, 10), to: year.to };
  const replayMs = median(() => replay(h.state.id, events));
  const yearMs = median(() => boardMetrics(events, year, now));
  const quarterMs = median(() => boardMetrics(events, quarter, now));
  const activityMs = median(() => activity(events));
  const checkMs = median(() => checkLog(events, events.length));
  return {
    'events in the log': events.length,
    'replay (baseline), ms': replayMs,
    'metrics for a year, ms': yearMs,
    'metrics for a year ÷ replay': yearMs / replayMs,
    'metrics for 12 weeks, ms': quarterMs,
    'activity rows, ms': activityMs,
    'import check, ms': checkMs
  };
}

/**
 * A board's schedule status from its forecast: the 85 % Monte Carlo finish date of its remaining
 * work set against the planned end of its project figures.
 *
 * Remaining work is the earned-value scope that is not finished: every card not archived
 * unfinished, less the finished ones. Status: green when the 85 % date is on or before the
 * planned end, amber when only the 50 % date is, red otherwise. A board with too little history
 * gets no status, and says so.
 */
import type { BoardEvent, ProjectFigures } from '../domain';
import type { Rag } from './earned-value';
import { cardFlows } from './flow';
import { DEFAULT_HISTORY_DAYS, forecast } from './forecast';
import { dayOf, type Day } from './time';

export interface ScheduleForecast {
  /** Cards still to finish. */
  remaining: number;
  plannedEnd: Day;
  /** Forecast finish dates of the remaining work (null: not enough history, or beyond ten years). */
  p50: Day | null;
  p85: Day | null;
  status: Rag | null;
  /** Why there is no status, when there is none. */
  reason: string | null;
}

export function scheduleForecast(
  events: readonly BoardEvent[],
  project: Pick<ProjectFigures, 'plannedEnd'>,
  now: number
): ScheduleForecast {
  const remaining = [...cardFlows(events, now).values()].filter((c) => !c.archived && c.finishedAt === null).length;
  const base = { remaining, plannedEnd: project.plannedEnd };
  if (remaining === 0) {
    const today = dayOf(now);
    return { ...base, p50: today, p85: today, status: 'green', reason: null };
  }
  const f = forecast(events, { kind: 'when', items: remaining, history: DEFAULT_HISTORY_DAYS }, now);
  if (!f.ok)
    return {
      ...base,
      p50: null,
      p85: null,
      status: null,
      reason: `not enough history (${f.found} of ${f.needed} finished cards in the last ${DEFAULT_HISTORY_DAYS} days)`
    };
  const when = 'when' in f.forecast ? f.forecast.when : [];
  const at = (p: number) => when.find((w) => w.p === p)?.date ?? null;
  const p50 = at(50);
  const p85 = at(85);
  const status: Rag = p85 !== null && p85 <= project.plannedEnd ? 'green' : p50 !== null && p50 <= project.plannedEnd ? 'amber' : 'red';
  return { ...base, p50, p85, status, reason: null };
}

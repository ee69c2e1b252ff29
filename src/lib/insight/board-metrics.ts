/**
 * A board's flow metrics for a period, computed from its event log alone (never from a
 * snapshot): the JSON of `GET /api/boards/:boardId/metrics` and the data of the insight page.
 */
import type { BoardEvent, ColumnId, Stage } from '../domain';
import { agingWip, type AgingItem } from './aging';
import { completionRate, dueDateHitRate, type Rate } from './completion';
import { earnedValue, type EarnedValue } from './earned-value';
import { flow } from './flow';
import type { Period } from './period';
import { finishedIn, cycleTimes, leadTimes, type TimeReport } from './times';
import { weeklyThroughput, type Week } from './throughput';
import type { Day } from './time';

export interface SeriesColumn {
  columnId: string;
  name: string;
  stage: Stage;
  removed: boolean;
}

export interface BoardMetrics {
  period: Period;
  /** The instant the report describes: the end of `period.to`, or now if that is later. */
  asOf: string;
  columns: (SeriesColumn & { wipLimit: number | null })[];
  summary: {
    throughput: number;
    cycleTime: TimeReport['percentiles'];
    leadTime: TimeReport['percentiles'];
    /** Cards now in in-progress columns, and the sum of those columns' limits (null if none has one). */
    wip: number;
    wipLimit: number | null;
    columnsOverLimit: number;
    /** Open cards older than the cycle time's 85th percentile. */
    aging: number;
    completion: Rate;
    dueDates: Rate;
  };
  cfd: { days: Day[]; series: (SeriesColumn & { counts: number[] })[] };
  cycleTime: TimeReport;
  leadTime: TimeReport;
  throughput: Week[];
  aging: { p85: number | null; items: AgingItem[] };
  wip: { days: Day[]; series: (SeriesColumn & { counts: number[]; limits: (number | null)[] })[]; total: number[] };
  earnedValue: EarnedValue | null;
}

export function boardMetrics(events: readonly BoardEvent[], period: Period, now: number): BoardMetrics {
  const f = flow(events, period, now);
  const finished = finishedIn(f.cards, period);
  const cycleTime = cycleTimes(finished);
  const leadTime = leadTimes(finished);
  const aging = agingWip(f.cards, f.columns, f.asOf, cycleTime.percentiles.p85);
  // Removed columns matter only if cards stood in them during the period.
  const shown = f.columns.filter((c) => !c.removed || f.cfd.get(c.id)!.some((n) => n > 0));
  const head = (c: (typeof f.columns)[number]): SeriesColumn => ({ columnId: c.id, name: c.name, stage: c.stage, removed: c.removed });
  const doing = shown.filter((c) => c.stage === 'doing');
  const live = f.columns.filter((c) => !c.removed);
  const liveNow = (id: ColumnId) => f.wip.get(id)?.at(-1) ?? 0;
  const limited = live.filter((c) => c.stage === 'doing' && c.wipLimit !== null);
  return {
    period,
    asOf: new Date(f.asOf).toISOString(),
    columns: shown.map((c) => ({ ...head(c), wipLimit: c.wipLimit })),
    summary: {
      throughput: finished.length,
      cycleTime: cycleTime.percentiles,
      leadTime: leadTime.percentiles,
      // Every card in an in-progress column has started, so the aging list is exactly the WIP.
      wip: aging.length,
      wipLimit: limited.length ? limited.reduce((s, c) => s + c.wipLimit!, 0) : null,
      columnsOverLimit: live.filter((c) => c.wipLimit !== null && liveNow(c.id) > c.wipLimit).length,
      aging: aging.filter((a) => a.over).length,
      completion: completionRate(f.cards, period),
      dueDates: dueDateHitRate(finished)
    },
    cfd: { days: f.days, series: shown.map((c) => ({ ...head(c), counts: f.cfd.get(c.id)! })) },
    cycleTime,
    leadTime,
    throughput: weeklyThroughput(finished, period),
    aging: { p85: cycleTime.percentiles.p85, items: aging },
    wip: {
      days: f.days,
      series: doing.map((c) => ({ ...head(c), counts: f.wip.get(c.id)!, limits: f.limits.get(c.id)! })),
      total: f.days.map((_, i) => doing.reduce((s, c) => s + f.wip.get(c.id)![i], 0))
    },
    earnedValue: f.project ? earnedValue(f.project, f.cards, f.columns, f.asOf) : null
  };
}

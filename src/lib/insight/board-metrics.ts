/**
 * A board's flow metrics for a period, computed from its event log alone (never from a
 * snapshot): the JSON of `GET /api/boards/:boardId/metrics` and the data of the insight page.
 */
import type { BoardEvent, ColumnId, Stage } from '../domain';
import { AGING_MIN_FINISHED, agingWip, type AgingItem } from './aging';
import { completionRate, dueDateHitRate, type Rate } from './completion';
import { earnedValue, type EarnedValue } from './earned-value';
import { flow } from './flow';
import type { Period } from './period';
import { finishedIn, cycleTimes, leadTimes, type TimeReport } from './times';
import { dailyThroughput, weeklyThroughput, type Week } from './throughput';
import type { Day } from './time';

export interface SeriesColumn {
  columnId: string;
  name: string;
  stage: Stage;
  removed: boolean;
}

/** One column's work in progress now, against its own limit. */
export interface ColumnWip {
  columnId: string;
  name: string;
  stage: Stage;
  count: number;
  wipLimit: number | null;
  /** More cards than its limit. */
  over: boolean;
}

/** A service level expectation: `p` % of cards finish within `days` (from the board's history). */
export interface ServiceLevel {
  p: 85;
  days: number;
  source: 'history';
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
    /**
     * Cards now in in-progress columns, and the sum of those columns' limits — only when every
     * one of them has a limit (a sum over some columns compares nothing); else null.
     */
    wip: number;
    wipLimit: number | null;
    /** WIP per live column, against that column's limit (in-progress columns, and any other with a limit). */
    wipByColumn: ColumnWip[];
    /** Live columns with more cards than their limit; the board is over its limits only when this is > 0. */
    columnsOverLimit: number;
    overLimit: boolean;
    /** Open cards older than the cycle time's 85th percentile; null until there is enough history. */
    aging: number | null;
    /** The service level expectation, once there is enough history; else null. */
    sle: ServiceLevel | null;
    completion: Rate;
    dueDates: Rate;
  };
  cfd: { days: Day[]; series: (SeriesColumn & { counts: number[] })[] };
  cycleTime: TimeReport;
  leadTime: TimeReport;
  throughput: Week[];
  /** Cards finished on each day of the period (the run chart). */
  throughputDaily: { day: Day; count: number }[];
  aging: {
    /** The 85th percentile aging is measured against; null while there is not enough history. */
    p85: number | null;
    items: AgingItem[];
    /** Cycle times in the period, and how many aging needs before it is shown. */
    finished: number;
    needed: number;
    enoughHistory: boolean;
  };
  wip: { days: Day[]; series: (SeriesColumn & { counts: number[]; limits: (number | null)[] })[]; total: number[] };
  earnedValue: EarnedValue | null;
}

export function boardMetrics(events: readonly BoardEvent[], period: Period, now: number): BoardMetrics {
  const f = flow(events, period, now);
  const finished = finishedIn(f.cards, period);
  const cycleTime = cycleTimes(finished);
  const leadTime = leadTimes(finished);
  const enoughHistory = cycleTime.percentiles.count >= AGING_MIN_FINISHED;
  const p85 = enoughHistory ? cycleTime.percentiles.p85 : null;
  const aging = agingWip(f.cards, f.columns, f.asOf, p85);
  // Removed columns matter only if cards stood in them during the period.
  const shown = f.columns.filter((c) => !c.removed || f.cfd.get(c.id)!.some((n) => n > 0));
  const head = (c: (typeof f.columns)[number]): SeriesColumn => ({ columnId: c.id, name: c.name, stage: c.stage, removed: c.removed });
  const doing = shown.filter((c) => c.stage === 'doing');
  const live = f.columns.filter((c) => !c.removed);
  const liveNow = (id: ColumnId) => f.wip.get(id)?.at(-1) ?? 0;
  const liveDoing = live.filter((c) => c.stage === 'doing');
  const wipByColumn: ColumnWip[] = live
    .filter((c) => c.stage === 'doing' || c.wipLimit !== null)
    .map((c) => ({
      columnId: c.id,
      name: c.name,
      stage: c.stage,
      count: liveNow(c.id),
      wipLimit: c.wipLimit,
      over: c.wipLimit !== null && liveNow(c.id) > c.wipLimit
    }));
  const columnsOverLimit = wipByColumn.filter((c) => c.over).length;
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
      wipLimit: liveDoing.length && liveDoing.every((c) => c.wipLimit !== null) ? liveDoing.reduce((s, c) => s + c.wipLimit!, 0) : null,
      wipByColumn,
      columnsOverLimit,
      overLimit: columnsOverLimit > 0,
      aging: enoughHistory ? aging.filter((a) => a.over).length : null,
      sle: p85 === null ? null : { p: 85, days: p85, source: 'history' },
      completion: completionRate(f.cards, period),
      dueDates: dueDateHitRate(finished)
    },
    cfd: { days: f.days, series: shown.map((c) => ({ ...head(c), counts: f.cfd.get(c.id)! })) },
    cycleTime,
    leadTime,
    throughput: weeklyThroughput(finished, period),
    throughputDaily: dailyThroughput(finished, f.days),
    aging: { p85, items: aging, finished: cycleTime.percentiles.count, needed: AGING_MIN_FINISHED, enoughHistory },
    wip: {
      days: f.days,
      series: doing.map((c) => ({ ...head(c), counts: f.wip.get(c.id)!, limits: f.limits.get(c.id)! })),
      total: f.days.map((_, i) => doing.reduce((s, c) => s + f.wip.get(c.id)![i], 0))
    },
    earnedValue: f.project ? earnedValue(f.project, f.cards, f.columns, f.asOf) : null
  };
}

/** The portfolio: one row per board, and the sorting and filtering of the portfolio page. */
import type { BoardMetrics } from './board-metrics';
import type { Rate } from './completion';
import type { EarnedValue, Rag } from './earned-value';
import type { ScheduleForecast } from './schedule';

export interface PortfolioRow {
  boardId: string;
  name: string;
  code: string;
  throughput: number;
  medianCycleTime: number | null;
  wip: number;
  wipLimit: number | null;
  columnsOverLimit: number;
  /** Cards older than the board's 85th percentile; null while the board has too little history to say. */
  aging: number | null;
  completion: Rate;
  dueDates: Rate;
  earnedValue: EarnedValue | null;
  /** The 85 % forecast finish of the remaining work against the planned end; null without project figures. */
  schedule: ScheduleForecast | null;
}

export function portfolioRow(
  board: { id: string; name: string; code: string },
  m: BoardMetrics,
  schedule: ScheduleForecast | null = null
): PortfolioRow {
  const s = m.summary;
  return {
    boardId: board.id,
    name: board.name,
    code: board.code,
    throughput: s.throughput,
    medianCycleTime: s.cycleTime.p50,
    wip: s.wip,
    wipLimit: s.wipLimit,
    columnsOverLimit: s.columnsOverLimit,
    aging: s.aging,
    completion: s.completion,
    dueDates: s.dueDates,
    earnedValue: m.earnedValue,
    schedule
  };
}

export const SORT_KEYS = ['name', 'status', 'throughput', 'cycle', 'wip', 'aging', 'completion', 'due', 'spi', 'cpi'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

const RAG_ORDER: Record<Rag, number> = { red: 0, amber: 1, green: 2 };

/** The value a column sorts by; null sorts last in either direction (nothing to compare). */
function sortValue(r: PortfolioRow, key: SortKey): string | number | null {
  switch (key) {
    case 'name':
      return r.name.toLowerCase();
    case 'status':
      return r.earnedValue?.status ? RAG_ORDER[r.earnedValue.status] : null;
    case 'throughput':
      return r.throughput;
    case 'cycle':
      return r.medianCycleTime;
    case 'wip':
      return r.wipLimit ? r.wip / r.wipLimit : r.wip;
    case 'aging':
      return r.aging;
    case 'completion':
      return r.completion.rate;
    case 'due':
      return r.dueDates.rate;
    case 'spi':
      return r.earnedValue?.spi ?? null;
    case 'cpi':
      return r.earnedValue?.cpi ?? null;
  }
}

export function sortRows(rows: readonly PortfolioRow[], key: SortKey, dir: 'asc' | 'desc'): PortfolioRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x === null || y === null) return x === y ? a.name.localeCompare(b.name) : x === null ? 1 : -1;
    return (x < y ? -sign : x > y ? sign : 0) || a.name.localeCompare(b.name);
  });
}

export interface PortfolioFilter {
  /** Words of the board's name. */
  q?: string;
  /** Only boards with this status; `none` for boards without project figures. */
  status?: Rag | 'none' | '';
  /** Only boards with cards older than the 85th percentile. */
  agingOnly?: boolean;
}

export function filterRows(rows: readonly PortfolioRow[], f: PortfolioFilter): PortfolioRow[] {
  const words = (f.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (!words.every((w) => r.name.toLowerCase().includes(w))) return false;
    if (f.status === 'none' && r.earnedValue) return false;
    if (f.status && f.status !== 'none' && r.earnedValue?.status !== f.status) return false;
    return !f.agingOnly || (r.aging ?? 0) > 0;
  });
}

/** The period a report covers: whole days, `from` and `to` included. */
import { isIsoDate } from '../domain';
import { addDays, dayOf, dayStart, type Day } from './time';

export interface Period {
  from: Day;
  to: Day;
}

/** Twelve weeks: long enough for stable percentiles, short enough to reflect the current process. */
export const DEFAULT_PERIOD_DAYS = 84;
/** Three years of days bounds the work one report can ask for. */
export const MAX_PERIOD_DAYS = 3 * 366;

export type PeriodResult = { ok: true; period: Period } | { ok: false; message: string };

/**
 * Reads `from` and `to` (YYYY-MM-DD, either may be missing) into a period: `to` defaults to
 * today and `from` to twelve weeks before `to`.
 */
export function parsePeriod(from: string | null | undefined, to: string | null | undefined, now: number): PeriodResult {
  if (to && !isIsoDate(to)) return { ok: false, message: 'to must be a date (YYYY-MM-DD)' };
  if (from && !isIsoDate(from)) return { ok: false, message: 'from must be a date (YYYY-MM-DD)' };
  const end = to || dayOf(now);
  const start = from || addDays(end, -(DEFAULT_PERIOD_DAYS - 1));
  if (start > end) return { ok: false, message: 'from must not be after to' };
  if ((dayStart(end) - dayStart(start)) / 86_400_000 + 1 > MAX_PERIOD_DAYS) {
    return { ok: false, message: `a period spans at most ${MAX_PERIOD_DAYS} days` };
  }
  return { ok: true, period: { from: start, to: end } };
}

/** The asked period, or the default one with the reason the asked one was refused (for pages, which show the message instead of failing). */
export function periodOrDefault(from: string | null, to: string | null, now: number): { period: Period; error: string | null } {
  const asked = parsePeriod(from, to, now);
  if (asked.ok) return { period: asked.period, error: null };
  const end = dayOf(now);
  return { period: { from: addDays(end, -(DEFAULT_PERIOD_DAYS - 1)), to: end }, error: asked.message };
}

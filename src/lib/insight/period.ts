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
 * The default start for a period ending `end`: twelve weeks before it, or the board's first day
 * when the board is younger than that (so that a young board's charts are not squeezed into
 * their last few pixels).
 */
export function defaultFrom(end: Day, firstDay?: Day | null): Day {
  const twelveWeeks = addDays(end, -(DEFAULT_PERIOD_DAYS - 1));
  return firstDay && firstDay > twelveWeeks && firstDay <= end ? firstDay : twelveWeeks;
}

/**
 * Reads `from` and `to` (YYYY-MM-DD, either may be missing) into a period: `to` defaults to
 * today and `from` to twelve weeks before `to`, or the board's first day (`firstDay`) if later.
 */
export function parsePeriod(
  from: string | null | undefined,
  to: string | null | undefined,
  now: number,
  firstDay?: Day | null
): PeriodResult {
  if (to && !isIsoDate(to)) return { ok: false, message: 'to must be a date (YYYY-MM-DD)' };
  if (from && !isIsoDate(from)) return { ok: false, message: 'from must be a date (YYYY-MM-DD)' };
  const end = to || dayOf(now);
  const start = from || defaultFrom(end, firstDay);
  if (start > end) return { ok: false, message: 'from must not be after to' };
  if ((dayStart(end) - dayStart(start)) / 86_400_000 + 1 > MAX_PERIOD_DAYS) {
    return { ok: false, message: `a period spans at most ${MAX_PERIOD_DAYS} days` };
  }
  return { ok: true, period: { from: start, to: end } };
}

/** The asked period, or the default one with the reason the asked one was refused (for pages, which show the message instead of failing). */
export function periodOrDefault(
  from: string | null,
  to: string | null,
  now: number,
  firstDay?: Day | null
): { period: Period; error: string | null } {
  const asked = parsePeriod(from, to, now, firstDay);
  if (asked.ok) return { period: asked.period, error: null };
  const end = dayOf(now);
  return { period: { from: defaultFrom(end, firstDay), to: end }, error: asked.message };
}

/**
 * Days and weeks for flow metrics. A board has no time zone, so metrics count whole UTC days
 * (YYYY-MM-DD) and weeks that start on Monday; elapsed times are calendar time, weekends
 * included, as Kanban teams usually measure them ("how long did the customer wait").
 */
export const DAY_MS = 86_400_000;

/** A calendar day, YYYY-MM-DD, in UTC. */
export type Day = string;

export const dayOf = (ms: number): Day => new Date(ms).toISOString().slice(0, 10);
export const dayStart = (day: Day): number => Date.parse(`${day}T00:00:00.000Z`);
/** The last millisecond of the day: an event at that instant still belongs to it. */
export const dayEnd = (day: Day): number => dayStart(day) + DAY_MS - 1;
export const addDays = (day: Day, n: number): Day => dayOf(dayStart(day) + n * DAY_MS);

/** Every day from `from` to `to`, both included (empty when `to` is before `from`). */
export function daysFrom(from: Day, to: Day): Day[] {
  const out: Day[] = [];
  for (let t = dayStart(from), end = dayStart(to); t <= end; t += DAY_MS) out.push(dayOf(t));
  return out;
}

/** The Monday of the week `day` is in. */
export function weekStart(day: Day): Day {
  const weekday = (new Date(dayStart(day)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, -weekday);
}

export const elapsedDays = (fromMs: number, toMs: number): number => (toMs - fromMs) / DAY_MS;

/** Days to two decimals: finer than anyone reads, coarse enough for stable JSON and CSV. */
export const roundDays = (days: number): number => Math.round(days * 100) / 100;

/** Cards finished per week (Monday to Sunday), clipped to the period. */
import type { CardFlow } from './flow';
import type { Period } from './period';
import { addDays, dayOf, weekStart, type Day } from './time';

export interface Week {
  /** Monday of the week. */
  week: Day;
  /** The part of the week inside the period. */
  from: Day;
  to: Day;
  count: number;
  /** The period covers only part of this week, so its count is not comparable to the others. */
  partial: boolean;
}

export function weeklyThroughput(finished: readonly CardFlow[], period: Period): Week[] {
  const weeks: Week[] = [];
  for (let monday = weekStart(period.from); monday <= period.to; monday = addDays(monday, 7)) {
    const sunday = addDays(monday, 6);
    const from = monday < period.from ? period.from : monday;
    const to = sunday > period.to ? period.to : sunday;
    weeks.push({ week: monday, from, to, count: 0, partial: from !== monday || to !== sunday });
  }
  const index = new Map(weeks.map((w, i) => [w.week, i]));
  for (const c of finished) {
    const i = index.get(weekStart(dayOf(c.finishedAt!)));
    if (i !== undefined) weeks[i].count++;
  }
  return weeks;
}

/** Cards finished on each of `days` (the period's days up to now), for the daily run chart. */
export function dailyThroughput(finished: readonly CardFlow[], periodDays: readonly Day[]): { day: Day; count: number }[] {
  const days = periodDays.map((day) => ({ day, count: 0 }));
  const index = new Map(days.map((d, i) => [d.day, i]));
  for (const c of finished) {
    const i = index.get(dayOf(c.finishedAt!));
    if (i !== undefined) days[i].count++;
  }
  return days;
}

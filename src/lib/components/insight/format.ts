/** How insight figures read on screen: days, percentages, money, dates. */
const dayLabel = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const longDay = new Intl.DateTimeFormat('en', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

/** "Mar 2" for a YYYY-MM-DD day. */
export const shortDay = (day: string) => dayLabel.format(new Date(`${day}T00:00:00Z`));
export const fullDay = (day: string) => longDay.format(new Date(`${day}T00:00:00Z`));

/** "5 h" under two days, "4.7 d", "12 d" from there: a no-break space keeps the unit with its number. */
export function days(n: number | null): string {
  if (n === null) return '–';
  if (n < 2) return `${n * 24 < 10 ? (Math.round(n * 240) / 10).toString() : Math.round(n * 24)}\u00a0h`;
  return `${n < 10 ? n.toFixed(1).replace(/\.0$/, '') : Math.round(n)}\u00a0d`;
}

export const percent = (r: number | null) => (r === null ? '–' : `${Math.round(r * 100)}%`);
export const ratio = (r: number | null) => (r === null ? '–' : r.toFixed(2));

export function money(n: number, currency: string): string {
  const abs = Math.abs(n);
  const text =
    abs >= 1e6 ? `${(n / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M` : abs >= 1e4 ? `${Math.round(n / 1e3)}k` : Math.round(n).toLocaleString('en');
  return currency ? `${currency} ${text}` : text;
}

/** Display helpers shared by the components: names, dates and times as people read them. */

/** Up to two initials: "Priya" → "P", "Marco Rossi" → "MR". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]][0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** A stable hue per name, so the same person keeps the same avatar colour everywhere. */
export function hue(name: string): number {
  let h = 0;
  for (const ch of name.trim().toLowerCase()) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return h % 360;
}

/** Today as YYYY-MM-DD in the viewer's time zone (due dates are plain dates). */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 864e5);
}

export interface DueInfo {
  label: string;
  /** Spelled out for screen readers and tooltips. */
  long: string;
  state: 'overdue' | 'soon' | 'later';
}

const shortDate = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const longDate = new Intl.DateTimeFormat('en', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

export function dueInfo(due: string, now = today()): DueInfo {
  const days = daysBetween(now, due);
  const date = new Date(`${due}T00:00:00Z`);
  const label = days === 0 ? 'Today' : days === 1 ? 'Tomorrow' : days === -1 ? 'Yesterday' : shortDate.format(date);
  const state = days < 0 ? 'overdue' : days <= 2 ? 'soon' : 'later';
  const long = `Due ${longDate.format(date)}${state === 'overdue' ? ' (overdue)' : ''}`;
  return { label, long, state };
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "12 Mar". */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, (now - t) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  if (s < 2 * 86_400) return 'yesterday';
  if (s < 7 * 86_400) return `${Math.floor(s / 86_400)} days ago`;
  return new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric' }).format(new Date(t));
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A new card shows this until the server issues its printed code. */
export const codeLabel = (code: string) => code || '…';

/** "Only you", "Ann is here too", "Ann and Bob are here", "Ann, Bob and 3 others are here". */
export function presenceText(names: readonly string[]): string {
  if (names.length === 0) return 'Only you';
  if (names.length === 1) return `${names[0]} is here too`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are here`;
  return `${names[0]}, ${names[1]} and ${plural(names.length - 2, 'other')} are here`;
}

/**
 * The scanner's words: what each scan did, as a short title and a detail line for the toast
 * ("Fix login" / "Doing → Review"), and the WIP question. Pure, so the wording is tested.
 */
import { assertNever, type Card, type ColumnView } from '../domain';
import type { ApiError } from '../protocol';
import type { Elsewhere, Resolved } from './classify';
import type { Mode } from './modes';
import type { MovePlan } from './plan';

export type Tone = 'ok' | 'info' | 'warn' | 'error';

export interface Message {
  tone: Tone;
  title: string;
  detail: string;
}

type NotMovable = Exclude<Resolved, { kind: 'card' } | { kind: 'column' } | { kind: 'elsewhere' }>;

export function describeNotMovable(r: NotMovable): Message {
  switch (r.kind) {
    case 'archived':
      return { tone: 'warn', title: r.card.title, detail: 'Archived: restore it on the board to move it' };
    case 'board':
      return { tone: 'info', title: 'This board’s sign', detail: 'You are scanning this board already' };
    case 'foreign':
      return { tone: 'warn', title: 'Not a Kanbridge code', detail: 'Ignored: scan a card or a column sign' };
    default:
      return assertNever(r);
  }
}

export function describeElsewhere(code: string, where: Elsewhere): Message {
  switch (where) {
    case 'other-board':
      return { tone: 'error', title: 'Not on this board', detail: `${code} belongs to another board` };
    case 'unknown':
      return { tone: 'error', title: 'Unknown code', detail: `No card or sign has the code ${code}` };
    case 'unchecked':
      return { tone: 'error', title: 'Not on this board', detail: `${code} is not on this board` };
    default:
      return assertNever(where);
  }
}

export function describePick(card: Card, column: Pick<ColumnView, 'name'>, mode: Mode, trayCount: number, again: boolean): Message {
  // Short: the toast sits on the camera view, and the panel below says what comes next.
  if (mode === 'tap') return { tone: again ? 'info' : 'ok', title: card.title, detail: `In ${column.name} · tap its new column` };
  if (again) return { tone: 'info', title: card.title, detail: 'Already in the tray' };
  return { tone: 'ok', title: card.title, detail: `In ${column.name} · ${trayCount} in the tray` };
}

export function describeWalk(column: Pick<ColumnView, 'name'>): Message {
  return { tone: 'info', title: `Walking ${column.name}`, detail: 'Scan every card in this column' };
}

export function describeNeedCard(column: Pick<ColumnView, 'name'>, mode: Mode): Message {
  return {
    tone: 'warn',
    title: column.name,
    detail: mode === 'tap' ? 'Scan a card first, then tap a column' : 'Scan a card first, then this sign'
  };
}

export function describeNeedColumn(card: Card): Message {
  return { tone: 'warn', title: card.title, detail: 'Scan the column sign first, then its cards' };
}

/** The moves a plan made, plus what it left alone; null when it neither moved nor skipped anything. */
export function describePlan(plan: MovePlan, columns: readonly ColumnView[]): Message | null {
  const name = (id: string) => columns.find((c) => c.id === id)?.name ?? '?';
  const to = plan.to.name;
  const notes = [
    plan.already.length ? `${count(plan.already.length, 'card')} already there` : '',
    plan.blocked.length ? `${count(plan.blocked.length, 'card')} not moved: ${to} is at its hard limit of ${plan.to.wipLimit}` : '',
    plan.gone.length ? `${count(plan.gone.length, 'card')} no longer on the board` : ''
  ].filter(Boolean);
  const [first] = plan.moves;
  if (!first) {
    if (plan.already.length === 1 && notes.length === 1) return { tone: 'info', title: plan.already[0].title, detail: `Already in ${to}` };
    return notes.length
      ? { tone: plan.blocked.length ? 'error' : 'info', title: `Nothing moved to ${to}`, detail: notes.join(' · ') }
      : null;
  }
  if (plan.moves.length === 1) {
    return { tone: 'ok', title: first.card.title, detail: [`${name(first.fromColumnId)} → ${to}`, ...notes].join(' · ') };
  }
  const froms = [...new Set(plan.moves.map((m) => name(m.fromColumnId)))];
  const from = froms.length === 1 ? `${froms[0]} → ${to}` : `→ ${to}`;
  return {
    tone: 'ok',
    title: `${plan.moves.length} cards ${from}`,
    detail: [titles(plan.moves.map((m) => m.card.title)), ...notes].join(' · ')
  };
}

export interface WipQuestion {
  title: string;
  message: string;
  confirmLabel: string;
  cancelLabel: string;
}

export function wipQuestion(plan: MovePlan): WipQuestion | null {
  const over = plan.over;
  if (!over) return null;
  const to = plan.to.name;
  const after = over.count + plan.moves.length;
  const what = plan.moves.length === 1 ? `“${plan.moves[0].card.title}”` : `these ${plan.moves.length} cards`;
  return {
    title: `${to} is at its WIP limit`,
    message: `${to} has ${count(over.count, 'card')} and a limit of ${over.limit}. Moving ${what} takes it to ${after}. Go over the limit?`,
    confirmLabel: 'Go over the limit',
    cancelLabel: 'Don’t move'
  };
}

/** The WIP question for one move refused on this phone's view (WIP_LIMIT with its details). */
export function wipQuestionFor(error: ApiError): WipQuestion {
  const d = error.details ?? {};
  const column = typeof d.columnName === 'string' ? d.columnName : 'This column';
  const limit = typeof d.wipLimit === 'number' ? ` and a limit of ${d.wipLimit}` : '';
  const state = typeof d.count === 'number' ? `has ${count(d.count, 'card')}${limit}` : 'is full';
  return {
    title: `${column} is at its WIP limit`,
    message: `${column} ${state}. Go over the limit?`,
    confirmLabel: 'Go over the limit',
    cancelLabel: 'Don’t move'
  };
}

/** A queued move the server refused, said with the card's name and what happened instead. */
export function describeRejection(title: string, toColumn: string, error: ApiError): Message {
  const d = error.details ?? {};
  switch (error.code) {
    case 'STALE': {
      const who = typeof d.changedBy === 'string' && d.changedBy ? d.changedBy : 'Someone';
      const when = typeof d.changedAt === 'string' ? ` at ${clock(d.changedAt)}` : '';
      return { tone: 'error', title, detail: `Not moved to ${toColumn}: ${who} changed it${when}, after your scan` };
    }
    case 'WIP_LIMIT':
    case 'WIP_LIMIT_HARD':
      return { tone: 'error', title, detail: `Not moved: ${toColumn} is at its limit` };
    default:
      return { tone: 'error', title, detail: `Not moved to ${toColumn}: ${error.message}` };
  }
}

export function describeMovedOn(title: string, column: string): Message {
  return { tone: 'info', title, detail: `Moved on to ${column} by someone else after your scan` };
}

export function describeUndo(moved: string[], skipped: number, columns: string[]): Message {
  if (moved.length === 0) return { tone: 'warn', title: 'Nothing undone', detail: 'Someone moved the cards on since your scan' };
  const back = [...new Set(columns)];
  const title = moved.length === 1 ? `Undone: ${moved[0]}` : `Undone: ${count(moved.length, 'card')}`;
  const detail = [back.length === 1 ? `Back in ${back[0]}` : 'Back where they were', skipped ? `${skipped} moved on since, left there` : '']
    .filter(Boolean)
    .join(' · ');
  return { tone: 'info', title, detail };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function titles(list: string[]): string {
  if (list.length <= 2) return list.join(', ');
  return `${list.slice(0, 2).join(', ')} and ${list.length - 2} more`;
}

function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

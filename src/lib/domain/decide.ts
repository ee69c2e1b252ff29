/**
 * decide(state, command) → events | rejection. Pure: everything random or time-dependent
 * comes from `ctx`, so the browser can run the same rules optimistically and tests can
 * replay them. decide never mutates `state`.
 */
import type { Command, CommandOf, CardFields, Placement } from './commands';
import { PRINTED_FIELDS } from './commands';
import type { EventBody } from './events';
import { assertNever } from './events';
import type { CardId, Code, ColumnId } from './ids';
import { keyBetween, sortedIndex } from './ordering';
import { reject, type Rejection } from './rejections';
import { cardById, defaultStage, orderOf, type BoardState, type Column, type ProjectFigures } from './types';
import { checkEntry, overLimitOnEntry } from './wip';

export interface DecideContext {
  newCardId(): CardId;
  newColumnId(): ColumnId;
  /** A code unique in the whole install (cards and column signs share one space). */
  newCode(): Code;
}

export type Decision = { ok: true; events: EventBody[] } | { ok: false; rejection: Rejection };

const ok = (...events: EventBody[]): Decision => ({ ok: true, events });
const no = (rejection: Rejection): Decision => ({ ok: false, rejection });

export const LIMITS = {
  title: 200,
  description: 10_000,
  assignee: 100,
  tag: 40,
  tags: 20,
  columnName: 60,
  boardName: 100,
  columns: 30,
  wipLimit: 999,
  estimate: 10_000,
  money: 1e12,
  currency: 8,
  /** Highest SPI/CPI threshold: beyond 5 a status can never be green. */
  threshold: 5
} as const;

export function decide(state: BoardState, command: Command, ctx: DecideContext): Decision {
  switch (command.type) {
    case 'createCard':
      return createCard(state, command, ctx);
    case 'updateCard':
      return updateCard(state, command);
    case 'archiveCard': {
      const card = cardById(state, command.cardId);
      if (!card) return no(reject('NOT_FOUND', 'No such card on this board', { cardId: command.cardId }));
      if (card.archived) return ok();
      return ok({ type: 'cardArchived', cardId: card.id, columnId: card.columnId });
    }
    case 'restoreCard': {
      const card = cardById(state, command.cardId);
      if (!card) return no(reject('NOT_FOUND', 'No such card on this board', { cardId: command.cardId }));
      if (!card.archived) return ok();
      const column = findColumn(state, command.toColumnId ?? card.columnId) ?? state.columns[0];
      if (!column) return no(reject('NOT_FOUND', 'The board has no column to restore into'));
      const full = checkEntry(state, column, command.override === true);
      if (full) return no(full);
      const over = overLimitOnEntry(state, column);
      return ok({
        type: 'cardRestored',
        cardId: card.id,
        toColumnId: column.id,
        rank: rankFor(state, column.id, card.id, {}),
        ...(over ? { overLimit: over } : {})
      });
    }
    case 'moveCard':
      return moveCard(state, command);
    case 'addColumn': {
      const name = stripControl(command.name).trim();
      if (!name) return no(reject('INVALID', 'A column needs a name'));
      if (state.columns.length >= LIMITS.columns) return no(reject('INVALID', `A board has at most ${LIMITS.columns} columns`));
      const id = command.columnId ?? ctx.newColumnId();
      if (findColumn(state, id)) return no(reject('CONFLICT', 'A column with this id exists'));
      const index = clampIndex(command.index ?? state.columns.length, state.columns.length);
      // The stage is fixed when the column is made, so adding or moving columns later never
      // changes what an existing column counts as.
      const column: Column = {
        id,
        name,
        code: ctx.newCode(),
        wipLimit: command.wipLimit ?? null,
        wipHard: command.wipHard ?? false,
        stage: command.stage ?? defaultStage(name, false)
      };
      return ok({ type: 'columnAdded', column, index });
    }
    case 'renameColumn': {
      const column = findColumn(state, command.columnId);
      if (!column) return no(columnMissing(command.columnId));
      const name = stripControl(command.name).trim();
      if (!name) return no(reject('INVALID', 'A column needs a name'));
      return name === column.name ? ok() : ok({ type: 'columnRenamed', columnId: column.id, name });
    }
    case 'moveColumn': {
      const from = state.columns.findIndex((c) => c.id === command.columnId);
      if (from < 0) return no(columnMissing(command.columnId));
      const toIndex = clampIndex(command.toIndex, state.columns.length - 1);
      return toIndex === from ? ok() : ok({ type: 'columnMoved', columnId: command.columnId, toIndex });
    }
    case 'removeColumn': {
      const column = findColumn(state, command.columnId);
      if (!column) return no(columnMissing(command.columnId));
      const count = orderOf(state, column.id)?.length ?? 0;
      if (count > 0) {
        return no(
          reject('COLUMN_NOT_EMPTY', `${column.name} still holds ${count} card${count === 1 ? '' : 's'}: move or archive them first`, {
            columnId: column.id,
            count
          })
        );
      }
      if (state.columns.length === 1) return no(reject('INVALID', 'A board keeps at least one column'));
      return ok({ type: 'columnRemoved', columnId: column.id });
    }
    case 'setWipLimit': {
      const column = findColumn(state, command.columnId);
      if (!column) return no(columnMissing(command.columnId));
      const hard = command.wipLimit === null ? false : (command.hard ?? column.wipHard);
      if (column.wipLimit === command.wipLimit && column.wipHard === hard) return ok();
      return ok({ type: 'wipLimitSet', columnId: column.id, wipLimit: command.wipLimit, hard });
    }
    case 'renameBoard': {
      const name = stripControl(command.name).trim();
      if (!name) return no(reject('INVALID', 'A board needs a name'));
      return name === state.name ? ok() : ok({ type: 'boardRenamed', name });
    }
    case 'markPrinted': {
      const missing = command.cardIds.filter((id) => !cardById(state, id));
      if (missing.length) return no(reject('NOT_FOUND', 'Some cards are not on this board', { cardIds: missing }));
      return command.cardIds.length ? ok({ type: 'cardsPrinted', cardIds: [...new Set(command.cardIds)], layout: command.layout }) : ok();
    }
    case 'setColumnStage': {
      const column = findColumn(state, command.columnId);
      if (!column) return no(columnMissing(command.columnId));
      return column.stage === command.stage ? ok() : ok({ type: 'columnStageSet', columnId: column.id, stage: command.stage });
    }
    case 'setProject': {
      if (command.project === null) return state.project ? ok({ type: 'projectSet', project: null }) : ok();
      const project = cleanProject(command.project);
      if (typeof project === 'string') return no(reject('INVALID', project));
      return JSON.stringify(state.project ?? null) === JSON.stringify(project) ? ok() : ok({ type: 'projectSet', project });
    }
    default:
      return assertNever(command);
  }
}

function createCard(state: BoardState, c: CommandOf<'createCard'>, ctx: DecideContext): Decision {
  const column = c.columnId ? findColumn(state, c.columnId) : state.columns[0];
  if (!column) return no(c.columnId ? columnMissing(c.columnId) : reject('INVALID', 'The board has no column yet'));
  const fields = cleanFields({
    title: c.title,
    description: c.description ?? '',
    assignee: c.assignee ?? '',
    tags: c.tags ?? [],
    due: c.due ?? null,
    estimate: c.estimate ?? null
  });
  if (!fields.ok) return no(fields.rejection);
  const id = c.cardId ?? ctx.newCardId();
  if (cardById(state, id)) return no(reject('CONFLICT', 'A card with this id exists', { cardId: id }));
  const full = checkEntry(state, column, c.override === true);
  if (full) return no(full);
  const card = { id, code: ctx.newCode(), ...(fields.value as CardFields), columnId: column.id, rank: rankFor(state, column.id, id, c) };
  const over = overLimitOnEntry(state, column);
  return ok({ type: 'cardCreated', card, ...(over ? { overLimit: over } : {}) });
}

function updateCard(state: BoardState, c: CommandOf<'updateCard'>): Decision {
  const card = cardById(state, c.cardId);
  if (!card) return no(reject('NOT_FOUND', 'No such card on this board', { cardId: c.cardId }));
  const cleaned = cleanFields(c.changes);
  if (!cleaned.ok) return no(cleaned.rejection);
  const changes: Partial<CardFields> = {};
  for (const [k, v] of Object.entries(cleaned.value) as [keyof CardFields, unknown][]) {
    if (JSON.stringify(card[k]) !== JSON.stringify(v)) (changes as Record<string, unknown>)[k] = v;
  }
  return Object.keys(changes).length ? ok({ type: 'cardUpdated', cardId: card.id, changes }) : ok();
}

function moveCard(state: BoardState, c: CommandOf<'moveCard'>): Decision {
  const card = cardById(state, c.cardId);
  if (!card) return no(reject('NOT_FOUND', 'No such card on this board', { cardId: c.cardId }));
  if (card.archived) return no(reject('ARCHIVED', `“${card.title}” is archived`, { cardId: card.id }));
  const column = findColumn(state, c.toColumnId);
  if (!column) return no(columnMissing(c.toColumnId));
  if (column.id !== card.columnId) {
    const full = checkEntry(state, column, c.override === true);
    if (full) return no({ ...full, details: { ...full.details, cardId: card.id } });
  }
  const rank = rankFor(state, column.id, card.id, c);
  if (column.id === card.columnId && neighboursUnchanged(state, card.id, rank)) return ok();
  const over = column.id === card.columnId ? undefined : overLimitOnEntry(state, column);
  return ok({
    type: 'cardMoved',
    cardId: card.id,
    fromColumnId: card.columnId,
    toColumnId: column.id,
    rank,
    ...(over ? { overLimit: over } : {})
  });
}

/**
 * The rank for `cardId` placed in `columnId` per `placement`. A neighbour that is not (or no
 * longer) in that column is ignored, so a move built on a slightly old view still lands
 * sensibly: before `beforeCardId` if it is there, else after `afterCardId`, else at the end.
 */
export function rankFor(state: BoardState, columnId: ColumnId, cardId: CardId, placement: Placement): string {
  const ids = orderOf(state, columnId) ?? [];
  const at = (i: number): string | null => (i >= 0 && i < ids.length ? state.cards[ids[i]].rank : null);
  const indexOf = (id: CardId | undefined): number => {
    if (!id || id === cardId) return -1;
    const other = cardById(state, id);
    if (!other || other.archived || other.columnId !== columnId) return -1;
    return sortedIndex(ids, state.cards, other);
  };
  const skip = (i: number, step: -1 | 1) => (ids[i] === cardId ? i + step : i);
  const before = indexOf(placement.beforeCardId);
  if (before >= 0) return keyBetween(at(skip(before - 1, -1)), at(before));
  const after = indexOf(placement.afterCardId);
  if (after >= 0) return keyBetween(at(after), at(skip(after + 1, 1)));
  return keyBetween(at(skip(ids.length - 1, -1)), null);
}

/** True when a card given `rank` would keep the same neighbours it has now. */
function neighboursUnchanged(state: BoardState, cardId: CardId, rank: string): boolean {
  const card = state.cards[cardId];
  const ids = orderOf(state, card.columnId) ?? [];
  const i = sortedIndex(ids, state.cards, card);
  const prev = i > 0 ? state.cards[ids[i - 1]].rank : null;
  const next = i + 1 < ids.length ? state.cards[ids[i + 1]].rank : null;
  return (prev === null || prev < rank) && (next === null || rank < next);
}

type Cleaned = { ok: true; value: Partial<CardFields> } | { ok: false; rejection: Rejection };

/** Trims and checks card fields; the protocol schemas bound sizes, this keeps the meaning. */
/** Control characters (NUL and friends) never belong in text people see; tabs and newlines may. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
export const stripControl = (s: string): string => s.replace(CONTROL, '');

export function cleanFields(raw: Partial<CardFields>): Cleaned {
  const input: Partial<CardFields> = { ...raw };
  for (const k of ['title', 'description', 'assignee'] as const) if (typeof input[k] === 'string') input[k] = stripControl(input[k]);
  if (input.tags) input.tags = input.tags.map(stripControl);
  const value: Partial<CardFields> = {};
  if (input.title !== undefined) {
    const title = input.title.replace(/\s+/g, ' ').trim();
    if (!title) return { ok: false, rejection: reject('INVALID', 'A card needs a title') };
    if (title.length > LIMITS.title) return { ok: false, rejection: reject('INVALID', `A title has at most ${LIMITS.title} characters`) };
    value.title = title;
  }
  if (input.description !== undefined) value.description = input.description.trim();
  if (input.assignee !== undefined) value.assignee = input.assignee.trim();
  if (input.tags !== undefined) {
    const tags = [...new Set(input.tags.map((t) => t.trim()).filter(Boolean))];
    if (tags.length > LIMITS.tags) return { ok: false, rejection: reject('INVALID', `A card has at most ${LIMITS.tags} tags`) };
    value.tags = tags;
  }
  if (input.due !== undefined) {
    if (input.due !== null && !isIsoDate(input.due)) return { ok: false, rejection: reject('INVALID', 'A due date is YYYY-MM-DD') };
    value.due = input.due;
  }
  if (input.estimate !== undefined) {
    if (input.estimate !== null && !(input.estimate >= 0 && input.estimate <= LIMITS.estimate)) {
      return { ok: false, rejection: reject('INVALID', `An estimate is a number from 0 to ${LIMITS.estimate}`) };
    }
    value.estimate = input.estimate;
  }
  return { ok: true, value };
}

export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function printedFieldsChanged(changes: Partial<CardFields>): boolean {
  return PRINTED_FIELDS.some((f) => f in changes);
}

/** The figures with fixed key order (so equal figures compare equal), or what is wrong with them. */
function cleanProject(p: ProjectFigures): ProjectFigures | string {
  const money = (n: number) => Number.isFinite(n) && n >= 0 && n <= LIMITS.money;
  if (!money(p.budget)) return `A budget is a number from 0 to ${LIMITS.money}`;
  if (!money(p.actualCost)) return `An actual cost is a number from 0 to ${LIMITS.money}`;
  if (!isIsoDate(p.plannedStart) || !isIsoDate(p.plannedEnd)) return 'Planned start and end are dates (YYYY-MM-DD)';
  if (p.plannedEnd < p.plannedStart) return 'The planned end is before the planned start';
  const { green, amber } = p.thresholds;
  if (!(amber > 0 && amber <= green && green <= LIMITS.threshold)) {
    return `Thresholds need 0 < amber ≤ green ≤ ${LIMITS.threshold}`;
  }
  const currency = p.currency.trim();
  if (currency.length > LIMITS.currency) return `A currency has at most ${LIMITS.currency} characters`;
  return {
    budget: p.budget,
    currency,
    plannedStart: p.plannedStart,
    plannedEnd: p.plannedEnd,
    actualCost: p.actualCost,
    thresholds: { green, amber }
  };
}

function findColumn(state: BoardState, id: ColumnId): Column | undefined {
  return state.columns.find((c) => c.id === id);
}

const columnMissing = (columnId: ColumnId) => reject('NOT_FOUND', 'No such column on this board', { columnId });
const clampIndex = (i: number, max: number) => Math.max(0, Math.min(max, Math.trunc(i)));

/** Events that create a board: a board is its event log from revision 1. */
export function decideCreateBoard(
  name: string,
  columns: { name: string; wipLimit?: number | null; wipHard?: boolean }[],
  ctx: DecideContext
): Decision {
  const boardName = stripControl(name).trim();
  if (!boardName) return no(reject('INVALID', 'A board needs a name'));
  if (columns.length > LIMITS.columns) return no(reject('INVALID', `A board has at most ${LIMITS.columns} columns`));
  const cols: Column[] = columns.map((c, i) => ({
    id: ctx.newColumnId(),
    name: stripControl(c.name).trim(),
    code: ctx.newCode(),
    wipLimit: c.wipLimit ?? null,
    wipHard: c.wipHard ?? false,
    stage: defaultStage(c.name, columns.length > 1 && i === columns.length - 1)
  }));
  if (cols.some((c) => !c.name)) return no(reject('INVALID', 'Every column needs a name'));
  return ok({ type: 'boardCreated', name: boardName, code: ctx.newCode(), columns: cols });
}

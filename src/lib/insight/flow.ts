/**
 * One pass over a board's event log that gathers everything the flow metrics need: per card,
 * when it was created, first started and finished (its last entry into done, if it stays);
 * per day of the period, how many cards stood in each column and what each column's WIP limit
 * was.
 *
 * Definitions (the Kanban Guide's terms; the metrics, the README and the tests rely on them):
 * - a card *starts* the first time it enters an in-progress (`doing`) column. Going backwards
 *   does not change it. A card that never stood in an in-progress column has not started;
 * - a card is *finished* when it enters a done column and stays there. A move out of done
 *   (undo, reopen, restore elsewhere) un-finishes it, and only its last finish counts. Moving
 *   between done columns, or archiving from one, keeps it finished;
 * - creating a card in a column counts as entering it;
 * - a day's sample is the board at the end of that day (UTC);
 * - for the cumulative flow diagram, a card archived from a done column still counts in that
 *   column (it was finished, then tidied away); a card archived anywhere else leaves the diagram.
 *
 * The log is read in revision order up to `asOf`; events stamped later are not seen, so a report
 * for a past period shows the board as it was then.
 */
import { assertNever, type BoardEvent, type CardId, type ColumnId, type ProjectFigures, type Stage } from '../domain';
import type { Period } from './period';
import { dayEnd, dayOf, daysFrom, type Day } from './time';
import { workflow, type FlowColumn } from './workflow';

export interface CardFlow {
  id: CardId;
  code: string;
  title: string;
  createdAt: number;
  /** When it first entered an in-progress column, or null if it never has. */
  firstStart: number | null;
  /** When it last entered done, if it stands there (or was archived from there); else null. */
  finishedAt: number | null;
  /** The due date the card had when it was finished. */
  dueAtDone: string | null;
  due: string | null;
  estimate: number | null;
  columnId: ColumnId;
  archived: boolean;
  /** Archived from a done column: finished work that was tidied away. */
  archivedDone: boolean;
  archivedAt: number | null;
}

export interface Flow {
  columns: FlowColumn[];
  /** Every card created up to `asOf`, in creation order. */
  cards: CardFlow[];
  /** Days of the period up to `asOf`. */
  days: Day[];
  /** Per column id, the cumulative-flow count at the end of each day. */
  cfd: Map<ColumnId, number[]>;
  /** Per column id, the live cards in it at the end of each day. */
  wip: Map<ColumnId, number[]>;
  /** Per column id, its WIP limit at the end of each day. */
  limits: Map<ColumnId, (number | null)[]>;
  project: ProjectFigures | null;
  asOf: number;
}

export function asOfFor(period: Period, now: number): number {
  return Math.min(now, dayEnd(period.to));
}

export function flow(events: readonly BoardEvent[], period: Period, now: number): Flow {
  const columns = workflow(events);
  const stage = new Map<ColumnId, Stage>(columns.map((c) => [c.id, c.stage]));
  const stageOf = (id: ColumnId): Stage => stage.get(id) ?? 'doing';
  const asOf = asOfFor(period, now);
  const days = daysFrom(period.from, asOf < dayEnd(period.to) ? dayOf(asOf) : period.to);

  const cards = new Map<CardId, CardFlow>();
  const live = new Map<ColumnId, number>();
  const archivedDone = new Map<ColumnId, number>();
  const limit = new Map<ColumnId, number | null>();
  const cfd = new Map<ColumnId, number[]>(columns.map((c) => [c.id, []]));
  const wip = new Map<ColumnId, number[]>(columns.map((c) => [c.id, []]));
  const limits = new Map<ColumnId, (number | null)[]>(columns.map((c) => [c.id, []]));
  let project: ProjectFigures | null = null;

  const add = (m: Map<ColumnId, number>, id: ColumnId, n: number) => m.set(id, (m.get(id) ?? 0) + n);
  const enter = (card: CardFlow, columnId: ColumnId, at: number) => {
    card.columnId = columnId;
    add(live, columnId, 1);
    const s = stageOf(columnId);
    if (s === 'doing' && card.firstStart === null) card.firstStart = at;
    if (s !== 'done') {
      card.finishedAt = null;
      card.dueAtDone = null;
    } else if (card.finishedAt === null) {
      card.finishedAt = at;
      card.dueAtDone = card.due;
    }
  };

  let next = 0;
  const sampleUntil = (t: number) => {
    for (; next < days.length && dayEnd(days[next]) < t; next++) {
      for (const c of columns) {
        const n = live.get(c.id) ?? 0;
        cfd.get(c.id)!.push(n + (archivedDone.get(c.id) ?? 0));
        wip.get(c.id)!.push(n);
        limits.get(c.id)!.push(limit.get(c.id) ?? null);
      }
    }
  };

  for (const e of events) {
    const at = Date.parse(e.at);
    if (at > asOf) break;
    sampleUntil(at);
    switch (e.type) {
      case 'boardCreated':
        for (const c of e.columns) limit.set(c.id, c.wipLimit);
        break;
      case 'columnAdded':
        limit.set(e.column.id, e.column.wipLimit);
        break;
      case 'wipLimitSet':
        limit.set(e.columnId, e.wipLimit);
        break;
      case 'cardCreated': {
        const { id, code, title, due, estimate, columnId } = e.card;
        const card: CardFlow = {
          id,
          code,
          title,
          createdAt: at,
          firstStart: null,
          finishedAt: null,
          dueAtDone: null,
          due,
          estimate,
          columnId,
          archived: false,
          archivedDone: false,
          archivedAt: null
        };
        cards.set(id, card);
        enter(card, columnId, at);
        break;
      }
      case 'cardUpdated': {
        const card = cards.get(e.cardId);
        if (!card) break;
        if (e.changes.title !== undefined) card.title = e.changes.title;
        if (e.changes.due !== undefined) card.due = e.changes.due;
        if (e.changes.estimate !== undefined) card.estimate = e.changes.estimate;
        break;
      }
      case 'cardMoved': {
        const card = cards.get(e.cardId);
        if (!card || card.columnId === e.toColumnId) break;
        add(live, card.columnId, -1);
        enter(card, e.toColumnId, at);
        break;
      }
      case 'cardArchived': {
        const card = cards.get(e.cardId);
        if (!card || card.archived) break;
        add(live, card.columnId, -1);
        card.archived = true;
        card.archivedAt = at;
        card.archivedDone = stageOf(card.columnId) === 'done';
        if (card.archivedDone) add(archivedDone, card.columnId, 1);
        break;
      }
      case 'cardRestored': {
        const card = cards.get(e.cardId);
        if (!card || !card.archived) break;
        if (card.archivedDone) add(archivedDone, card.columnId, -1);
        card.archived = false;
        card.archivedDone = false;
        card.archivedAt = null;
        enter(card, e.toColumnId, at);
        break;
      }
      case 'projectSet':
        project = e.project;
        break;
      case 'boardRenamed':
      case 'columnRenamed':
      case 'columnMoved':
      case 'columnRemoved':
      case 'columnStageSet':
      case 'cardsPrinted':
        break;
      default:
        assertNever(e);
    }
  }
  sampleUntil(Infinity);
  return { columns, cards: [...cards.values()], days, cfd, wip, limits, project, asOf };
}

/** Each card's flow facts as of `now`, whatever the period (for exports and card pages). */
export function cardFlows(events: readonly BoardEvent[], now: number): Map<string, CardFlow> {
  const today = dayOf(now);
  return new Map(flow(events, { from: today, to: today }, now).cards.map((c) => [c.id, c]));
}

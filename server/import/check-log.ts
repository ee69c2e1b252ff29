/**
 * Checks that an imported event log tells a consistent story before anything is stored:
 * revisions run 1, 2, 3…, the board is created first and only once, every event names cards and
 * columns that exist at that point, and ranks are real order keys, distinct within a column
 * (ids are replaced on import, so equal ranks — which break ties by id — could reorder cards).
 * The schema checked each event's shape; this checks the events against each other.
 */
import {
  assertNever,
  cardById,
  emptyBoard,
  evolve,
  keyBetween,
  orderOf,
  type BoardEvent,
  type BoardId,
  type BoardState
} from '../../src/lib/domain';
import type { Issue } from './issues';

const MAX_ISSUES = 50;

export function checkLog(events: readonly BoardEvent[], declaredRevision: number): Issue[] {
  const issues: Issue[] = [];
  if (events.length !== declaredRevision) {
    issues.push({
      path: 'events',
      message: `the board is at revision ${declaredRevision} but the file holds ${events.length} events (is it cut short?)`
    });
  }
  const state = emptyBoard('b_check' as BoardId);
  for (let i = 0; i < events.length && issues.length < MAX_ISSUES; i++) {
    const e = events[i];
    const problem = e.revision !== i + 1 ? `revision is ${e.revision}, expected ${i + 1}` : conflict(state, e, i);
    if (problem) {
      issues.push({ path: `events.${i}`, message: problem });
      // Later events would only repeat this one's consequences.
      break;
    }
    evolve(state, e);
  }
  return issues;
}

function validRank(rank: string): boolean {
  try {
    keyBetween(rank, null);
    return true;
  } catch {
    return false;
  }
}

/** Why `e` cannot follow `state`, or null if it can. */
function conflict(s: BoardState, e: BoardEvent, i: number): string | null {
  if (i === 0)
    return e.type === 'boardCreated'
      ? unique(
          e.columns.map((c) => c.id),
          'column'
        )
      : 'the first event must be boardCreated';
  const card = (id: string) => cardById(s, id);
  const column = (id: string) => s.columns.find((c) => c.id === id);
  const live = (id: string) => {
    const held = card(id);
    return held ? (held.archived ? `card ${id} is archived` : null) : `no card ${id} at this point`;
  };
  const entry = (columnId: string, rank: string, cardId: string) => {
    if (!column(columnId)) return `no column ${columnId} at this point`;
    if (!validRank(rank)) return `rank "${rank}" is not an order key`;
    const clash = rankHolder(s, columnId, rank, cardId);
    return clash ? `rank "${rank}" is already held by card ${clash} in that column` : null;
  };
  switch (e.type) {
    case 'boardCreated':
      return 'boardCreated may only be the first event';
    case 'boardRenamed':
    case 'projectSet':
      return null;
    case 'cardCreated':
      return card(e.card.id) ? `card ${e.card.id} exists already` : entry(e.card.columnId, e.card.rank, e.card.id);
    case 'cardUpdated':
      return card(e.cardId) ? null : `no card ${e.cardId} at this point`;
    case 'cardArchived':
      return live(e.cardId) ?? (card(e.cardId)?.columnId === e.columnId ? null : `card ${e.cardId} is not in column ${e.columnId}`);
    case 'cardRestored':
      if (!card(e.cardId)) return `no card ${e.cardId} at this point`;
      return card(e.cardId)?.archived ? entry(e.toColumnId, e.rank, e.cardId) : `card ${e.cardId} is not archived`;
    case 'cardMoved':
      return (
        live(e.cardId) ??
        (card(e.cardId)?.columnId === e.fromColumnId
          ? entry(e.toColumnId, e.rank, e.cardId)
          : `card ${e.cardId} is not in column ${e.fromColumnId}`)
      );
    case 'columnAdded':
      if (column(e.column.id)) return `column ${e.column.id} exists already`;
      return e.index <= s.columns.length ? null : `index ${e.index} is past the last column`;
    case 'columnRenamed':
    case 'wipLimitSet':
    case 'columnStageSet':
      return column(e.columnId) ? null : `no column ${e.columnId} at this point`;
    case 'columnMoved':
      if (!column(e.columnId)) return `no column ${e.columnId} at this point`;
      return e.toIndex < s.columns.length ? null : `index ${e.toIndex} is past the last column`;
    case 'columnRemoved':
      if (!column(e.columnId)) return `no column ${e.columnId} at this point`;
      if (s.columns.length === 1) return 'the last column cannot be removed';
      return (orderOf(s, e.columnId)?.length ?? 0) === 0 ? null : `column ${e.columnId} still holds cards`;
    case 'cardsPrinted': {
      const missing = e.cardIds.find((id) => !card(id));
      return missing ? `no card ${missing} at this point` : null;
    }
    default:
      return assertNever(e);
  }
}

/** Another live card in the column with this rank, found by binary search (the column is sorted by rank, then id). */
function rankHolder(s: BoardState, columnId: string, rank: string, cardId: string): string | null {
  const ids = orderOf(s, columnId) ?? [];
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.cards[ids[mid]].rank < rank) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < ids.length && s.cards[ids[i]].rank === rank; i++) if (ids[i] !== cardId) return ids[i];
  return null;
}

function unique(ids: string[], what: string): string | null {
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  return dup ? `${what} id ${dup} appears twice` : null;
}

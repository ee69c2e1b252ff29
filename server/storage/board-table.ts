/**
 * BoardTable: every board's folded state and the install-wide code index, in memory. The
 * memory and lowdb stores both keep one; it is where the Storage invariants on revisions and
 * codes are enforced, so the two cannot drift apart.
 *
 * An append goes through two steps:
 * - `accept` (synchronous, before any I/O) checks that the events continue the board's
 *   revision and issue only unused codes, and reserves both. Because it is synchronous, two
 *   concurrent appends for the same revision cannot both pass it.
 * - `apply` (once the events are durable) folds them into the state and the code index.
 *
 * Invariants:
 * - `accepted(b) >= states(b).revision`; they differ only while an accepted append is being
 *   written. Events are applied in the order they were accepted.
 * - a code is either applied (in `codes`, with its owner) or claimed by an accepted append
 *   (in `claimed`), never both, and never released: codes are not reused.
 * - states only ever change through `evolve`, in place (a move stays O(log n)); readers get
 *   copies from the stores, never these objects.
 */
import {
  assertNever,
  emptyBoard,
  evolve,
  reviveBoard,
  type BoardEvent,
  type BoardId,
  type BoardState,
  type Code
} from '../../src/lib/domain';
import { RevisionConflict, type BoardSummary, type CodeOwner } from './types';

export class BoardTable {
  private readonly states = new Map<BoardId, BoardState>();
  private readonly codes = new Map<Code, CodeOwner>();
  private readonly accepted = new Map<BoardId, number>();
  private readonly claimed = new Set<Code>();

  /** A table holding states and codes read back from a snapshot. */
  static restore(states: Iterable<BoardState>, codes: Iterable<[Code, CodeOwner]>): BoardTable {
    const table = new BoardTable();
    for (const state of states) {
      table.states.set(state.id, reviveBoard(state));
      table.accepted.set(state.id, state.revision);
    }
    for (const [code, owner] of codes) table.codes.set(code, owner);
    return table;
  }

  /**
   * Checks that `events` may be appended to `boardId` and reserves their revisions and codes.
   * Throws (changing nothing) if they do not continue the board's revision gaplessly
   * (`RevisionConflict`), are not the board's, or issue a code that is already taken.
   */
  accept(boardId: BoardId, events: readonly BoardEvent[]): void {
    let expected = (this.accepted.get(boardId) ?? 0) + 1;
    const issued = new Set<Code>();
    for (const e of events) {
      if (e.boardId !== boardId) throw new Error(`an event of board ${e.boardId} cannot be appended to board ${boardId}`);
      if (e.revision !== expected) throw new RevisionConflict(boardId, expected, e.revision);
      if ((e.type === 'boardCreated') !== (e.revision === 1)) {
        throw new Error(`board ${boardId}: revision 1, and only revision 1, is the boardCreated event (got ${e.type} at ${e.revision})`);
      }
      for (const [code] of codesIssued(e)) {
        if (this.codes.has(code) || this.claimed.has(code) || issued.has(code)) {
          throw new Error(`code ${code} is already in use in this install`);
        }
        issued.add(code);
      }
      expected++;
    }
    if (events.length === 0) return;
    this.accepted.set(boardId, expected - 1);
    for (const code of issued) this.claimed.add(code);
  }

  /** Folds one accepted (or replayed) event into its board's state and the code index. */
  apply(e: BoardEvent): void {
    let state = this.states.get(e.boardId);
    if (!state) {
      if (e.type !== 'boardCreated')
        throw new Error(`board ${e.boardId} does not start with boardCreated (got ${e.type} at ${e.revision})`);
      state = emptyBoard(e.boardId);
      this.states.set(e.boardId, state);
    }
    evolve(state, e);
    if ((this.accepted.get(e.boardId) ?? 0) < e.revision) this.accepted.set(e.boardId, e.revision);
    for (const [code, owner] of codesIssued(e)) {
      this.claimed.delete(code);
      this.codes.set(code, owner);
    }
  }

  /** The live state (not a copy): callers clone before handing it out. */
  /** The last revision accepted for the board (applied, or being written); 0 for none. */
  acceptedRevision(boardId: BoardId): number {
    return this.accepted.get(boardId) ?? 0;
  }

  state(boardId: BoardId): BoardState | undefined {
    return this.states.get(boardId);
  }

  boardIds(): BoardId[] {
    return [...this.states.keys()];
  }

  summaries(): BoardSummary[] {
    return [...this.states.values()].map(summarize);
  }

  findCode(code: Code): CodeOwner | null {
    const owner = this.codes.get(code);
    return owner ? { ...owner } : null;
  }

  /** Live states and code index, for a snapshot (serialise them before the next apply). */
  entries(): { states: BoardState[]; codes: [Code, CodeOwner][] } {
    return { states: [...this.states.values()], codes: [...this.codes] };
  }
}

function summarize(s: BoardState): BoardSummary {
  // Live cards are exactly those in `order`, so counting is O(columns), not O(cards).
  let cardCount = 0;
  for (const ids of Object.values(s.order)) cardCount += ids.length;
  return { id: s.id, code: s.code, name: s.name, revision: s.revision, createdAt: s.createdAt, updatedAt: s.updatedAt, cardCount };
}

/** The codes an event issues, with their owners. Codes outlive what they name. */
export function codesIssued(e: BoardEvent): [Code, CodeOwner][] {
  switch (e.type) {
    case 'boardCreated':
      return [
        [e.code, { kind: 'board', boardId: e.boardId }],
        ...e.columns.map((c): [Code, CodeOwner] => [c.code, { kind: 'column', boardId: e.boardId, columnId: c.id }])
      ];
    case 'columnAdded':
      return [[e.column.code, { kind: 'column', boardId: e.boardId, columnId: e.column.id }]];
    case 'cardCreated':
      return [[e.card.code, { kind: 'card', boardId: e.boardId, cardId: e.card.id }]];
    case 'boardRenamed':
    case 'cardUpdated':
    case 'cardArchived':
    case 'cardRestored':
    case 'cardMoved':
    case 'columnRenamed':
    case 'columnMoved':
    case 'columnRemoved':
    case 'wipLimitSet':
    case 'cardsPrinted':
    case 'columnStageSet':
    case 'projectSet':
      return [];
    default:
      return assertNever(e);
  }
}

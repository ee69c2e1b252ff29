/**
 * MemoryStorage: boards live in this process only (tests, demos, `npm run bench` baselines).
 *
 * Invariants: `events(b)` is board b's complete log and folding it gives `table.state(b)`;
 * nothing stored is shared with callers (appended events are copied in, everything read is
 * copied out), so a caller mutating what it passed or got cannot change the store.
 */
import type { BoardEvent, BoardId, BoardState, Code, OpId } from '../../src/lib/domain';
import { reviveBoard } from '../../src/lib/domain';
import { BoardTable } from './board-table';
import type { Accepted, BoardSummary, CodeOwner, Storage } from './types';

export class MemoryStorage implements Storage {
  readonly kind = 'memory';
  readonly capabilities = { shared: false, pipelined: true } as const;
  private table = new BoardTable();
  private events = new Map<BoardId, BoardEvent[]>();
  private isOpen = false;

  async open(): Promise<void> {
    this.isOpen = true;
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  async listBoards(): Promise<BoardSummary[]> {
    this.assertOpen();
    return this.table.summaries();
  }

  async loadBoard(boardId: BoardId): Promise<BoardState | null> {
    this.assertOpen();
    const state = this.table.state(boardId);
    return state ? reviveBoard(structuredClone(state)) : null;
  }

  async append(boardId: BoardId, events: BoardEvent[]): Promise<void> {
    this.store(boardId, events);
  }

  async appendDecided(boardId: BoardId, revision: number, decide: (missed: BoardEvent[]) => BoardEvent[] | null): Promise<Accepted> {
    this.assertOpen();
    const missed = this.table.acceptedRevision(boardId) > revision ? await this.eventsSince(boardId, revision) : [];
    const events = decide(missed);
    if (events && events.length > 0) this.store(boardId, events);
    return { durable: Promise.resolve() };
  }

  async findOp(boardId: BoardId, opId: OpId): Promise<BoardEvent[]> {
    this.assertOpen();
    return structuredClone((this.events.get(boardId) ?? []).filter((e) => e.opId === opId));
  }

  private store(boardId: BoardId, events: BoardEvent[]): void {
    this.assertOpen();
    this.table.accept(boardId, events);
    const log = this.events.get(boardId) ?? [];
    this.events.set(boardId, log);
    for (const e of events) {
      const copy = structuredClone(e);
      this.table.apply(copy);
      log.push(copy);
    }
  }

  async eventsSince(boardId: BoardId, since: number, limit?: number): Promise<BoardEvent[]> {
    this.assertOpen();
    const log = this.events.get(boardId) ?? [];
    // Revisions are gapless from 1, so revision r sits at index r - 1.
    const from = Math.max(0, since);
    const to = limit === undefined ? log.length : Math.min(log.length, from + Math.max(0, limit));
    return structuredClone(log.slice(from, to));
  }

  async findCode(code: Code): Promise<CodeOwner | null> {
    this.assertOpen();
    return this.table.findCode(code);
  }

  private assertOpen(): void {
    if (!this.isOpen) throw new Error('memory storage is not open');
  }
}

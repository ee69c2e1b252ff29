/**
 * Storage: where boards' events live. Three implementations (memory, lowdb, PostgreSQL) sit
 * behind this one interface, and one contract suite (test/storage/contract.ts) runs against each.
 *
 * Invariants every implementation keeps:
 * - a board *is* its event log: revision 1 is its `boardCreated` event, and revisions are
 *   gapless; `append` refuses events that do not continue the board's last revision
 *   (throws `RevisionConflict`), so two writers can never interleave a board's log;
 * - `append` resolves only once the events are durable (for lowdb: written and fsynced);
 * - codes (board signs, column signs, cards) are unique in the install and never reused,
 *   even after the card is archived or the column removed.
 */
import type { BoardEvent, BoardId, BoardState, Code, OpId } from '../../src/lib/domain';

export interface BoardSummary {
  id: BoardId;
  code: Code;
  name: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
  cardCount: number;
}

export type CodeOwner =
  | { kind: 'board'; boardId: BoardId }
  | { kind: 'column'; boardId: BoardId; columnId: string }
  | { kind: 'card'; boardId: BoardId; cardId: string };

export interface Storage {
  readonly kind: 'memory' | 'lowdb' | 'postgres';
  /**
   * True when `append` checks and orders events synchronously at the call, so a board may
   * have several appends in flight (they complete in call order). The board service then
   * decides the next command while the previous one is being flushed.
   */
  readonly pipelinedAppends: boolean;
  /** Opens the store (creating it if new) and makes it ready to serve. */
  open(): Promise<void>;
  /** Flushes everything and releases files, locks and connections. */
  close(): Promise<void>;

  listBoards(): Promise<BoardSummary[]>;
  /** The board's current state, as a copy the caller may mutate; null if there is no such board. */
  loadBoard(boardId: BoardId): Promise<BoardState | null>;
  /**
   * Appends events to a board's log, durably. `events[0].revision` must be the board's
   * revision + 1 (1 for a new board, whose first event is `boardCreated`).
   */
  append(boardId: BoardId, events: BoardEvent[]): Promise<void>;
  /** Events with revision > since, oldest first, at most `limit` (default: all). Complete history. */
  eventsSince(boardId: BoardId, since: number, limit?: number): Promise<BoardEvent[]>;
  /** Who owns a code, across the whole install; null if the code was never issued. */
  findCode(code: Code): Promise<CodeOwner | null>;
  /**
   * The events a command with this opId produced on this board, oldest first; empty if none.
   * Stores shared by several servers have it: the board service's own memory of recent opIds
   * covers only the commands it ran or loaded, and a client may resend to another server.
   */
  findOp?(boardId: BoardId, opId: OpId): Promise<BoardEvent[]>;
  /**
   * Stores shared by several servers: appends the events `decide` returns, calling it while
   * the board is locked against every server's appends. It gets the events appended after
   * `revision` (what the caller's copy lacks, usually nothing) and returns events continuing
   * the board's revision, or null to append nothing. So a command decided this way can never
   * lose a race to another server, however busy the board. Rejects like `append`.
   */
  appendDecided?(boardId: BoardId, revision: number, decide: (missed: BoardEvent[]) => BoardEvent[] | null): Promise<void>;
}

export class RevisionConflict extends Error {
  constructor(readonly boardId: BoardId, readonly expected: number, readonly got: number) {
    super(`board ${boardId}: expected revision ${expected}, got ${got}`);
    this.name = 'RevisionConflict';
  }
}

/** The data directory is held by another running server. */
export class DataDirLocked extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`${dir} is in use by another Kanbridge server (pid ${pid}); stop it first or choose another DATA_DIR`);
    this.name = 'DataDirLocked';
  }
}

/**
 * The event log holds a record that cannot be read or does not follow the ones before it. The
 * server refuses to start rather than guess; `npm run repair -- --data DIR` cuts the log just
 * before the record (keeping a backup of everything).
 */
export class DamagedLog extends Error {
  constructor(readonly file: string, readonly offset: number, readonly reason: string, readonly dataDir: string) {
    super(
      `${file} is damaged at byte ${offset}: ${reason}. Kanbridge does not start on a damaged log. ` +
      `To keep every record before that byte and set the rest aside (a backup of both files is kept), stop the server and run: ` +
      `npm run repair -- --data ${JSON.stringify(dataDir)}`
    );
    this.name = 'DamagedLog';
  }
}

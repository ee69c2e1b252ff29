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

/**
 * What a store promises beyond the interface, declared by each store (never guessed from which
 * methods it has). The board service and the contract suite read them.
 */
export interface StorageCapabilities {
  /**
   * Several servers write to this store (PostgreSQL). The board service then decides each
   * command under the store's board lock on a copy caught up with the others' appends, asks the
   * store about opIds it has not seen, and checks for newer events before serving a board.
   */
  readonly shared: boolean;
  /**
   * Appends are checked and ordered at the call, so a board may have several in flight (they
   * complete in call order): the service decides the next command while the previous one is
   * being flushed, and concurrent moves share one fsync.
   */
  readonly pipelined: boolean;
}

/** An append the store has accepted, in order; `durable` resolves once it is durable (or rejects). */
export interface Accepted {
  durable: Promise<void>;
}

export interface Storage {
  readonly kind: 'memory' | 'lowdb' | 'postgres';
  readonly capabilities: StorageCapabilities;
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
  /**
   * The one write path of the board service: appends the events `decide` returns. `decide` gets
   * the events appended after `revision` (what the caller's copy lacks: usually nothing, and
   * with a shared store whatever other servers appended) and returns events continuing the
   * board's revision, or null to append nothing. A shared store calls it while the board is
   * locked against every server's appends, so a command decided this way never loses a race.
   * Resolves once the events are accepted in order; `durable` tells when they are durable
   * (at once for a shared store, which commits before it resolves). Rejects like `append`.
   */
  appendDecided(boardId: BoardId, revision: number, decide: (missed: BoardEvent[]) => BoardEvent[] | null): Promise<Accepted>;
  /** Events with revision > since, oldest first, at most `limit` (default: all). Complete history. */
  eventsSince(boardId: BoardId, since: number, limit?: number): Promise<BoardEvent[]>;
  /** Who owns a code, across the whole install; null if the code was never issued. */
  findCode(code: Code): Promise<CodeOwner | null>;
  /**
   * The events a command with this opId produced on this board, oldest first; empty if none.
   * The board service asks a shared store (a client may resend to another server); its own
   * memory of recent opIds covers a store only it writes to.
   */
  findOp(boardId: BoardId, opId: OpId): Promise<BoardEvent[]>;
}

export class RevisionConflict extends Error {
  constructor(
    readonly boardId: BoardId,
    readonly expected: number,
    readonly got: number
  ) {
    super(`board ${boardId}: expected revision ${expected}, got ${got}`);
    this.name = 'RevisionConflict';
  }
}

/** The data directory is held by another running server. */
export class DataDirLocked extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number
  ) {
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
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
    readonly dataDir: string
  ) {
    super(
      `${file} is damaged at byte ${offset}: ${reason}. Kanbridge does not start on a damaged log. ` +
        `To keep every record before that byte and set the rest aside (a backup of both files is kept), stop the server and run: ` +
        `npm run repair -- --data ${JSON.stringify(dataDir)}`
    );
    this.name = 'DamagedLog';
  }
}

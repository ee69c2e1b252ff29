/**
 * The client's view of a board: the last state the server confirmed, plus the commands this
 * client sent (or queued offline) that the server has not answered yet, applied on top
 * optimistically. Pure logic, no sockets and no runes, so the same code runs in the browser
 * and in convergence tests.
 *
 * Invariants:
 * - `confirmed` only ever advances by server events in revision order (no gaps, no repeats);
 *   a gap is reported to the caller, who fetches the missing events (or a snapshot);
 * - a pending command leaves the queue exactly when the server answered its opId (ack or
 *   rejection) or an event with its opId arrived; until then it is resent after every
 *   reconnect, and the server's opId memory makes the resend apply at most once;
 * - the view is always `confirmed` with the pending commands re-decided on top, in order, so
 *   when the last ack arrives every client shows exactly the server's state.
 */
import {
  cloneBoard,
  decide,
  evolve,
  isEventType,
  newCardId,
  newColumnId,
  touchedCards,
  type Actor,
  type BoardEvent,
  type BoardState,
  type Code,
  type Command,
  type DecideContext,
  type OpId,
  type Rejection,
  type Source
} from '../domain';

export interface PendingCommand {
  boardId: string;
  command: Command;
  source: Source;
  baseRevision?: number;
  queuedAt: string;
}

/** `outdated`: an event of a type this build does not know (the server is newer): nothing of it was applied. */
export type ApplyResult = 'applied' | 'gap' | 'outdated';

/** Codes are issued by the server; until then a new card shows this placeholder. */
export const PENDING_CODE = '' as Code;

const optimisticContext: DecideContext = {
  newCardId,
  newColumnId,
  newCode: () => PENDING_CODE
};

export class SyncCore {
  #confirmed: BoardState;
  #pending: PendingCommand[] = [];
  #view: BoardState | null = null;

  constructor(board: BoardState, pending: PendingCommand[] = []) {
    this.#confirmed = cloneBoard(board);
    this.#pending = pending.filter((p) => p.boardId === board.id);
  }

  get boardId(): string {
    return this.#confirmed.id;
  }

  get revision(): number {
    return this.#confirmed.revision;
  }

  get confirmed(): BoardState {
    return this.#confirmed;
  }

  get pending(): readonly PendingCommand[] {
    return this.#pending;
  }

  /** The board as this client should show it: confirmed state plus pending commands. */
  get view(): BoardState {
    if (!this.#view) this.#view = this.#project();
    return this.#view;
  }

  /**
   * Would this command succeed on the current view? The UI asks before sending, so that a
   * WIP limit can be confirmed (and a doomed command is never queued).
   */
  check(command: Command): Rejection | null {
    const d = decide(this.view, command, optimisticContext);
    return d.ok ? null : d.rejection;
  }

  /** Queues a command (already checked) and shows it at once. */
  enqueue(p: PendingCommand): void {
    this.#pending.push(p);
    this.#view = null;
  }

  /** Server events, in any batching; events already seen are skipped. */
  applyEvents(events: readonly BoardEvent[]): ApplyResult {
    let changed = false;
    if (!events.every((e) => isEventType(e.type))) return 'outdated';
    for (const e of [...events].sort((a, b) => a.revision - b.revision)) {
      if (e.revision <= this.#confirmed.revision) continue;
      if (e.revision !== this.#confirmed.revision + 1) {
        if (changed) this.#view = null;
        return 'gap';
      }
      evolve(this.#confirmed, e);
      this.#settle(e.opId);
      changed = true;
    }
    if (changed) this.#view = null;
    return 'applied';
  }

  /** A full state from the server replaces what this client knew; pending commands stay queued. */
  applySnapshot(board: BoardState): void {
    if (board.id !== this.#confirmed.id) throw new Error('snapshot of another board');
    this.#confirmed = cloneBoard(board);
    this.#view = null;
  }

  /** The server answered this opId (accepted with events, or rejected). */
  settle(opId: OpId): PendingCommand | undefined {
    const p = this.#settle(opId);
    if (p) this.#view = null;
    return p;
  }

  #settle(opId: OpId): PendingCommand | undefined {
    const i = this.#pending.findIndex((p) => p.command.opId === opId);
    if (i < 0) return undefined;
    const [p] = this.#pending.splice(i, 1);
    return p;
  }

  #project(): BoardState {
    if (this.#pending.length === 0) return this.#confirmed;
    const view = cloneBoard(this.#confirmed);
    for (const p of this.#pending) {
      // A pending command that no longer fits (its card was archived meanwhile, say) shows
      // nothing; the server will reject it and the client learns why.
      const d = decide(view, p.command, optimisticContext);
      if (!d.ok) continue;
      for (const body of d.events) {
        evolve(view, {
          ...body,
          boardId: view.id,
          revision: view.revision + 1,
          at: p.queuedAt,
          source: p.source,
          actor: LOCAL,
          opId: p.command.opId
        } as BoardEvent);
      }
    }
    return view;
  }
}

const LOCAL: Actor = { id: 'local', name: 'You' };

/** Card ids touched by events from someone else (not this client's own pending commands). */
export function remoteTouches(events: readonly BoardEvent[], ownOpIds: ReadonlySet<string>): string[] {
  return events.filter((e) => !ownOpIds.has(e.opId)).flatMap((e) => touchedCards(e));
}

/**
 * The board service: the only writer of boards. Each board has one serial queue; a command
 * runs as load → decide → append durably → evolve → remember the opId → acknowledge and
 * broadcast. Because the next command of a board starts only after the previous append
 * resolved, the in-memory state always equals the durable log, and the server's order is
 * the one truth every client converges to.
 *
 * Several servers on one PostgreSQL database (scale.ts): the copy in memory may then trail
 * other servers' appends for a moment. A command is decided under the board's lock in
 * storage (Storage.appendDecided), on the copy caught up with what the others appended, so
 * it never loses a race; `refresh` catches the copy up as soon as another server's append
 * is announced; and a read first checks with storage that nothing follows the copy.
 *
 * Repeats: the service remembers the result of recent opIds per board (rebuilt from the log
 * on load, so a resend after a crash is recognised too) and answers a repeat with the first
 * result — same revision, same events — without changing anything. A store shared by
 * several servers (Storage.findOp) is asked about every opId not remembered, so a resend to
 * another server, however late, is recognised as well.
 */
import {
  commandCards,
  commandCodes,
  decide,
  cloneBoard,
  decideCreateBoard,
  emptyBoard,
  evolve,
  newBoardId,
  newCardId,
  newColumnId,
  randomCode,
  reviveBoard,
  touchedCards,
  type Actor,
  type BoardEvent,
  type BoardId,
  type BoardState,
  type Code,
  type Command,
  type DecideContext,
  type EventBody,
  type OpId,
  type Rejection,
  type Source
} from '../src/lib/domain';
import { reject } from '../src/lib/domain/rejections';
import { type Accepted, type BoardSummary, type CodeOwner, type Storage } from './storage/types';

export interface CommandContext {
  actor: Actor;
  source: Source;
  /** The revision the client saw; a card changed after it makes the command STALE. */
  baseRevision?: number;
}

export type Outcome = { ok: true; revision: number; events: BoardEvent[] } | { ok: false; rejection: Rejection };

export type EventsListener = (boardId: BoardId, events: BoardEvent[]) => void;

/** An event of a board made from a history (import): its body, and when, by whom and in which command it happened. */
export interface HistoricEvent {
  body: EventBody;
  at: string;
  actor: Actor;
  opId: OpId;
}

const REMEMBERED_OPS = 2_000;
/** Long loops (an import's events, its codes) hand the event loop back after this long. */
const SLICE_MS = 8;
/** Events per storage write when a history is appended (an import of 200,000 is 1,000 writes). */
const HISTORY_CHUNK = 200;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const noop = () => undefined;
const settled = (outcome: Outcome) => ({ done: Promise.resolve(outcome) });
const STALE_WINDOW = 10_000;

export class BoardService {
  readonly #storage: Storage;
  readonly #now: () => Date;
  readonly #boards = new Map<BoardId, BoardState>();
  readonly #queues = new Map<BoardId, Promise<unknown>>();
  readonly #ops = new Map<BoardId, Map<OpId, Promise<Outcome>>>();
  /** Per board, a promise that settles when its last append does. */
  readonly #tails = new Map<BoardId, Promise<void>>();
  readonly #listeners = new Set<EventsListener>();
  /** Codes handed out but maybe not yet durable, so two queues never pick the same one. */
  readonly #reserved = new Set<string>();

  constructor(storage: Storage, options: { now?: () => Date } = {}) {
    this.#storage = storage;
    this.#now = options.now ?? (() => new Date());
  }

  get storage(): Storage {
    return this.#storage;
  }

  onEvents(listener: EventsListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  listBoards(): Promise<BoardSummary[]> {
    return this.#storage.listBoards();
  }

  findCode(code: Code): Promise<CodeOwner | null> {
    return this.#storage.findCode(code);
  }

  /** The board's current state (read-only: serialise it, never mutate it), or null. */
  async getBoard(boardId: BoardId): Promise<BoardState | null> {
    // Wait until what was decided is durable, so a snapshot never shows events a crash could
    // still take back.
    await this.#durable(boardId);
    const cached = this.#boards.get(boardId);
    // Shared with other servers: the notice of their latest append may still be on its way,
    // so ask storage whether anything follows this copy (nearly always nothing: one indexed
    // lookup). A client that joins here right after moving through another server must not
    // be told an older revision, or be sent an older snapshot.
    if (cached && this.#storage.capabilities.shared && (await this.#storage.eventsSince(boardId, cached.revision, 1)).length > 0) {
      await this.refresh(boardId, cached.revision + 1);
    }
    return this.#boards.get(boardId) ?? this.#serial(boardId, () => this.#load(boardId));
  }

  async eventsSince(boardId: BoardId, since: number, limit?: number): Promise<BoardEvent[] | null> {
    const board = await this.getBoard(boardId);
    if (!board) return null;
    if (since >= board.revision) return [];
    return this.#storage.eventsSince(boardId, since, limit);
  }

  async createBoard(
    input: { name: string; columns?: { name: string; wipLimit?: number | null; wipHard?: boolean }[] },
    ctx: CommandContext
  ): Promise<{ ok: true; board: BoardState } | { ok: false; rejection: Rejection }> {
    const columns = input.columns ?? DEFAULT_COLUMNS;
    const boardId = newBoardId();
    const codes = await this.#reserveCodes(1 + columns.length);
    try {
      const decision = decideCreateBoard(input.name, columns, this.#context(codes));
      if (!decision.ok) return decision;
      const events = this.#stamp(boardId, 0, decision.events, ctx, `create-${boardId}` as OpId);
      await this.#storage.append(boardId, events);
      const state = events.reduce(evolve, emptyBoard(boardId));
      this.#boards.set(boardId, state);
      this.#emit(boardId, events);
      return { ok: true, board: cloneBoard(state) };
    } finally {
      this.#release(codes);
    }
  }

  /**
   * Creates a board from a whole history at once (import). `build` gets a context whose codes
   * are fresh for the install and returns every event in order, each with its own time and
   * actor; they are stamped with `source` and appended. Everything that can refuse the
   * history runs before the first append. A long history is appended in chunks of
   * HISTORY_CHUNK events, each its own write, so that other boards' commands are written
   * between them; meanwhile the new board waits in its own queue, so nobody reads or changes
   * it half-appended through the service (only storage's board list may show it early). A
   * storage failure between two chunks can leave a partial board behind. The board returned
   * is the service's own (read-only: serialise it, never mutate it).
   */
  async createBoardFromHistory(codes: number, build: (ctx: DecideContext) => HistoricEvent[], source: Source): Promise<BoardState> {
    const boardId = newBoardId();
    const reserved = await this.#reserveCodes(codes);
    try {
      const history = build(this.#context(reserved));
      // Stamped and folded a slice at a time: an import of 200,000 events must not hold up other boards.
      const events: BoardEvent[] = new Array(history.length);
      const state = emptyBoard(boardId);
      let slice = performance.now();
      for (let i = 0; i < history.length; i++) {
        const h = history[i];
        events[i] = {
          ...h.body,
          boardId,
          revision: i + 1,
          at: h.at,
          source,
          actor: { id: h.actor.id, name: h.actor.name },
          opId: h.opId
        } as BoardEvent;
        evolve(state, events[i]);
        if ((i & 31) === 31 && performance.now() - slice > SLICE_MS) {
          await yieldToLoop();
          slice = performance.now();
        }
      }
      await this.#serial(boardId, async () => {
        for (let i = 0; i < events.length; i += HISTORY_CHUNK) await this.#storage.append(boardId, events.slice(i, i + HISTORY_CHUNK));
        this.#boards.set(boardId, state);
      });
      // Told in chunks too: a broadcast encodes its events at once, and 200,000 in one go would
      // hold up the event loop for seconds.
      for (let i = 0; i < events.length; i += HISTORY_CHUNK) {
        this.#emit(boardId, events.slice(i, i + HISTORY_CHUNK));
        if (i + HISTORY_CHUNK < events.length) await yieldToLoop();
      }
      // Read-only, as getBoard's: a copy of a 100,000-card board would hold up the event loop for seconds.
      return state;
    } finally {
      this.#release(reserved);
    }
  }

  /**
   * Runs one command on one board, in that board's order. Resolves once the command's events
   * are durable (or with its rejection); never throws for a bad command, only when storage
   * fails (the caller answers INTERNAL and the client resends later, under the same opId).
   */
  async execute(boardId: BoardId, command: Command, ctx: CommandContext): Promise<Outcome> {
    const step = await this.#serial(boardId, () => this.#step(boardId, command, ctx));
    return step.done;
  }

  /**
   * The serial part of a command, the same for every store: the command is decided inside
   * `appendDecided`, on this server's copy caught up with whatever the store holds beyond it
   * (with a shared store, other servers' appends; the store holds its board lock meanwhile),
   * so it never loses a race and is never decided on a stale copy. Checks that need storage
   * (opId, STALE, free codes) run before, and again on the caught-up events inside it.
   *
   * With a pipelined store the append is accepted at once and written later: the next command
   * of the board is decided while this one's events are still being flushed, so concurrent
   * moves on one board share an fsync (group commit). Acks and broadcasts still wait for
   * durability, and appends complete in order, so clients see events in revision order.
   */
  async #step(boardId: BoardId, command: Command, ctx: CommandContext): Promise<{ done: Promise<Outcome> }> {
    const { shared, pipelined } = this.#storage.capabilities;
    const state = this.#boards.get(boardId) ?? (await this.#load(boardId));
    if (!state) return settled({ ok: false, rejection: reject('NOT_FOUND', 'No such board', { boardId }) });
    const seen = this.#ops.get(boardId)?.get(command.opId);
    if (seen) return { done: seen };
    if (shared) {
      const stored = await this.#storedOutcome(boardId, command.opId);
      if (stored) return { done: this.#remember(boardId, command.opId, Promise.resolve(stored)) };
    }
    if (ctx.baseRevision !== undefined) await this.#durable(boardId);
    const stale = await this.#staleCheck(state, command, ctx.baseRevision);
    if (stale) return settled({ ok: false, rejection: stale });
    const codes = await this.#reserveCodes(commandCodes(command));
    let outcome: Outcome | undefined;
    let appended: BoardEvent[] = [];
    let accepted: Accepted;
    try {
      accepted = await this.#storage.appendDecided(boardId, state.revision, (missed) => {
        for (const e of missed) evolve(state, e);
        const earlier = missed.filter((e) => e.opId === command.opId);
        if (earlier.length > 0) {
          outcome = { ok: true, revision: earlier[earlier.length - 1].revision, events: earlier };
          return null;
        }
        const base = ctx.baseRevision;
        const hit = base === undefined ? undefined : missed.find((e) => touchedCards(e).some((id) => commandCards(command).includes(id)));
        if (base !== undefined && hit) {
          outcome = { ok: false, rejection: staleRejection(hit, { baseRevision: base, revision: state.revision }) };
          return null;
        }
        const decision = decide(state, command, this.#context(codes));
        if (!decision.ok) {
          outcome = decision;
          return null;
        }
        appended = this.#stamp(boardId, state.revision, decision.events, ctx, command.opId);
        outcome = { ok: true, revision: state.revision + appended.length, events: appended };
        return appended;
      });
    } catch (err) {
      this.#release(codes);
      // Whether it was written is unknown (a lost connection): reload before the next use.
      this.evict(boardId);
      throw err;
    }
    if (!outcome) {
      this.#release(codes);
      throw new Error('storage appended without deciding');
    }
    const result = outcome;
    for (const e of appended) evolve(state, e);
    if (appended.length === 0) {
      this.#release(codes);
      return result.ok ? { done: this.#remember(boardId, command.opId, Promise.resolve(result)) } : settled(result);
    }
    const done = accepted.durable.then(
      () => {
        this.#release(codes);
        this.#emit(boardId, appended);
        return result;
      },
      (err: unknown) => {
        this.#release(codes);
        // The in-memory state ran ahead of what is on disk: forget it, and every command
        // decided on top of it, so the next access reloads the truth from storage.
        this.evict(boardId);
        throw err;
      }
    );
    this.#tails.set(boardId, done.then(noop, noop));
    // A store that cannot take a second append before the first is done gets one at a time.
    if (!pipelined) await done;
    return { done: this.#remember(boardId, command.opId, done) };
  }

  /** Resolves when everything handed to storage for this board so far is durable. */
  async #durable(boardId: BoardId): Promise<void> {
    for (let tail = this.#tails.get(boardId); tail;) {
      await tail;
      const next = this.#tails.get(boardId);
      if (next === tail) break;
      tail = next;
    }
  }

  #release(codes: Code[]) {
    for (const c of codes) this.#reserved.delete(c);
  }

  /**
   * Another server appended to this board, up to `revision` (PostgreSQL scale-out). Catches
   * the copy in memory up, in the board's order, so that reads here do not lag behind; a
   * board not in memory is left alone (it loads fresh when asked for). Their opIds need no
   * remembering: a store shared by servers looks up every opId this one has not seen.
   */
  refresh(boardId: BoardId, revision: number): Promise<void> {
    return this.#serial(boardId, async () => {
      const state = this.#boards.get(boardId);
      if (!state || state.revision >= revision) return;
      try {
        for (const e of await this.#storage.eventsSince(boardId, state.revision)) evolve(state, e);
      } catch (err) {
        this.evict(boardId);
        console.error(`board ${boardId}: catching up with another server failed, reloading it on next use:`, err);
      }
    });
  }

  /** Drops a board from memory so the next access reloads it from storage. */
  evict(boardId: BoardId): void {
    this.#boards.delete(boardId);
    this.#ops.delete(boardId);
  }

  async #load(boardId: BoardId): Promise<BoardState | null> {
    const cached = this.#boards.get(boardId);
    if (cached) return cached;
    const loaded = await this.#storage.loadBoard(boardId);
    if (!loaded) return null;
    const state = reviveBoard(loaded);
    // Rebuild the opId memory from the log tail, so a resend after a restart is answered
    // with its first result instead of being applied twice. A store that looks opIds up
    // (findOp) is asked about every one not in memory anyway, so a reload after another
    // server's append stays cheap.
    const tail = this.#storage.capabilities.shared
      ? []
      : await this.#storage.eventsSince(boardId, Math.max(0, state.revision - REMEMBERED_OPS));
    const byOp = new Map<OpId, BoardEvent[]>();
    for (const e of tail) {
      const events = byOp.get(e.opId) ?? [];
      byOp.delete(e.opId);
      byOp.set(e.opId, [...events, e]);
    }
    const ops = new Map<OpId, Promise<Outcome>>();
    for (const [opId, events] of byOp) ops.set(opId, Promise.resolve({ ok: true, revision: events[events.length - 1].revision, events }));
    this.#ops.set(boardId, ops);
    this.#boards.set(boardId, state);
    return state;
  }

  /** The first outcome of an opId that storage holds but this server does not remember. */
  async #storedOutcome(boardId: BoardId, opId: OpId): Promise<Outcome | undefined> {
    const events = await this.#storage.findOp(boardId, opId);
    if (!events.length) return undefined;
    return { ok: true, revision: events[events.length - 1].revision, events };
  }

  #remember(boardId: BoardId, opId: OpId, outcome: Promise<Outcome>): Promise<Outcome> {
    let ops = this.#ops.get(boardId);
    if (!ops) this.#ops.set(boardId, (ops = new Map()));
    ops.set(opId, outcome);
    if (ops.size > REMEMBERED_OPS) ops.delete(ops.keys().next().value as OpId);
    return outcome;
  }

  async #staleCheck(state: BoardState, command: Command, baseRevision: number | undefined): Promise<Rejection | null> {
    if (baseRevision === undefined || baseRevision >= state.revision) return null;
    const cards = commandCards(command);
    if (cards.length === 0) return null;
    const details = { baseRevision, revision: state.revision };
    if (state.revision - baseRevision > STALE_WINDOW)
      return reject('STALE', 'The board changed too much since this view; reload it', details);
    const since = await this.#storage.eventsSince(state.id, baseRevision);
    const hit = since.find((e) => touchedCards(e).some((id) => cards.includes(id)));
    return hit ? staleRejection(hit, details) : null;
  }

  #serial<T>(boardId: BoardId, task: () => Promise<T>): Promise<T> {
    const prev = this.#queues.get(boardId) ?? Promise.resolve();
    const run = prev.then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined
    );
    this.#queues.set(boardId, tail);
    void tail.then(() => {
      if (this.#queues.get(boardId) === tail) this.#queues.delete(boardId);
    });
    return run;
  }

  #stamp(boardId: BoardId, revision: number, bodies: EventBody[], ctx: CommandContext, opId: OpId): BoardEvent[] {
    const at = this.#now().toISOString();
    const actor = { id: ctx.actor.id, name: ctx.actor.name };
    return bodies.map((body, i) => ({ ...body, boardId, revision: revision + i + 1, at, source: ctx.source, actor, opId }) as BoardEvent);
  }

  #emit(boardId: BoardId, events: BoardEvent[]) {
    for (const listener of this.#listeners) {
      try {
        listener(boardId, events);
      } catch (err) {
        console.error('event listener failed', err);
      }
    }
  }

  #context(codes: Code[]): DecideContext {
    // An index, not shift(): an import takes 100,000 codes, and each shift() copies the rest.
    const pool = [...codes];
    let next = 0;
    return {
      newCardId,
      newColumnId,
      newCode: () => {
        if (next >= pool.length) throw new Error('code pool exhausted');
        return pool[next++];
      }
    };
  }

  /** Codes that no board, column or card in the install has ever used. */
  async #reserveCodes(n: number): Promise<Code[]> {
    const out: Code[] = [];
    for (let tries = 0; out.length < n; tries++) {
      const code = randomCode(tries < 20 ? 6 : 7);
      // Every code in `out` is in #reserved too: one set lookup, however many codes an import takes.
      if (this.#reserved.has(code)) continue;
      // findCode may answer without a turn of the event loop; give one back now and then.
      if ((tries & 1023) === 1023) await yieldToLoop();
      this.#reserved.add(code);
      if (await this.#storage.findCode(code)) {
        this.#reserved.delete(code);
        continue;
      }
      out.push(code);
    }
    return out;
  }
}

export const DEFAULT_COLUMNS = [
  { name: 'Backlog' },
  { name: 'Ready' },
  { name: 'Doing', wipLimit: 3 },
  { name: 'Review' },
  { name: 'Done' }
];

function staleRejection(hit: BoardEvent, details: { baseRevision: number; revision: number }): Rejection {
  return reject('STALE', 'Someone changed this card after your view of it', {
    ...details,
    cardId: touchedCards(hit)[0],
    changedBy: hit.actor.name,
    changedAt: hit.at
  });
}

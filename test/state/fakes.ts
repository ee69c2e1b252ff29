/**
 * Fakes for the runes state tests: a socket.io-client Socket that talks to an in-memory board
 * server (the real domain rules decide every command), so the state classes run without a
 * network, and each ack is answered exactly when a test says so.
 */
import { vi } from 'vitest';
import {
  cloneBoard,
  decide,
  evolve,
  type Actor,
  type BoardEvent,
  type BoardState,
  type Command,
  type OpId,
  type Source
} from '../../src/lib/domain';
import type { ApiError, CommandResult, JoinResult } from '../../src/lib/protocol';
import { testContext } from '../domain/fixtures';

type Handler = (...args: unknown[]) => void;

export interface SentCommand {
  boardId: string;
  command: Command;
  source: Source;
  baseRevision?: number;
  ack: (err: Error | null, r: CommandResult) => void;
}

/** Server-side truth for one board, and the sockets joined to it. */
export class FakeServer {
  state: BoardState;
  /** Commands sent by clients and not answered yet, in arrival order. */
  readonly inbox: SentCommand[] = [];
  /** Every board:command message received (resends included). */
  readonly received: SentCommand[] = [];
  readonly sockets = new Set<FakeSocket>();
  /** What board:join answers; a test may make it refuse. */
  joinAnswer: (() => JoinResult) | null = null;

  constructor(board: BoardState) {
    this.state = cloneBoard(board);
  }

  socket(): FakeSocket {
    const s = new FakeSocket(this);
    this.sockets.add(s);
    return s;
  }

  /** Decides `command` on the server's board and fans the events out to every joined socket. */
  apply(command: Command, opts: { actor?: Actor; source?: Source } = {}): CommandResult {
    const d = decide(this.state, command, testContext());
    if (!d.ok) return { ok: false, error: { code: d.rejection.code, message: d.rejection.message } };
    const at = '2026-02-02T09:00:00.000Z';
    const events: BoardEvent[] = d.events.map(
      (body, i) =>
        ({
          ...body,
          boardId: this.state.id,
          revision: this.state.revision + i + 1,
          at,
          source: opts.source ?? 'ui',
          actor: opts.actor ?? { id: 'someone', name: 'Someone' },
          opId: command.opId
        }) as BoardEvent
    );
    for (const e of events) evolve(this.state, e);
    this.broadcast('board:events', { boardId: this.state.id, events });
    return { ok: true, revision: this.state.revision, events };
  }

  /** Someone else's command, arriving as board:events. */
  remote(command: Command, actor: Actor = { id: 'bob', name: 'Bob' }): BoardEvent[] {
    const r = this.apply(command, { actor });
    if (!r.ok) throw new Error(`remote ${command.type} refused: ${r.error.message}`);
    return r.events;
  }

  /** Answers the oldest unanswered command (or the one with `opId`) by deciding it on the server. */
  confirm(opId?: string): CommandResult {
    const sent = this.#take(opId);
    const r = this.apply(sent.command, { actor: { id: 'me', name: 'Me' }, source: sent.source });
    sent.ack(null, r);
    return r;
  }

  /** Answers the oldest unanswered command (or the one with `opId`) with a refusal. */
  refuse(error: ApiError, opId?: string): SentCommand {
    const sent = this.#take(opId);
    sent.ack(null, { ok: false, error });
    return sent;
  }

  broadcast(event: string, msg: unknown): void {
    for (const s of this.sockets) if (s.joined) s.receive(event, msg);
  }

  /** A board:command arrived. */
  command(msg: Record<string, unknown>, ack: SentCommand['ack']): void {
    const { boardId, source, baseRevision, ...command } = msg;
    const sent: SentCommand = { boardId: boardId as string, command: command as Command, source: source as Source, ack };
    if (baseRevision !== undefined) sent.baseRevision = baseRevision as number;
    this.inbox.push(sent);
    this.received.push(sent);
  }

  #take(opId?: string): SentCommand {
    const i = opId === undefined ? 0 : this.inbox.findIndex((s) => s.command.opId === opId);
    const [sent] = i < 0 ? [] : this.inbox.splice(i, 1);
    if (!sent) throw new Error(`no unanswered command${opId ? ` ${opId}` : ''}`);
    return sent;
  }
}

/** Just enough of socket.io-client's Socket for SyncClient and BoardSync. */
export class FakeSocket {
  connected = false;
  joined = false;
  auth: Record<string, unknown> = {};
  readonly #server: FakeServer;
  readonly #handlers = new Map<string, Set<Handler>>();
  readonly #ioHandlers = new Map<string, Set<Handler>>();
  readonly io = {
    on: (event: string, fn: Handler) => void add(this.#ioHandlers, event, fn),
    off: (event: string, fn: Handler) => void this.#ioHandlers.get(event)?.delete(fn)
  };
  /** Events this socket emitted, in order (board:join, board:leave, board:command…). */
  readonly emitted: { event: string; msg: unknown }[] = [];
  readonly connect = vi.fn(() => {
    if (this.connected) return this;
    this.connected = true;
    this.#fire(this.#handlers, 'connect');
    return this;
  });

  constructor(server: FakeServer) {
    this.#server = server;
  }

  on(event: string, fn: Handler): this {
    add(this.#handlers, event, fn);
    return this;
  }

  off(event: string, fn: Handler): this {
    this.#handlers.get(event)?.delete(fn);
    return this;
  }

  listeners(event: string): number {
    return this.#handlers.get(event)?.size ?? 0;
  }

  timeout(_ms: number) {
    return { emit: (event: string, msg: unknown, cb: (err: Error | null, r: never) => void) => this.#emit(event, msg, cb, true) };
  }

  emit(event: string, msg: unknown, ack?: (r: never) => void): this {
    this.#emit(event, msg, ack, false);
    return this;
  }

  /** The connection drops (not the server's doing): the client goes on queueing. */
  drop(reason = 'transport close'): void {
    if (!this.connected) return;
    this.connected = false;
    this.joined = false;
    this.#fire(this.#handlers, 'disconnect', reason);
  }

  disconnect(): this {
    this.drop('io client disconnect');
    return this;
  }

  reconnectAttempt(n: number): void {
    this.#fire(this.#ioHandlers, 'reconnect_attempt', n);
  }

  /** A message from the server. */
  receive(event: string, msg: unknown): void {
    this.#fire(this.#handlers, event, msg);
  }

  #emit(event: string, msg: unknown, ack: ((...args: never[]) => void) | undefined, withError: boolean): void {
    this.emitted.push({ event, msg });
    const answer = (r: unknown) => (withError ? (ack as (e: null, r: unknown) => void)?.(null, r) : (ack as (r: unknown) => void)?.(r));
    const server = this.#server;
    switch (event) {
      case 'board:join': {
        const r: JoinResult = server.joinAnswer?.() ?? { ok: true, revision: server.state.revision, viewers: 1 };
        if (r.ok) {
          this.joined = true;
          const since = (msg as { since?: number }).since;
          if (since !== undefined && since < server.state.revision) {
            this.receive('board:snapshot', { boardId: server.state.id, board: cloneBoard(server.state) });
          }
        }
        answer(r);
        return;
      }
      case 'board:leave':
        this.joined = false;
        answer({ ok: true });
        return;
      case 'board:command':
        server.command(msg as Record<string, unknown>, (err, r) =>
          withError ? (ack as (e: Error | null, r: unknown) => void)(err, r) : answer(r)
        );
        return;
      default:
        return;
    }
  }

  #fire(map: Map<string, Set<Handler>>, event: string, ...args: unknown[]): void {
    for (const fn of [...(map.get(event) ?? [])]) fn(...args);
  }
}

function add(map: Map<string, Set<Handler>>, event: string, fn: Handler): void {
  let set = map.get(event);
  if (!set) map.set(event, (set = new Set()));
  set.add(fn);
}

/** A window and navigator for BoardSync.start in Node: online/offline events can be fired. */
export function fakeBrowser(online = true) {
  const win = new EventTarget();
  const nav = { onLine: online };
  vi.stubGlobal('window', win);
  vi.stubGlobal('navigator', nav);
  return {
    goOffline() {
      nav.onLine = false;
      win.dispatchEvent(new Event('offline'));
    },
    goOnline() {
      nav.onLine = true;
      win.dispatchEvent(new Event('online'));
    }
  };
}

export const opId = (s: string) => s as OpId;

/**
 * SyncClient: keeps one board in step with the server over a Socket.IO connection.
 * It owns a SyncCore, joins the board's room (with the last revision it has, so the server
 * answers with only the missed events, or a snapshot), sends commands in order, resends the
 * unanswered ones after every reconnect, and keeps the queue in a PendingStore so that
 * nothing is lost when the page is closed offline.
 *
 * No runes and no DOM here: the browser wraps it in BoardSync (board-sync.svelte.ts), tests
 * drive it with a real socket.io-client in Node.
 */
import type { Socket } from 'socket.io-client';
import type { BoardEvent, BoardState, Command, OpId, Source } from '../domain';
import {
  PROTOCOL_VERSION,
  type ApiError,
  type ClientToServer,
  type CommandResult,
  type JoinResult,
  type Presence,
  type ServerToClient
} from '../protocol';
import { remoteTouches, SyncCore, type PendingCommand } from './core';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

/**
 * Why the server stopped serving this board to this connection: `board`, access to the board
 * was taken away (removed member, revoked scanner); `session`, the credentials themselves
 * (signed out everywhere, unpaired phone, expired session).
 */
/**
 * Why the client stopped for good: `board` access removed, `session` signed out, `outdated` the
 * server runs a newer Kanbridge than this page (reload it), `connections` too many open at once.
 */
export type RevokeReason = 'board' | 'session' | 'outdated' | 'connections';

export type DispatchResult = { ok: true; revision: number; events: BoardEvent[] } | { ok: false; error: ApiError; local: boolean };

export interface PendingStore {
  load(boardId: string): PendingCommand[];
  save(boardId: string, pending: readonly PendingCommand[]): void;
}

export const memoryPendingStore = (): PendingStore => {
  const m = new Map<string, PendingCommand[]>();
  return { load: (id) => [...(m.get(id) ?? [])], save: (id, p) => void m.set(id, [...p]) };
};

export interface SyncClientOptions {
  socket: Socket<ServerToClient, ClientToServer>;
  board: BoardState;
  store?: PendingStore;
  /** Called after anything observable changed (view, status, viewers, pending count). */
  onChange?: () => void;
  /** Cards that someone else just changed, for a brief highlight. */
  onRemote?: (cardIds: string[], events: BoardEvent[]) => void;
  /** A queued command the server refused (e.g. a conflict settled by the server's order). */
  onRejected?: (pending: PendingCommand, error: ApiError) => void;
  /** Access is gone; the client has stopped and will not reconnect by itself. */
  onRevoked?: (reason: RevokeReason) => void;
  ackTimeoutMs?: number;
}

/** After this many failed reconnect attempts the status says "offline" instead of "reconnecting". */
const OFFLINE_AFTER_ATTEMPTS = 2;

export class SyncClient {
  readonly core: SyncCore;
  status: ConnectionStatus = 'connecting';
  viewers: Presence['viewers'] = [];
  readonly #socket: Socket<ServerToClient, ClientToServer>;
  readonly #store: PendingStore;
  readonly #opts: SyncClientOptions;
  readonly #waiters = new Map<string, (r: DispatchResult) => void>();
  /** opIds sent on the current connection (cleared on disconnect, so they are resent). */
  #inflight = new Set<string>();
  #joined = false;
  #catchingUp = false;
  #stopped = false;
  readonly #off: (() => void)[] = [];

  constructor(opts: SyncClientOptions) {
    this.#opts = opts;
    this.#socket = opts.socket;
    this.#store = opts.store ?? memoryPendingStore();
    this.core = new SyncCore(opts.board, this.#store.load(opts.board.id));
  }

  get boardId(): string {
    return this.core.boardId;
  }

  get view(): BoardState {
    return this.core.view;
  }

  get pendingCount(): number {
    return this.core.pending.length;
  }

  start(): void {
    const s = this.#socket;
    const on = <E extends keyof ServerToClient>(event: E, fn: ServerToClient[E]) => {
      s.on(event, fn as never);
      this.#off.push(() => s.off(event, fn as never));
    };
    const onConnect = () => this.#join();
    const onDisconnect = (reason: string) => {
      this.#joined = false;
      this.#inflight = new Set();
      // The server hangs up on a connection only when its credentials were revoked.
      if (reason === 'io server disconnect') this.#revoke('session');
      else this.#setStatus('reconnecting');
    };
    const onConnectError = (err: Error) => {
      if (err.message === 'UNAUTHENTICATED') this.#revoke('session');
      // Refused in the handshake, so Socket.IO will not try again by itself.
      else if (err.message === 'TOO_MANY_CONNECTIONS') this.#revoke('connections');
    };
    const onAttempt = (n: number) => {
      if (n >= OFFLINE_AFTER_ATTEMPTS) this.#setStatus('offline');
    };
    s.on('connect', onConnect);
    s.on('disconnect', onDisconnect);
    s.on('connect_error', onConnectError);
    s.io.on('reconnect_attempt', onAttempt);
    this.#off.push(
      () => s.off('connect', onConnect),
      () => s.off('disconnect', onDisconnect),
      () => s.off('connect_error', onConnectError),
      () => s.io.off('reconnect_attempt', onAttempt)
    );
    on('board:events', (msg) => {
      if (msg.boardId === this.boardId) this.#receive(msg.events);
    });
    on('board:snapshot', (msg) => {
      if (msg.boardId !== this.boardId) return;
      this.core.applySnapshot(msg.board);
      this.#changed();
    });
    on('board:presence', (msg) => {
      if (msg.boardId !== this.boardId) return;
      this.viewers = msg.viewers;
      this.#changed();
    });
    on('board:revoked', (msg) => {
      if (msg.boardId === this.boardId) this.#revoke('board');
    });
    if (s.connected) this.#join();
    else s.connect();
  }

  stop(): void {
    this.#stopped = true;
    for (const off of this.#off.splice(0)) off();
    if (this.#joined) this.#socket.emit('board:leave', { boardId: this.boardId });
  }

  /**
   * Checks a command against the current view, shows it at once, and sends it (now, or when
   * the connection is back). Resolves with the server's answer; a command refused locally
   * (e.g. WIP_LIMIT, so the UI can ask for confirmation) resolves with `local: true` and is
   * never queued.
   */
  dispatch(command: Command, source: Source, baseRevision?: number): Promise<DispatchResult> {
    const rejection = this.core.check(command);
    if (rejection) {
      const error: ApiError = rejection.details
        ? { code: rejection.code, message: rejection.message, details: rejection.details }
        : { code: rejection.code, message: rejection.message };
      return Promise.resolve({ ok: false, error, local: true });
    }
    const pending: PendingCommand = { boardId: this.boardId, command, source, baseRevision, queuedAt: new Date().toISOString() };
    this.core.enqueue(pending);
    this.#persist();
    const answer = new Promise<DispatchResult>((resolve) => this.#waiters.set(command.opId, resolve));
    this.#changed();
    if (this.#joined) this.#send(pending);
    return answer;
  }

  /** Stops for good: retrying would only be refused again. */
  #revoke(reason: RevokeReason): void {
    if (this.#stopped) return;
    // Already out of the board's room: nothing to leave.
    this.#joined = false;
    this.stop();
    this.#opts.onRevoked?.(reason);
  }

  #join(): void {
    if (this.#stopped) return;
    this.#socket.emit('board:join', { boardId: this.boardId, since: this.core.revision, protocol: PROTOCOL_VERSION }, (r: JoinResult) => {
      if (!r.ok) {
        // Access removed while this client was away (no revocation reached it).
        if (r.error.code === 'FORBIDDEN') this.#revoke('board');
        else if (r.error.code === 'OUTDATED') this.#revoke('outdated');
        else console.warn(`could not join board ${this.boardId}: ${r.error.message}`);
        return;
      }
      if (r.protocol !== undefined && r.protocol > PROTOCOL_VERSION) {
        this.#revoke('outdated');
        return;
      }
      this.#joined = true;
      this.#setStatus('live');
      // Catch-up events and snapshots were sent before this ack; now resend what is queued,
      // in order. The server applies each opId at most once.
      for (const p of this.core.pending) this.#send(p);
    });
  }

  #send(p: PendingCommand): void {
    const opId = p.command.opId;
    if (this.#inflight.has(opId)) return;
    this.#inflight.add(opId);
    const message = {
      boardId: p.boardId,
      ...p.command,
      source: p.source,
      ...(p.baseRevision !== undefined ? { baseRevision: p.baseRevision } : {})
    };
    this.#socket.timeout(this.#opts.ackTimeoutMs ?? 15_000).emit('board:command', message, (err: Error | null, r: CommandResult) => {
      if (err) {
        // No answer in time: the connection is probably gone. Keep it queued; it is resent
        // after the reconnect (the server's opId memory stops a double apply).
        this.#inflight.delete(opId);
        return;
      }
      this.#answer(opId, r);
    });
  }

  #answer(opId: OpId, r: CommandResult): void {
    if (r.ok) {
      this.#receive(r.events);
      const p = this.core.settle(opId);
      // An accepted command with no events (already true, e.g. a restore someone else did
      // first) settles here, not in #receive: the pending count changed, so say so.
      if (p) {
        this.#persist();
        this.#changed();
      }
      this.#resolve(opId, r);
    } else if (r.error.code === 'RATE_LIMITED' || r.error.code === 'INTERNAL' || r.error.code === 'NOT_JOINED') {
      // Transient: leave it queued and try again shortly.
      this.#inflight.delete(opId);
      setTimeout(() => {
        const p = this.core.pending.find((x) => x.command.opId === opId);
        if (p && this.#joined) this.#send(p);
      }, 1_000);
    } else {
      const p = this.core.settle(opId);
      this.#persist();
      this.#changed();
      if (p) this.#opts.onRejected?.(p, r.error);
      this.#resolve(opId, { ok: false, error: r.error, local: false });
    }
  }

  #resolve(opId: string, r: DispatchResult) {
    const w = this.#waiters.get(opId);
    this.#waiters.delete(opId);
    w?.(r);
  }

  #receive(events: BoardEvent[]): void {
    if (events.length === 0) return;
    const own = new Set(this.core.pending.map((p) => p.command.opId as string));
    const before = this.core.revision;
    const result = this.core.applyEvents(events);
    if (result === 'outdated') {
      // Events this build cannot read: stop before showing a wrong board. The queue stays in
      // the pending store, so the reloaded page sends it.
      this.#revoke('outdated');
      return;
    }
    const fresh = events.filter((e) => e.revision > before && e.revision <= this.core.revision);
    if (fresh.length) {
      for (const e of fresh) {
        if (this.#waiters.has(e.opId)) this.#resolve(e.opId, { ok: true, revision: e.revision, events: [e] });
      }
      this.#persist();
      const touched = remoteTouches(fresh, own);
      if (touched.length) this.#opts.onRemote?.(touched, fresh);
      this.#changed();
    }
    if (result === 'gap') this.#catchUp();
  }

  /** Missed events: ask for them; if that fails, rejoin without `since` to get a snapshot. */
  #catchUp(): void {
    if (this.#catchingUp || !this.#joined) return;
    this.#catchingUp = true;
    this.#socket
      .timeout(15_000)
      .emit('board:events-since', { boardId: this.boardId, since: this.core.revision }, (err: Error | null, r) => {
        this.#catchingUp = false;
        if (!err && r.ok) {
          this.#receive(r.events);
          return;
        }
        this.#socket.emit('board:join', { boardId: this.boardId }, () => {});
      });
  }

  #persist(): void {
    this.#store.save(this.boardId, this.core.pending);
  }

  #setStatus(s: ConnectionStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.#changed();
  }

  #changed(): void {
    this.#opts.onChange?.();
  }
}

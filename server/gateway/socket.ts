/**
 * Socket.IO gateway: one room per board. Every incoming message is parsed with a zod schema;
 * a bad one gets an error ack and nothing else happens — the connection stays up and no other
 * client notices. Handlers never throw out of this module.
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import type { BoardId } from '../../src/lib/domain';
import {
  formatIssues,
  helloSchema,
  joinSchema,
  MAX_SOCKET_MESSAGE,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  parseCommandMessage,
  rejectionError,
  type ApiError,
  type ClientToServer,
  type ServerToClient
} from '../../src/lib/protocol';
import { z } from 'zod';
import type { Accounts } from '../auth/accounts';
import { actorOf } from '../auth/actor';
import { credentialsOf } from '../auth/cookies';
import { authorizeBoard, commandAction, type BoardAction, type Decision } from '../auth/permissions';
import type { Principal } from '../auth/types';
import type { BoardService } from '../board-service';
import {
  ConnectionLimiter,
  clientKey,
  JOIN_RATE,
  rateLimited,
  READ_RATE,
  socketBuckets,
  tooManyConnections,
  type SocketBuckets
} from './socket-limits';

/** Catch-up by events when the client is at most this far behind; a snapshot otherwise. */
const CATCH_UP_LIMIT = 1_000;
/** Commands per connection: a burst of this many, refilled at RATE per second. */
const BURST = 200;
const RATE = 100;

interface SocketData {
  principal: Principal;
  actor: { id: string; name: string };
  boards: Set<string>;
  tokens: number;
  refilledAt: number;
  limits: SocketBuckets;
}

type KSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, SocketData>;
export type KServer = Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>;

const room = (boardId: string) => `board:${boardId}`;
const err = (code: string, message: string): { ok: false; error: ApiError } => ({ ok: false, error: { code, message } });

const commandMessage = z.object({ boardId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).passthrough();
const eventsSinceSchema = z.strictObject({
  boardId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  since: z.number().int().min(0),
  limit: z.number().int().min(1).max(5_000).optional()
});

export interface SocketOptions {
  /** Origins allowed besides the request's own host (e.g. PUBLIC_URL's). */
  allowedOrigins?: string[];
  /** Who may do what; without it the install is open (no accounts). */
  accounts?: Accounts;
  /** Carries room broadcasts to other servers (scale.ts); in-memory, this server only, if absent. */
  adapter?: Partial<ServerOptions>['adapter'];
  /** Open connections per signed-in client and, on an open install, per address (this server's count); see socket-limits.ts. */
  maxConnections?: { perClient?: number; perAddress?: number };
}

export function attachSocket(server: HttpServer | HttpsServer, service: BoardService, options: SocketOptions = {}): KServer {
  const io: KServer = new Server(server, {
    maxHttpBufferSize: MAX_SOCKET_MESSAGE,
    serveClient: false,
    ...(options.adapter ? { adapter: options.adapter } : {}),
    // Browsers send Origin on WebSocket upgrades too; a page from another site must not drive
    // a board with the user's connection.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      if (!origin) return callback(null, true); // scripts and server-side clients
      const allowed = sameHost(origin, req.headers.host) || (options.allowedOrigins ?? []).some((o) => sameOrigin(o, origin));
      callback(allowed ? null : 'origin not allowed', allowed);
    }
  });

  service.onEvents((boardId, events) => {
    io.to(room(boardId)).emit('board:events', { boardId, events });
  });

  const accounts = options.accounts;
  const allowed = (socket: KSocket, boardId: string, action: BoardAction): Decision =>
    accounts ? authorizeBoard(socket.data.principal, boardId, action, (u, b) => accounts.roleOf(u, b)) : { ok: true };
  const denied = (d: Exclude<Decision, { ok: true }>) => err(d.code, d.message);

  const connections = new ConnectionLimiter(options.maxConnections?.perClient, options.maxConnections?.perAddress);

  // Credentials come with the handshake: the session cookie (browsers) or `auth.token` (scripts).
  // A client already holding its share of connections is refused here, before it costs more.
  io.use((socket, next) => {
    const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : null;
    const { cookie } = credentialsOf(socket.request);
    const resolve = (): Principal => (accounts ? accounts.principal({ cookie, bearer: token }) : { kind: 'open' });
    const accept = (principal: Principal) => {
      if (principal.kind === 'anonymous') return next(new Error('UNAUTHENTICATED'));
      const key = clientKey(principal, socket.handshake.address);
      const release = connections.acquire(key, socket.id);
      if (!release) return next(tooManyConnections(connections.maxFor(key)));
      // Whichever comes first: the socket leaves, or its connection closes before it ever joined.
      socket.once('disconnect', release);
      socket.conn.once('close', release);
      (socket as KSocket).data.principal = principal;
      next();
    };
    const first = resolve();
    if (first.kind !== 'anonymous' || !accounts || (!cookie && !token)) return accept(first);
    // Perhaps signed in on another server moments ago.
    accounts.refresh().then(
      () => accept(resolve()),
      () => accept(first)
    );
  });

  io.on('connection', (socket: KSocket) => {
    const hello = helloSchema.safeParse(socket.handshake.auth ?? {});
    const principal = socket.data.principal;
    const name = hello.success && hello.data.name ? hello.data.name : 'Guest';
    const id = hello.success && hello.data.clientId ? hello.data.clientId : socket.id;
    // Signed-in users act under their account; a paired phone under its label; an open install
    // under the name the browser chose.
    const actor = actorOf(principal, { id, name });
    socket.data = { principal, actor, boards: new Set(), tokens: BURST, refilledAt: Date.now(), limits: socketBuckets() };

    socket.on('board:join', (msg, ack) =>
      guard(ack, async (reply) => {
        if (!socket.data.limits.joins.take()) return reply(rateLimited('board joins and leaves', JOIN_RATE));
        const parsed = joinSchema.safeParse(msg);
        if (!parsed.success) return reply(err('INVALID', formatIssues(parsed.error)));
        // A page that says it is older than what this server still sends to must reload first.
        const protocol = parsed.data.protocol;
        if (protocol !== undefined && protocol < MIN_PROTOCOL_VERSION) {
          return reply({
            ok: false,
            error: {
              code: 'OUTDATED',
              message: 'Kanbridge was updated: reload this page to carry on',
              details: { protocol: PROTOCOL_VERSION }
            }
          });
        }
        const boardId = parsed.data.boardId as BoardId;
        const access = allowed(socket, boardId, 'read');
        if (!access.ok) return reply(denied(access));
        const board = await service.getBoard(boardId);
        if (!board) return reply(err('NOT_FOUND', 'No such board'));
        await socket.join(room(boardId));
        socket.data.boards.add(boardId);
        const since = parsed.data.since;
        if (since !== undefined && since <= board.revision && board.revision - since <= CATCH_UP_LIMIT) {
          const events = await service.eventsSince(boardId, since);
          if (events && events.length) socket.emit('board:events', { boardId, events });
        } else {
          socket.emit('board:snapshot', { boardId, board: (await service.getBoard(boardId))! });
        }
        const viewers = await broadcastPresence(io, boardId);
        reply({ ok: true, revision: (await service.getBoard(boardId))!.revision, viewers, protocol: PROTOCOL_VERSION });
      })
    );

    socket.on('board:leave', (msg, ack) =>
      guard(ack, async (reply) => {
        if (!socket.data.limits.joins.take()) return reply(rateLimited('board joins and leaves', JOIN_RATE));
        const parsed = joinSchema.safeParse(msg);
        if (!parsed.success) return reply({ ok: false });
        await socket.leave(room(parsed.data.boardId));
        socket.data.boards.delete(parsed.data.boardId);
        await broadcastPresence(io, parsed.data.boardId);
        reply({ ok: true });
      })
    );

    socket.on('board:command', (msg, ack) =>
      guard(ack, async (reply) => {
        if (!takeToken(socket.data)) return reply(err('RATE_LIMITED', 'Too many commands; slow down'));
        const head = commandMessage.safeParse(msg);
        if (!head.success) return reply(err('INVALID', formatIssues(head.error)));
        const { boardId, ...rest } = head.data;
        if (!socket.data.boards.has(boardId)) return reply(err('NOT_JOINED', 'Join the board before sending commands to it'));
        const parsed = parseCommandMessage(rest);
        if (!parsed.success) return reply(err('INVALID', parsed.error));
        const access = allowed(socket, boardId, commandAction(parsed.command));
        if (!access.ok) return reply(denied(access));
        const outcome = await service.execute(boardId as BoardId, parsed.command, {
          actor: socket.data.actor,
          source: parsed.source ?? 'ui',
          baseRevision: parsed.baseRevision
        });
        reply(outcome.ok ? outcome : { ok: false, error: rejectionError(outcome.rejection) });
      })
    );

    socket.on('board:events-since', (msg, ack) =>
      guard(ack, async (reply) => {
        if (!socket.data.limits.reads.take()) return reply(rateLimited('catch-up requests', READ_RATE));
        const parsed = eventsSinceSchema.safeParse(msg);
        if (!parsed.success) return reply(err('INVALID', formatIssues(parsed.error)));
        if (!socket.data.boards.has(parsed.data.boardId)) return reply(err('NOT_JOINED', 'Join the board first'));
        const access = allowed(socket, parsed.data.boardId, 'read');
        if (!access.ok) return reply(denied(access));
        const events = await service.eventsSince(parsed.data.boardId as BoardId, parsed.data.since, parsed.data.limit);
        reply(events ? { ok: true, events } : err('NOT_FOUND', 'No such board'));
      })
    );

    socket.on('disconnect', () => {
      for (const boardId of socket.data.boards) void broadcastPresence(io, boardId);
    });
  });

  // Access taken away takes effect at once on open connections, not at their next reconnect.
  accounts?.onRevoke((r) => {
    for (const socket of io.of('/').sockets.values() as Iterable<KSocket>) {
      const p = socket.data.principal;
      if (r.kind === 'member' && p?.kind === 'user' && p.user.id === r.userId && !allowed(socket, r.boardId, 'read').ok) {
        void socket.leave(room(r.boardId));
        socket.data.boards.delete(r.boardId);
        socket.emit('board:revoked', { boardId: r.boardId });
        void broadcastPresence(io, r.boardId);
      } else if (
        (r.kind === 'scanner' && p?.kind === 'scanner' && p.scanner.id === r.scannerId) ||
        (r.kind === 'token' && p?.kind === 'user' && p.token?.id === r.tokenId) ||
        (r.kind === 'user-sessions' && p?.kind === 'user' && p.user.id === r.userId && p.sessionHash !== null) ||
        // Signed out: that session's sockets end too.
        (r.kind === 'session' && p?.kind === 'user' && p.sessionHash === r.sessionHash)
      ) {
        socket.disconnect(true);
      }
    }
  });

  return io;
}

/** Runs a handler with a reply function; a missing ack or a thrown error never escapes. */
function guard<R>(ack: unknown, fn: (reply: (r: R) => void) => Promise<void>): void {
  const reply = typeof ack === 'function' ? (ack as (r: R) => void) : () => {};
  fn(reply).catch((e: unknown) => {
    console.error('socket handler failed:', e);
    reply(err('INTERNAL', 'The server could not complete this request') as R);
  });
}

function takeToken(d: SocketData): boolean {
  const now = Date.now();
  d.tokens = Math.min(BURST, d.tokens + ((now - d.refilledAt) / 1000) * RATE);
  d.refilledAt = now;
  if (d.tokens < 1) return false;
  d.tokens -= 1;
  return true;
}

async function broadcastPresence(io: KServer, boardId: string): Promise<number> {
  const sockets = await io.in(room(boardId)).fetchSockets();
  const viewers = new Map<string, { id: string; name: string }>();
  for (const s of sockets) viewers.set(s.data.actor.id, s.data.actor);
  io.to(room(boardId)).emit('board:presence', { boardId, viewers: [...viewers.values()] });
  return viewers.size;
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return !!host && new URL(origin).host === host;
  } catch {
    return false;
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

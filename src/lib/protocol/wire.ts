/**
 * Wire types shared by server and browser: HTTP bodies, Socket.IO event maps and acks.
 * Socket.IO acks always carry `{ ok: true, … }` or `{ ok: false, error }`, never throw.
 */
import type { BoardEvent, BoardState, Rejection } from '../domain';

export interface ApiError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type CommandResult = { ok: true; revision: number; events: BoardEvent[] } | { ok: false; error: ApiError };

export type JoinResult =
  /** `protocol`: the server's PROTOCOL_VERSION (absent from servers older than it). */
  { ok: true; revision: number; viewers: number; protocol?: number } | { ok: false; error: ApiError };

/**
 * The version of what travels over the socket (event and command types and their fields). A
 * page sends it when it joins a board and the server answers with its own: a page from an older
 * build then asks to be reloaded instead of failing on something it cannot read. Raise it when
 * a change adds or alters events or commands; keep MIN_PROTOCOL_VERSION at the oldest version
 * whose pages can still follow this server.
 */
export const PROTOCOL_VERSION = 1;
export const MIN_PROTOCOL_VERSION = 1;

export interface Presence {
  boardId: string;
  viewers: { id: string; name: string }[];
}

export interface ServerToClient {
  'board:events': (msg: { boardId: string; events: BoardEvent[] }) => void;
  'board:snapshot': (msg: { boardId: string; board: BoardState }) => void;
  'board:presence': (msg: Presence) => void;
  'board:deleted': (msg: { boardId: string }) => void;
  /** This connection lost access to the board (removed member, revoked scanner). */
  'board:revoked': (msg: { boardId: string }) => void;
}

export interface ClientToServer {
  'board:join': (msg: unknown, ack: (r: JoinResult) => void) => void;
  'board:leave': (msg: unknown, ack?: (r: { ok: boolean }) => void) => void;
  'board:command': (msg: unknown, ack: (r: CommandResult) => void) => void;
  'board:events-since': (msg: unknown, ack: (r: { ok: true; events: BoardEvent[] } | { ok: false; error: ApiError }) => void) => void;
}

export function rejectionError(r: Rejection): ApiError {
  return r.details ? { code: r.code, message: r.message, details: r.details } : { code: r.code, message: r.message };
}

/** Largest Socket.IO message the server accepts (bytes); larger ones close that connection. */
export const MAX_SOCKET_MESSAGE = 64 * 1024;
/** Largest JSON body the HTTP API accepts. */
export const MAX_JSON_BODY = 256 * 1024;

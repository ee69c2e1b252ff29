/** Core API routes: health, boards, cards, commands, events and code look-up. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Actor, BoardId, Code, Source } from '../../../src/lib/domain';
import { isId, newOpId, normaliseCode, stripControl } from '../../../src/lib/domain';
import {
  boardJson,
  createBoardSchema,
  createCardBodySchema,
  formatIssues,
  MAX_JSON_BODY,
  PAGE_HEADERS,
  PAGE_SOURCES,
  parseCommandMessage,
  rejectionError,
  sinceQuerySchema
} from '../../../src/lib/protocol';
import { authorizeNewBoard, boardVisible, commandAction } from '../../auth/permissions';
import { actorOf } from '../../auth/actor';
import { takeBoardQuota } from '../../auth/board-quota';
import type { Principal } from '../../auth/types';
import type { CommandContext, Outcome } from '../../board-service';
import type { ApiContext, Request, Route } from '../http';
import { HttpError, readJson, rejectionStatus, sendJson } from '../http-util';

const API_ACTOR = { id: 'api', name: 'API' };

/** Commands from the API act under the caller's account (or as "API" on an open install). */
/**
 * Who a request acts as, and how. A signed-in user or paired phone by their account; on an
 * install without accounts, a page by the guest identity it sends (the same as on its socket),
 * a script as "API". A page says how the change was made (form, print, wall…); anything else,
 * and every request with an API token, is source `api`.
 */
export function apiContext(principal?: Principal, req?: IncomingMessage): CommandContext {
  const header = (name: string) => {
    const v = req?.headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const viaToken = principal?.kind === 'user' && !!principal.token;
  const claimed = header(PAGE_HEADERS.source);
  const source: Source = !viaToken && claimed && (PAGE_SOURCES as readonly string[]).includes(claimed) ? (claimed as Source) : 'api';
  let guest: Actor = API_ACTOR;
  const clientId = header(PAGE_HEADERS.clientId);
  const name = decodeName(header(PAGE_HEADERS.name));
  if (source !== 'api' && clientId && isId(clientId) && name) guest = { id: clientId, name };
  return { actor: actorOf(principal, guest), source };
}

function decodeName(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const name = stripControl(decodeURIComponent(raw)).replace(/\s+/g, ' ').trim().slice(0, 60);
    return name || null;
  } catch {
    return null;
  }
}

function checkBoard(r: Request, boardId: string): boolean {
  try {
    r.authorize(boardId, 'read');
    return true;
  } catch {
    return false;
  }
}

export function boardIdParam(r: Request): BoardId {
  return r.params.boardId as BoardId;
}

export async function requireBoard(api: ApiContext, boardId: BoardId) {
  const board = await api.service.getBoard(boardId);
  if (!board) throw new HttpError(404, 'NOT_FOUND', 'No such board', { boardId });
  return board;
}

/** Throws 403 unless `principal` may make a board (a read-only or board-scoped token may not). */
export function requireNewBoard(principal: Principal): void {
  const d = authorizeNewBoard(principal);
  if (!d.ok) throw new HttpError(d.status, d.code, d.message);
}

/**
 * Counts one board about to be made against the caller's quota (per hour, and boards owned);
 * throws 429 when over it. Answers a function that gives the count back if no board was made.
 */
export function requireBoardQuota(r: Pick<Request, 'req' | 'res' | 'principal'>, api: ApiContext): () => void {
  const { principal } = r;
  const taken =
    principal.kind === 'user'
      ? takeBoardQuota(
          `user:${principal.user.id}`,
          [...api.accounts.boardsOf(principal.user.id)].filter((b) => api.accounts.roleOf(principal.user.id, b) === 'owner').length
        )
      : takeBoardQuota(`address:${r.req.socket.remoteAddress ?? 'unknown'}`, null);
  if (taken.ok) return taken.release;
  if (taken.refusal.retryAfter) r.res.setHeader('retry-after', String(taken.refusal.retryAfter));
  throw new HttpError(429, taken.refusal.code, taken.refusal.message);
}

function sendOutcome(res: ServerResponse, outcome: Outcome, created = false) {
  if (outcome.ok) sendJson(res, created ? 201 : 200, { revision: outcome.revision, events: outcome.events });
  else sendJson(res, rejectionStatus(outcome.rejection.code), { error: rejectionError(outcome.rejection) });
}

export const boardRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/health',
    access: 'public',
    handler: async ({ res }, api) => sendJson(res, 200, { ok: true, storage: api.service.storage.kind, version: api.version })
  },
  {
    method: 'GET',
    pattern: '/api/boards',
    access: 'user',
    handler: async ({ res, principal }, api) => {
      const boards = await api.service.listBoards();
      // Everyone sees only the boards they may read (an admin and an open install see all; a
      // token limited to some boards only those).
      const visible = boards.filter((b) => boardVisible(principal, b.id, (u, id) => api.accounts.roleOf(u, id)));
      sendJson(res, 200, { boards: visible });
    }
  },
  {
    method: 'POST',
    pattern: '/api/boards',
    access: 'user',
    handler: async (r, api) => {
      const { req, res, principal } = r;
      requireNewBoard(principal);
      const body = createBoardSchema.safeParse(await readJson(req, MAX_JSON_BODY));
      if (!body.success) throw new HttpError(400, 'INVALID', formatIssues(body.error));
      const release = requireBoardQuota(r, api);
      const result = await api.service.createBoard(body.data, apiContext(principal, req)).catch((err: unknown) => {
        release();
        throw err;
      });
      if (!result.ok) {
        release();
        return sendJson(res, rejectionStatus(result.rejection.code), { error: rejectionError(result.rejection) });
      }
      sendJson(res, 201, boardJson(result.board), { location: `/api/boards/${result.board.id}` });
    }
  },
  {
    method: 'GET',
    pattern: '/api/boards/:boardId',
    handler: async (r, api) => sendJson(r.res, 200, boardJson(await requireBoard(api, boardIdParam(r))))
  },
  {
    method: 'POST',
    pattern: '/api/boards/:boardId/cards',
    handler: async (r, api) => {
      const boardId = boardIdParam(r);
      await requireBoard(api, boardId);
      const body = createCardBodySchema.safeParse(await readJson(r.req, MAX_JSON_BODY));
      if (!body.success) throw new HttpError(400, 'INVALID', formatIssues(body.error));
      const { opId, ...fields } = body.data;
      const outcome = await api.service.execute(
        boardId,
        { type: 'createCard', opId: opId ?? newOpId(), ...fields },
        apiContext(r.principal, r.req)
      );
      if (!outcome.ok) return sendOutcome(r.res, outcome);
      const created = outcome.events.find((e) => e.type === 'cardCreated');
      const board = await requireBoard(api, boardId);
      const card = created && created.type === 'cardCreated' ? board.cards[created.card.id] : undefined;
      sendJson(r.res, 201, { revision: outcome.revision, events: outcome.events, card });
    }
  },
  {
    method: 'POST',
    pattern: '/api/boards/:boardId/commands',
    // The action depends on the command (a scanner may move, not edit): checked below.
    access: { board: 'read' },
    handler: async (r, api) => {
      const boardId = boardIdParam(r);
      await requireBoard(api, boardId);
      const parsed = parseCommandMessage(await readJson(r.req, MAX_JSON_BODY));
      if (!parsed.success) throw new HttpError(400, 'INVALID', parsed.error);
      r.authorize(boardId, commandAction(parsed.command));
      const ctx = apiContext(r.principal, r.req);
      const outcome = await api.service.execute(boardId, parsed.command, {
        ...ctx,
        source: parsed.source ?? ctx.source,
        baseRevision: parsed.baseRevision
      });
      sendOutcome(r.res, outcome);
    }
  },
  {
    method: 'GET',
    pattern: '/api/boards/:boardId/events',
    handler: async (r, api) => {
      const boardId = boardIdParam(r);
      const since = sinceQuerySchema.safeParse(r.url.searchParams.get('since') ?? '0');
      if (!since.success) throw new HttpError(400, 'INVALID', 'since must be a revision number (0 or more)');
      const limitRaw = r.url.searchParams.get('limit');
      const limit = limitRaw === null ? 5_000 : Number(limitRaw);
      if (!Number.isInteger(limit) || limit < 1 || limit > 5_000) throw new HttpError(400, 'INVALID', 'limit must be from 1 to 5000');
      const events = await api.service.eventsSince(boardId, since.data, limit);
      if (!events) throw new HttpError(404, 'NOT_FOUND', 'No such board', { boardId });
      const board = await requireBoard(api, boardId);
      sendJson(r.res, 200, { revision: board.revision, events });
    }
  },
  {
    method: 'GET',
    pattern: '/api/codes/:code',
    access: 'any',
    handler: async (r, api) => {
      const code = normaliseCode(r.params.code);
      if (!code) throw new HttpError(400, 'INVALID', 'A code is 6 to 8 characters of 0-9 and A-Z without I, L, O, U');
      const found = await api.service.findCode(code as Code);
      // A code on a board the caller cannot read answers like an unknown one.
      const owner = found && checkBoard(r, found.boardId) ? found : null;
      if (!owner) throw new HttpError(404, 'NOT_FOUND', `No card, column or board has the code ${code}`);
      sendJson(r.res, 200, { code, ...owner });
    }
  }
];

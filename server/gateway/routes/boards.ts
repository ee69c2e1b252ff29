/** Core API routes: health, boards, cards, commands, events and code look-up. */
import type { ServerResponse } from 'node:http';
import type { BoardId, Code } from '../../../src/lib/domain';
import { newOpId, normaliseCode } from '../../../src/lib/domain';
import {
  boardJson,
  createBoardSchema,
  createCardBodySchema,
  formatIssues,
  MAX_JSON_BODY,
  parseCommandMessage,
  rejectionError,
  sinceQuerySchema
} from '../../../src/lib/protocol';
import type { CommandContext, Outcome } from '../../board-service';
import type { ApiContext, Request, Route } from '../http';
import { HttpError, readJson, rejectionStatus, sendJson } from '../http-util';

const API_ACTOR = { id: 'api', name: 'API' };

export function apiContext(): CommandContext {
  return { actor: API_ACTOR, source: 'api' };
}

export function boardIdParam(r: Request): BoardId {
  return r.params.boardId as BoardId;
}

export async function requireBoard(api: ApiContext, boardId: BoardId) {
  const board = await api.service.getBoard(boardId);
  if (!board) throw new HttpError(404, 'NOT_FOUND', 'No such board', { boardId });
  return board;
}

function sendOutcome(res: ServerResponse, outcome: Outcome, created = false) {
  if (outcome.ok) sendJson(res, created ? 201 : 200, { revision: outcome.revision, events: outcome.events });
  else sendJson(res, rejectionStatus(outcome.rejection.code), { error: rejectionError(outcome.rejection) });
}

export const boardRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/health',
    handler: async ({ res }, api) => sendJson(res, 200, { ok: true, storage: api.service.storage.kind, version: api.version })
  },
  {
    method: 'GET',
    pattern: '/api/boards',
    handler: async ({ res }, api) => sendJson(res, 200, { boards: await api.service.listBoards() })
  },
  {
    method: 'POST',
    pattern: '/api/boards',
    handler: async ({ req, res }, api) => {
      const body = createBoardSchema.safeParse(await readJson(req, MAX_JSON_BODY));
      if (!body.success) throw new HttpError(400, 'INVALID', formatIssues(body.error));
      const result = await api.service.createBoard(body.data, apiContext());
      if (!result.ok) return sendJson(res, rejectionStatus(result.rejection.code), { error: rejectionError(result.rejection) });
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
      const outcome = await api.service.execute(boardId, { type: 'createCard', opId: opId ?? newOpId(), ...fields }, apiContext());
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
    handler: async (r, api) => {
      const boardId = boardIdParam(r);
      await requireBoard(api, boardId);
      const parsed = parseCommandMessage(await readJson(r.req, MAX_JSON_BODY));
      if (!parsed.success) throw new HttpError(400, 'INVALID', parsed.error);
      const outcome = await api.service.execute(boardId, parsed.command, {
        ...apiContext(), source: parsed.source ?? 'api', baseRevision: parsed.baseRevision
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
    handler: async (r, api) => {
      const code = normaliseCode(r.params.code);
      if (!code) throw new HttpError(400, 'INVALID', 'A code is 6 to 8 characters of 0-9 and A-Z without I, L, O, U');
      const owner = await api.service.findCode(code as Code);
      if (!owner) throw new HttpError(404, 'NOT_FOUND', `No card, column or board has the code ${code}`);
      sendJson(r.res, 200, { code, ...owner });
    }
  }
];


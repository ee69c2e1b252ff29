/**
 * Insight API: flow metrics, the portfolio, card history, export and import. Every figure is
 * computed from the boards' event logs (`eventsSince(boardId, 0)`), never from snapshots.
 */
import { activity } from '../../../src/lib/insight/activity';
import { toCsv, type Table } from '../../../src/lib/insight/csv';
import { forecast, parseForecastQuery } from '../../../src/lib/insight/forecast';
import { parsePeriod, type Period } from '../../../src/lib/insight/period';
import { boardJson } from '../../../src/lib/protocol';
import { cardsTable, eventsTable, fileStem } from '../../import/export';
import { importBoard, IMPORT_FORMATS, MAX_IMPORT_BYTES, MAX_IMPORT_CARDS, type ImportFormat } from '../../import/import';
import { ImportBusy, ImportError, ImportTooLarge, MAX_LISTED } from '../../import/issues';
import { exportFile } from '../../import/kanbridge-file';
import type { Request, Route } from '../http';
import { HttpError, readBody, sendJson, sendJsonSliced } from '../http-util';
import { firstDayOf, log, metricsFor, portfolioFor } from '../../insight-service';
import { apiContext, boardIdParam, requireBoard, requireBoardQuota, requireNewBoard } from './boards';

function canRead(r: Request, boardId: string): boolean {
  try {
    r.authorize(boardId, 'read');
    return true;
  } catch {
    return false;
  }
}

/** The asked period; without `from`, twelve weeks or from the board's first day if it is younger (`firstDay`). */
function period(r: Request, now: number, firstDay?: string | null): Period {
  const p = parsePeriod(r.url.searchParams.get('from'), r.url.searchParams.get('to'), now, firstDay);
  if (!p.ok) throw new HttpError(400, 'INVALID', p.message);
  return p.period;
}

function sendFile(r: Request, type: string, name: string, body: string) {
  r.res.writeHead(200, { 'content-type': type, 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' });
  r.res.end(body);
}

/** Excel reads a CSV as UTF-8 only when it starts with a byte-order mark. */
const sendCsv = (r: Request, name: string, table: Table) => sendFile(r, 'text/csv; charset=utf-8', name, `\uFEFF${toCsv(table)}`);

function oneOf<T extends string>(value: string | null, allowed: readonly T[], what: string): T {
  if (value !== null && (allowed as readonly string[]).includes(value)) return value as T;
  throw new HttpError(400, 'INVALID', `${what} must be ${allowed.join(' or ')}`);
}

const bytes = (n: number) => `${n.toLocaleString('en')} bytes`;

/** The uploaded file, refused with 413 and the limit in words when it is larger than an import may be. */
async function readImport(r: Request): Promise<Buffer> {
  try {
    return await readBody(r.req, MAX_IMPORT_BYTES);
  } catch (err) {
    if (!(err instanceof HttpError) || err.code !== 'TOO_LARGE') throw err;
    const declared = Number(r.req.headers['content-length']);
    const size =
      Number.isFinite(declared) && declared > MAX_IMPORT_BYTES ? `is ${bytes(declared)}` : `is larger than ${bytes(MAX_IMPORT_BYTES)}`;
    const limit = `${bytes(MAX_IMPORT_BYTES)} (${MAX_IMPORT_BYTES / 1024 / 1024} MB, a board of up to ${MAX_IMPORT_CARDS.toLocaleString('en')} cards)`;
    throw new HttpError(413, 'TOO_LARGE', `The file ${size}; at most ${limit} can be imported`, { maxBytes: MAX_IMPORT_BYTES });
  }
}

export const insightRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/boards/:boardId/metrics',
    access: { board: 'read' },
    handler: async (r, api) => {
      const board = await requireBoard(api, boardIdParam(r));
      const now = Date.now();
      const metrics = await metricsFor(api.service, board, period(r, now, firstDayOf(board)), now);
      sendJson(r.res, 200, { board: { id: board.id, name: board.name, revision: board.revision }, ...metrics });
    }
  },
  {
    // Monte Carlo forecasts: ?items=N (when) or ?by=YYYY-MM-DD (how many), over ?history=DAYS (default 84).
    method: 'GET',
    pattern: '/api/boards/:boardId/forecast',
    access: { board: 'read' },
    handler: async (r, api) => {
      const board = await requireBoard(api, boardIdParam(r));
      const now = Date.now();
      const q = parseForecastQuery(r.url.searchParams, new Date(now).toISOString().slice(0, 10));
      if (!q.ok) throw new HttpError(400, 'INVALID', q.message);
      const result = forecast(await log(api.service, board.id), q.value, now);
      if (!result.ok) {
        throw new HttpError(422, 'NOT_ENOUGH_HISTORY', result.message, {
          needed: result.needed,
          found: result.found,
          history: result.history
        });
      }
      // Exactly the documented shape; the page also draws the histograms (`forecastsFor`).
      const f = result.forecast;
      const history = { from: f.history.from, to: f.history.to };
      sendJson(r.res, 200, 'when' in f ? { runs: f.runs, history, when: f.when } : { runs: f.runs, history, howMany: f.howMany });
    }
  },
  {
    method: 'GET',
    pattern: '/api/portfolio',
    access: 'user',
    handler: async (r, api) => {
      const now = Date.now();
      const p = period(r, now);
      sendJson(r.res, 200, { period: p, boards: await portfolioFor(api.service, p, now, (id) => canRead(r, id)) });
    }
  },
  {
    method: 'GET',
    pattern: '/api/boards/:boardId/cards/:cardId/history',
    access: { board: 'read' },
    handler: async (r, api) => {
      const board = await requireBoard(api, boardIdParam(r));
      const cardId = r.params.cardId;
      if (!board.cards[cardId]) throw new HttpError(404, 'NOT_FOUND', 'No such card on this board', { cardId });
      const rows = activity(await log(api.service, board.id)).filter((row) => row.cardIds.includes(cardId));
      sendJson(r.res, 200, { cardId, events: rows });
    }
  },
  {
    method: 'GET',
    pattern: '/api/boards/:boardId/export',
    access: { board: 'read' },
    handler: async (r, api) => {
      const board = await requireBoard(api, boardIdParam(r));
      const format = oneOf(r.url.searchParams.get('format') ?? 'json', ['json', 'csv'], 'format');
      const events = await log(api.service, board.id);
      const now = new Date();
      const stem = fileStem(board, now);
      if (format === 'json') {
        return sendFile(r, 'application/json; charset=utf-8', `${stem}.json`, JSON.stringify(exportFile(board, events, now)));
      }
      const what = oneOf(r.url.searchParams.get('what') ?? 'cards', ['cards', 'events'], 'what');
      if (what === 'cards') sendCsv(r, `${stem}-cards.csv`, cardsTable(board, events, now.getTime()));
      else sendCsv(r, `${stem}-events.csv`, eventsTable(events));
    }
  },
  {
    method: 'POST',
    pattern: '/api/import',
    // Any signed-in user may make a board, so any may import one.
    access: 'user',
    handler: async (r, api) => {
      const { principal } = r;
      requireNewBoard(principal);
      const format = oneOf<ImportFormat>(r.url.searchParams.get('format'), IMPORT_FORMATS, 'format');
      const body = await readImport(r);
      const release = requireBoardQuota(r, api);
      try {
        const { board, warnings } = await importBoard(api.service, format, body, apiContext(principal, r.req).actor, new Date());
        // Whoever imports a board owns it, like one they made (a Kanbridge log names its first maker, who may not be here).
        if (principal.kind === 'user') await api.accounts.setMember(board.id, principal.user.id, 'owner');
        await sendJsonSliced(r.res, 201, { ...boardJson(board), warnings }, 'cards', { location: `/api/boards/${board.id}` });
      } catch (err) {
        release();
        if (err instanceof ImportTooLarge) throw new HttpError(413, 'TOO_LARGE', err.message);
        if (err instanceof ImportBusy) throw new HttpError(503, 'BUSY', err.message);
        if (!(err instanceof ImportError)) throw err;
        throw new HttpError(400, 'INVALID_FILE', err.message, { issues: err.issues.slice(0, MAX_LISTED) });
      }
    }
  }
];

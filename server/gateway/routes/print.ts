/**
 * Printable card sets and signs as PDF, and the record of what was printed (a stable contract;
 * scripts and the print page use it):
 *
 *   GET  /api/boards/:boardId/print.pdf?layout=<layout>&select=<selection>[&preview=1]
 *   POST /api/boards/:boardId/printed   { "layout", "select", "revision" }
 *
 * - layout: a4-8, letter-6, index-3x5, a6, sticky-76, column-signs or board-sign (required).
 * - select: all (default), column:<columnId>, cards:<id>,<id>…, new or reprint; signs take
 *   all or column:<columnId> (column signs) and all (the board sign).
 * - preview=1: the PDF is shown inline; without it, it is an attachment. Either way the GET
 *   only reads (read access is enough) and changes nothing, so a link or an image elsewhere
 *   cannot mark cards as printed. The response's `X-Board-Revision` header is the revision of
 *   the board the PDF shows.
 *
 * The POST records cards as printed (a `cardsPrinted` event with source `print`, by the
 * caller), which takes them out of the "new" and reprint queues. It takes the layout and
 * selection of the GET and that GET's `X-Board-Revision`: the selection is read on the board
 * as it is now, and a card whose printed fields changed after `revision` is left out (its
 * paper is out of date, so it stays new or in the reprint queue). It needs edit access, and,
 * unless it carries an API token, an Origin (or Referer) of this site — the same check as
 * every write, and a request without either is refused too. It answers
 * `{ recorded: [cardId…], revision }`. Signs are not recorded: a board has no printed state
 * for them (400 INVALID).
 *
 * Errors are JSON, never a half PDF: an unknown layout, a malformed selection or an id not on
 * the board is 400 (UNKNOWN_LAYOUT, INVALID_SELECTION, NOT_FOUND), a selection that holds
 * nothing is 422 NOTHING_TO_PRINT, and a Host header that cannot be printed into QR codes
 * is 400 INVALID_HOST (see server/print/origin.ts for where the QR origin comes from). The
 * POST answers a malformed body or a revision the board has not reached with 400 INVALID, and
 * a cross-site or Origin-less browser request with 403 CROSS_SITE.
 *
 * The PDF is streamed as it is rendered, from a snapshot of the board taken when the request
 * arrives; a client that leaves early stops the render.
 */
import { TLSSocket } from 'node:tls';
import { z } from 'zod';
import { cloneBoard, newOpId, type Actor, type BoardId, type BoardState, type CardId } from '../../../src/lib/domain';
import { LAYOUTS, LAYOUT_IDS, type LayoutId } from '../../../src/lib/print/layouts';
import { formatIssues, MAX_JSON_BODY } from '../../../src/lib/protocol';
import { credentialsOf } from '../../auth/cookies';
import { NothingToPrintError, PrintRequestError, planPrint, type PrintPlan } from '../../../src/lib/print/select';
import type { BoardService } from '../../board-service';
import { InvalidHostError, printOrigin } from '../../print/origin';
import { renderPdf } from '../../print/render';
import { sameSite, type ApiContext, type Request, type Route } from '../http';
import { HttpError, readJson, sendJson } from '../http-util';
import { apiContext, boardIdParam, requireBoard } from './boards';

/** Attempts at recording a print while other commands keep changing the same cards. */
const MARK_ATTEMPTS = 3;

export const printRoutes: Route[] = [
  { method: 'GET', pattern: '/api/boards/:boardId/print.pdf', access: { board: 'read' }, handler: printPdf },
  { method: 'POST', pattern: '/api/boards/:boardId/printed', access: { board: 'edit' }, handler: recordPrint }
];

const recordSchema = z.strictObject({
  layout: z.string().max(40),
  select: z.string().max(MAX_JSON_BODY).optional(),
  /** The `X-Board-Revision` of the PDF that was printed. */
  revision: z.number().int().nonnegative()
});

async function printPdf(r: Request, api: ApiContext): Promise<void> {
  const boardId = boardIdParam(r);
  // A copy: the service's state changes in place while a long job renders, and the PDF must
  // show one revision (the one in X-Board-Revision).
  const board = cloneBoard(await requireBoard(api, boardId));
  const query = r.url.searchParams;
  const preview = previewFlag(query.get('preview'));
  const plan = planOrFail(board, query.get('layout'), query.get('select') ?? 'all');
  const publicUrl = originOrFail(r, api);

  r.res.writeHead(200, {
    'content-type': 'application/pdf',
    'content-disposition': contentDisposition(preview ? 'inline' : 'attachment', board.name, plan.layout),
    'cache-control': 'no-store',
    'x-board-revision': String(board.revision)
  });
  await renderPdf({ board, cards: plan.cards, columns: plan.columns, layout: plan.layout, publicUrl, printedAt: new Date() }, r.res);
}

async function recordPrint(r: Request, api: ApiContext): Promise<void> {
  // A write with the visitor's session must show that this site's page sent it: browsers send
  // Origin with every POST, so one without it (or Referer) is not this site's page.
  const hasOrigin = r.req.headers.origin !== undefined || r.req.headers.referer !== undefined;
  if (!credentialsOf(r.req).bearer && !(hasOrigin && sameSite(r.req, api.publicUrl))) {
    throw new HttpError(403, 'CROSS_SITE', 'Recording a print needs the Origin of this site (browsers send it) or an API token');
  }
  const boardId = boardIdParam(r);
  const board = await requireBoard(api, boardId);
  const body = recordSchema.safeParse(await readJson(r.req, MAX_JSON_BODY));
  if (!body.success) throw new HttpError(400, 'INVALID', formatIssues(body.error));
  const { layout, select = 'all', revision } = body.data;
  if (revision > board.revision) {
    throw new HttpError(
      400,
      'INVALID',
      `revision ${revision} is newer than the board (${board.revision}); send the X-Board-Revision of the PDF`
    );
  }
  const plan = planOrFail(board, layout, select);
  if (LAYOUTS[plan.layout].kind !== 'cards') throw new HttpError(400, 'INVALID', 'Signs are not recorded as printed; only cards are');
  const cardIds = plan.cards.map((c) => c.id);
  const recorded = await markPrinted(api.service, boardId, cardIds, plan.layout, revision, apiContext(r.principal, r.req).actor);
  sendJson(r.res, 200, { recorded, revision: (await requireBoard(api, boardId)).revision });
}

/**
 * Records, as `actor`, that `cardIds` were printed as they stood at `revision`, and answers
 * the ids it recorded. A card whose
 * printed fields changed after that (while the PDF rendered) is left out: its paper is already
 * out of date, so it must stay new or in the reprint queue. The check and the record are one
 * command (`baseRevision`), so no change can slip in between; a card touched in a way that
 * does not show on paper (a move) is recorded on the next attempt.
 */
export async function markPrinted(
  service: BoardService,
  boardId: BoardId,
  cardIds: CardId[],
  layout: LayoutId,
  revision: number,
  actor: Actor
): Promise<CardId[]> {
  let ids = cardIds;
  let base = revision;
  for (let attempt = 1; ; attempt++) {
    const command = { type: 'markPrinted' as const, opId: newOpId(), cardIds: ids, layout };
    const outcome = await service.execute(boardId, command, { actor, source: 'print', baseRevision: base });
    if (outcome.ok) return ids;
    if (outcome.rejection.code !== 'STALE' || attempt === MARK_ATTEMPTS) {
      throw new Error(`markPrinted was rejected: ${outcome.rejection.code} ${outcome.rejection.message}`);
    }
    const now = await service.getBoard(boardId);
    if (!now) throw new Error('the board went away while it was printed');
    ids = ids.filter((id) => now.cards[id].printedFieldsRevision <= revision);
    if (ids.length === 0) return ids;
    base = now.revision;
  }
}

function previewFlag(value: string | null): boolean {
  if (value === null || value === '0') return false;
  if (value === '1') return true;
  throw new HttpError(400, 'INVALID', 'preview is 1 (show the PDF in the browser) or 0 (download it)');
}

function planOrFail(board: BoardState, layout: string | null, selection: string): PrintPlan {
  if (layout === null)
    throw new HttpError(400, 'UNKNOWN_LAYOUT', `Choose a layout with ?layout=: ${LAYOUT_IDS.join(', ')}`, { layouts: [...LAYOUT_IDS] });
  try {
    return planPrint(board, layout, selection);
  } catch (err) {
    if (err instanceof PrintRequestError) throw new HttpError(400, err.code, err.message, err.details);
    if (err instanceof NothingToPrintError) throw new HttpError(422, err.code, err.message);
    throw err;
  }
}

function originOrFail(r: Request, api: ApiContext): string {
  try {
    return printOrigin({ publicUrl: api.publicUrl, host: r.req.headers.host, encrypted: r.req.socket instanceof TLSSocket });
  } catch (err) {
    if (err instanceof InvalidHostError) throw new HttpError(400, err.code, err.message);
    throw err;
  }
}

/** Latin letters that do not decompose into a base letter and a mark. */
const LATIN: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', þ: 'th' };

/**
 * `attachment; filename="team-wall-a4-8.pdf"`: the board's name reduced to ASCII letters,
 * digits and hyphens (nothing a file system or a header parser could misread), plus an
 * RFC 6266 `filename*` keeping the name's own letters when it has others ("看板-a4-8.pdf").
 */
export function contentDisposition(kind: 'attachment' | 'inline', boardName: string, layout: LayoutId): string {
  const slug = (text: string, keep: RegExp) => {
    const parts = Array.from(
      text
        .toLowerCase()
        .replace(keep, '-')
        .replace(/^-+|-+$/g, '')
    );
    return parts.slice(0, 60).join('').replace(/-+$/, '') || 'board';
  };
  const ascii = slug(
    boardName
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[ßæœøłđþ]/gi, (ch) => LATIN[ch.toLowerCase()]),
    /[^a-z0-9]+/g
  );
  const local = slug(boardName.normalize('NFC'), /[^\p{L}\p{N}]+/gu);
  const value = `${kind}; filename="${ascii}-${layout}.pdf"`;
  return local === ascii ? value : `${value}; filename*=UTF-8''${encodeURIComponent(`${local}-${layout}.pdf`)}`;
}

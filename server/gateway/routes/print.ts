/**
 * Printable card sets and signs as PDF (a stable contract; scripts and the print page use it):
 *
 *   GET /api/boards/:boardId/print.pdf?layout=<layout>&select=<selection>[&preview=1]
 *
 * - layout: a4-8, letter-6, index-3x5, a6, sticky-76, column-signs or board-sign (required).
 * - select: all (default), column:<columnId>, cards:<id>,<id>…, new or reprint; signs take
 *   all or column:<columnId> (column signs) and all (the board sign).
 * - preview=1: the same PDF shown inline, and nothing is recorded. Without it the PDF is an
 *   attachment, and printing cards records them as printed (a `cardsPrinted` event with
 *   source `print`, by the caller), which takes them out of the "new" and reprint queues;
 *   that needs edit access to the board, a preview only read access. Signs record nothing:
 *   a board has no printed state for them.
 *
 * Errors are JSON, never a half PDF: an unknown layout, a malformed selection or an id not on
 * the board is 400 (UNKNOWN_LAYOUT, INVALID_SELECTION, NOT_FOUND), a selection that holds
 * nothing is 422 NOTHING_TO_PRINT, and a Host header that cannot be printed into QR codes
 * is 400 INVALID_HOST (see server/print/origin.ts for where the QR origin comes from), and a
 * recording download that a browser reports as started from another site is 403 CROSS_SITE.
 *
 * The PDF is streamed as it is rendered, from a snapshot of the board taken when the request
 * arrives. Cards are recorded as printed before the last bytes go out, so a client that has
 * the whole file can count on the queues being up to date; a client that leaves early stops
 * the render and records nothing.
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TLSSocket } from 'node:tls';
import { cloneBoard, newOpId, type Actor, type BoardId, type BoardState, type CardId } from '../../../src/lib/domain';
import { LAYOUT_IDS, type LayoutId } from '../../../src/lib/print/layouts';
import { NothingToPrintError, PrintRequestError, planPrint, type PrintPlan } from '../../../src/lib/print/select';
import type { BoardService } from '../../board-service';
import { InvalidHostError, printOrigin } from '../../print/origin';
import { renderPdf } from '../../print/render';
import type { ApiContext, Request, Route } from '../http';
import { HttpError } from '../http-util';
import { apiContext, boardIdParam, requireBoard } from './boards';

/** Attempts at recording a print while other commands keep changing the same cards. */
const MARK_ATTEMPTS = 3;

export const printRoutes: Route[] = [
  { method: 'GET', pattern: '/api/boards/:boardId/print.pdf', handler: printPdf }
];

async function printPdf(r: Request, api: ApiContext): Promise<void> {
  const boardId = boardIdParam(r);
  // A copy: the service's state changes in place while a long job renders, and the PDF (and
  // what it records as printed) must show one revision.
  const board = cloneBoard(await requireBoard(api, boardId));
  const query = r.url.searchParams;
  const preview = previewFlag(query.get('preview'));
  const plan = planOrFail(board, query.get('layout'), query.get('select') ?? 'all');
  const publicUrl = originOrFail(r, api);
  const records = !preview && plan.cards.length > 0;
  // A GET that records is a write: it needs edit access (a viewer may still preview), and a
  // link on another site must not be able to mark a board's cards printed with a visitor's
  // session. Browsers say where a request came from.
  if (records) r.authorize(boardId, 'edit');
  if (records && r.req.headers['sec-fetch-site'] === 'cross-site') {
    throw new HttpError(403, 'CROSS_SITE', 'A print that records cards as printed must be started from this site; add preview=1 to only view the PDF');
  }

  r.res.writeHead(200, {
    'content-type': 'application/pdf',
    'content-disposition': contentDisposition(preview ? 'inline' : 'attachment', board.name, plan.layout),
    'cache-control': 'no-store'
  });
  // Every byte passes through here; the last ones wait until the print is recorded.
  const out = new Transform({
    transform: (chunk, _encoding, done) => done(null, chunk),
    flush: (done) => {
      if (!records) return done();
      markPrinted(api.service, boardId, plan.cards.map((c) => c.id), plan.layout, board.revision, apiContext(r.principal).actor).then(
        () => done(),
        (err: unknown) => {
          console.error(`print ${boardId}: the PDF was rendered but could not be recorded as printed:`, err);
          done(err instanceof Error ? err : new Error(String(err)));
        }
      );
    }
  });
  await Promise.all([
    renderPdf({ board, cards: plan.cards, columns: plan.columns, layout: plan.layout, publicUrl, printedAt: new Date() }, out),
    pipeline(out, r.res)
  ]);
}

/**
 * Records, as `actor`, that `cardIds` were printed as they stood at `revision`. A card whose
 * printed fields changed after that (while the PDF rendered) is left out: its paper is already
 * out of date, so it must stay new or in the reprint queue. The check and the record are one
 * command (`baseRevision`), so no change can slip in between; a card touched in a way that
 * does not show on paper (a move) is recorded on the next attempt.
 */
export async function markPrinted(
  service: BoardService, boardId: BoardId, cardIds: CardId[], layout: LayoutId, revision: number, actor: Actor
): Promise<void> {
  let ids = cardIds;
  let base = revision;
  for (let attempt = 1; ; attempt++) {
    const command = { type: 'markPrinted' as const, opId: newOpId(), cardIds: ids, layout };
    const outcome = await service.execute(boardId, command, { actor, source: 'print', baseRevision: base });
    if (outcome.ok) return;
    if (outcome.rejection.code !== 'STALE' || attempt === MARK_ATTEMPTS) {
      throw new Error(`markPrinted was rejected: ${outcome.rejection.code} ${outcome.rejection.message}`);
    }
    const now = await service.getBoard(boardId);
    if (!now) throw new Error('the board went away while it was printed');
    ids = ids.filter((id) => now.cards[id].printedFieldsRevision <= revision);
    if (ids.length === 0) return;
    base = now.revision;
  }
}

function previewFlag(value: string | null): boolean {
  if (value === null || value === '0') return false;
  if (value === '1') return true;
  throw new HttpError(400, 'INVALID', 'preview is 1 (show the PDF and record nothing) or 0');
}

function planOrFail(board: BoardState, layout: string | null, selection: string): PrintPlan {
  if (layout === null) throw new HttpError(400, 'UNKNOWN_LAYOUT', `Choose a layout with ?layout=: ${LAYOUT_IDS.join(', ')}`, { layouts: [...LAYOUT_IDS] });
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
    const parts = Array.from(text.toLowerCase().replace(keep, '-').replace(/^-+|-+$/g, ''));
    return parts.slice(0, 60).join('').replace(/-+$/, '') || 'board';
  };
  const ascii = slug(boardName.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[ßæœøłđþ]/gi, (ch) => LATIN[ch.toLowerCase()]), /[^a-z0-9]+/g);
  const local = slug(boardName.normalize('NFC'), /[^\p{L}\p{N}]+/gu);
  const value = `${kind}; filename="${ascii}-${layout}.pdf"`;
  return local === ascii ? value : `${value}; filename*=UTF-8''${encodeURIComponent(`${local}-${layout}.pdf`)}`;
}

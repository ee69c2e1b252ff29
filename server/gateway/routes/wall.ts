/**
 * Wall photo sync (design §3):
 *
 *   POST /api/boards/:boardId/wall-scans               body: the photo (JPEG or PNG bytes)
 *     → 201 the scan (src/lib/wall/types.ts WallScan); nothing on the board changes
 *   GET  /api/boards/:boardId/wall-scans/:scanId        → the scan again, while it is kept
 *   POST /api/boards/:boardId/wall-scans/:scanId/apply  { moves: [cardId…], override? }
 *     → { scanId, revision, results: [{ cardId, status: applied|unchanged|refused|stale, code?, message? }] }
 *
 * Access is the router's default for board routes: reading a scan needs read access, taking
 * and applying one edit access. Moves are made as the caller, with source `wall`.
 *
 * Errors: 413 TOO_LARGE (over 25 MB), 413 TOO_MANY_PIXELS (over 40 MP, read from the header:
 * decompression bombs stop there), 415 NOT_AN_IMAGE (the bytes are no JPEG or PNG, whatever
 * the content-type says), 422 UNREADABLE_IMAGE, 422 NO_CODES, 422 NOT_THIS_BOARD, 404
 * SCAN_NOT_FOUND (expired: scans are kept 30 minutes), 503 BUSY or DECODE_TIMEOUT.
 */
import { z } from 'zod';
import { ID_PATTERN, type CardId } from '../../../src/lib/domain';
import { formatIssues, MAX_JSON_BODY } from '../../../src/lib/protocol';
import type { BoardService } from '../../board-service';
import { WallDecoder } from '../../wall/decoder';
import { MAX_PHOTO_BYTES, PhotoRefused } from '../../wall/intake';
import { WallScans } from '../../wall/wall-scans';
import type { ApiContext, Request, Route } from '../http';
import { HttpError, readBody, readJson, sendJson } from '../http-util';
import { apiContext, boardIdParam, requireBoard } from './boards';

const applySchema = z.strictObject({
  moves: z
    .array(
      z
        .string()
        .regex(ID_PATTERN, 'must be card ids')
        .transform((s) => s as CardId)
    )
    .max(2_000),
  override: z.boolean().optional()
});

/** One decode worker per process (decoding is CPU-bound); scans are kept per instance. */
let decoder: WallDecoder | undefined;
const instances = new WeakMap<BoardService, WallScans>();

function wallScans(api: ApiContext): WallScans {
  let scans = instances.get(api.service);
  if (!scans) {
    decoder ??= new WallDecoder();
    scans = new WallScans(api.service, decoder);
    instances.set(api.service, scans);
  }
  return scans;
}

/** Runs a handler step, turning a refused photo or scan into its JSON error. */
async function refusing<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof PhotoRefused) throw new HttpError(err.status, err.code, err.message, err.details);
    throw err;
  }
}

export const wallRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/boards/:boardId/wall-scans',
    handler: async (r: Request, api: ApiContext) => {
      const boardId = boardIdParam(r);
      await requireBoard(api, boardId);
      const photo = await readBody(r.req, MAX_PHOTO_BYTES);
      const scan = await refusing(() => wallScans(api).scan(boardId, photo));
      sendJson(r.res, 201, scan, { location: `/api/boards/${boardId}/wall-scans/${scan.scanId}` });
    }
  },
  {
    method: 'GET',
    pattern: '/api/boards/:boardId/wall-scans/:scanId',
    handler: async (r: Request, api: ApiContext) => {
      const boardId = boardIdParam(r);
      await requireBoard(api, boardId);
      const scan = wallScans(api).get(boardId, r.params.scanId);
      if (!scan) throw new HttpError(404, 'SCAN_NOT_FOUND', 'This wall scan has expired or is unknown; take the photo again');
      sendJson(r.res, 200, scan);
    }
  },
  {
    method: 'POST',
    pattern: '/api/boards/:boardId/wall-scans/:scanId/apply',
    handler: async (r: Request, api: ApiContext) => {
      const boardId = boardIdParam(r);
      await requireBoard(api, boardId);
      const body = applySchema.safeParse(await readJson(r.req, MAX_JSON_BODY));
      if (!body.success) throw new HttpError(400, 'INVALID', formatIssues(body.error));
      const request = { moves: body.data.moves, override: body.data.override ?? false, actor: apiContext(r.principal, r.req).actor };
      const result = await refusing(() => wallScans(api).apply(boardId, r.params.scanId, request));
      sendJson(r.res, 200, result);
    }
  }
];

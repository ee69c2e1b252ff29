/**
 * Wall photo sync for one Kanbridge instance: photo in, scan out (what the wall says, and the
 * moves that would make the board match), then apply the moves the user kept.
 *
 * Nothing is changed by a scan, and nothing but the scan's result is kept (scan-store.ts): the
 * photo's bytes go to the decode worker and are dropped with it. The board is read once, when
 * the upload has arrived: that revision is the scan's, and every move applied from it carries it
 * as `baseRevision`, so cards moved by anyone after that are reported STALE, not overwritten.
 */
import { cloneBoard, newId, type BoardId, type Code } from '../../src/lib/domain';
import { analyseWall } from '../../src/lib/wall/analyse';
import type { FoundCode, WallApplyResult, WallScan } from '../../src/lib/wall/types';
import type { BoardService } from '../board-service';
import { applyScan, type ApplyRequest } from './apply';
import { DecodeError, type WallDecoder } from './decoder';
import { inspectPhoto, MAX_PHOTO_PIXELS, PhotoRefused } from './intake';
import type { DecodedPhoto } from './passes';
import { ScanStore } from './scan-store';

/** Enough for any wall; a photo full of other boards' codes does not cost a look-up each. */
const MAX_OWNER_LOOKUPS = 40;
const OWNED = { card: 'Card on', column: 'Column sign of', board: 'Sign of' } as const;

export class WallScans {
  readonly #service: BoardService;
  readonly #decoder: WallDecoder;
  readonly #store: ScanStore;

  constructor(service: BoardService, decoder: WallDecoder, store = new ScanStore()) {
    this.#service = service;
    this.#decoder = decoder;
    this.#store = store;
  }

  /** Reads a wall photo for a board; throws PhotoRefused for anything it cannot use. */
  async scan(boardId: BoardId, photo: Uint8Array): Promise<WallScan> {
    await inspectPhoto(photo);
    const live = await this.#service.getBoard(boardId);
    if (!live) throw new PhotoRefused(404, 'NOT_FOUND', 'No such board', { boardId });
    // A copy: the service's state changes in place while the photo is being read.
    const board = cloneBoard(live);
    const decoded = await this.#decode(photo);
    if (decoded.found.length === 0) {
      throw new PhotoRefused(
        422,
        'NO_CODES',
        'No QR codes found in the photo. Step closer, hold still, and make sure the cards are well lit.'
      );
    }
    const analysis = analyseWall(board, decoded.found);
    if (analysis.ownCodes === 0)
      throw await this.#notThisBoard(
        board.name,
        analysis.codes.flatMap((c) => (c.code ? [c.code] : []))
      );

    const body: WallScan = {
      scanId: newId<string>('ws'),
      revision: board.revision,
      width: decoded.width,
      height: decoded.height,
      codes: await this.#nameOwners(analysis.codes),
      columns: analysis.columns,
      cards: analysis.cards,
      notSeen: analysis.notSeen,
      plan: analysis.plan
    };
    this.#store.put({ boardId, body, lanes: analysis.lanes, staying: analysis.staying });
    return body;
  }

  get(boardId: BoardId, scanId: string): WallScan | null {
    return this.#store.get(boardId, scanId)?.body ?? null;
  }

  async apply(boardId: BoardId, scanId: string, request: ApplyRequest): Promise<WallApplyResult> {
    const scan = this.#store.get(boardId, scanId);
    if (!scan) throw new PhotoRefused(404, 'SCAN_NOT_FOUND', 'This wall scan has expired or is unknown; take the photo again');
    const planned = new Set(scan.body.plan.map((m) => m.cardId));
    const unknown = request.moves.filter((id) => !planned.has(id));
    if (unknown.length) {
      throw new PhotoRefused(400, 'INVALID', 'Only moves the scan planned can be applied', { cardIds: unknown.slice(0, 20) });
    }
    return applyScan(this.#service, boardId, scan, request);
  }

  async #decode(photo: Uint8Array): Promise<DecodedPhoto> {
    try {
      return await this.#decoder.decode(photo, MAX_PHOTO_PIXELS);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      switch (err.reason) {
        case 'unreadable':
          throw new PhotoRefused(422, 'UNREADABLE_IMAGE', 'The photo could not be read: the file is damaged or incomplete');
        case 'busy':
          throw new PhotoRefused(503, 'BUSY', err.message);
        case 'timeout':
          throw new PhotoRefused(503, 'DECODE_TIMEOUT', `${err.message}; try a smaller photo`);
        case 'crashed':
          console.error('wall photo: the decoder failed:', err.message);
          throw new PhotoRefused(500, 'DECODE_FAILED', 'Reading the photo failed; try again or take another photo');
      }
    }
  }

  /** Other boards' codes say whose they are ("Card on “Marketing”"), when that board is here. */
  async #nameOwners(codes: FoundCode[]): Promise<FoundCode[]> {
    const names = new Map<string, string | null>();
    for (const c of codes) {
      if (c.status !== 'foreign' || !c.code || names.has(c.code) || names.size >= MAX_OWNER_LOOKUPS) continue;
      const owner = await this.#service.findCode(c.code);
      names.set(c.code, owner ? ((await this.#service.getBoard(owner.boardId))?.name ?? null) : null);
    }
    return codes.map((c) => {
      const name = c.status === 'foreign' && c.code ? names.get(c.code) : null;
      return name && c.kind !== 'unknown' ? { ...c, note: `${OWNED[c.kind]} “${name}”` } : c;
    });
  }

  /** Codes were found but none is this board's: say whose they are, if they are Kanbridge's. */
  async #notThisBoard(boardName: string, codes: Code[]): Promise<PhotoRefused> {
    const names = new Set<string>();
    for (const code of codes.slice(0, 10)) {
      const owner = await this.#service.findCode(code);
      const board = owner ? await this.#service.getBoard(owner.boardId) : null;
      if (board) names.add(board.name);
    }
    const whose = names.size ? ` They belong to ${[...names].map((n) => `“${n}”`).join(', ')}.` : '';
    return new PhotoRefused(
      422,
      'NOT_THIS_BOARD',
      `None of the codes in the photo is on “${boardName}”.${whose}`,
      names.size ? { boards: [...names] } : undefined
    );
  }
}

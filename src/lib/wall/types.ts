/**
 * What a wall scan finds and proposes: the body of `POST /api/boards/:boardId/wall-scans`
 * (design §3), and what the review page draws. Pure data, shared by server and browser.
 *
 * Coordinates are photo pixels with the EXIF orientation applied (what a browser shows for the
 * same file), x to the right and y down.
 */
import type { CardId, Code, ColumnId } from '../domain/ids';
import type { Point, Corners } from '../qr/decoder';

export type { Point, Corners };

/** What a QR code's payload says it is; `unknown`: not a Kanbridge payload at all. */
export type CodeKind = 'card' | 'column' | 'board' | 'unknown';

/**
 * How a code fits this board, which is also how the review page colours it:
 * - `agrees` (green): a card the board already has in this place, a column sign that marks a
 *   lane, the board's own sign;
 * - `moves` (orange): a card the plan would move;
 * - `unplaced` (red): this board's code, but the photo does not say where it belongs;
 * - `foreign` (red): a Kanbridge code of another board or install;
 * - `unknown` (red): a QR code that is not Kanbridge's.
 */
export type CodeStatus = 'agrees' | 'moves' | 'unplaced' | 'foreign' | 'unknown';

export interface FoundCode {
  kind: CodeKind;
  /** The Kanbridge code, or null for an `unknown` QR code. */
  code: Code | null;
  /** The decoded text, as printed. */
  text: string;
  corners: Corners;
  status: CodeStatus;
  /** Why a code is red, or where an orange card goes, in a few words for people. */
  note?: string;
  cardId?: CardId;
  columnId?: ColumnId;
}

export interface SeenColumn {
  columnId: ColumnId;
  code: Code;
}

export interface PlacedCard {
  cardId: CardId;
  code: Code;
  /** The lane the card hangs in on the wall. */
  columnId: ColumnId;
  /** Its place in that lane, 0 at the top, counting only the cards the photo saw. */
  index: number;
}

export interface PlannedMove {
  cardId: CardId;
  fromColumnId: ColumnId;
  toColumnId: ColumnId;
  beforeCardId?: CardId;
  afterCardId?: CardId;
}

export interface WallScan {
  scanId: string;
  /** The board's revision when the photo was read: the apply's `baseRevision`. */
  revision: number;
  /** Size of the photo the corners refer to (after EXIF rotation). */
  width: number;
  height: number;
  codes: FoundCode[];
  columns: SeenColumn[];
  cards: PlacedCard[];
  /** Live cards of the board the photo did not show: a photo never moves them. */
  notSeen: CardId[];
  plan: PlannedMove[];
}

export type MoveResultStatus = 'applied' | 'unchanged' | 'refused' | 'stale';

export interface MoveResult {
  cardId: CardId;
  status: MoveResultStatus;
  /** The rejection code for `refused` and `stale` (WIP_LIMIT, WIP_LIMIT_HARD, STALE, …). */
  code?: string;
  message?: string;
}

/** Answer of `POST /api/boards/:boardId/wall-scans/:scanId/apply`. */
export interface WallApplyResult {
  scanId: string;
  /** The board's revision after the batch. */
  revision: number;
  results: MoveResult[];
}

/**
 * From the QR codes found in a wall photo to what the wall says about the board: which column
 * each card hangs in and in what order, which cards the photo did not show, and the moves that
 * would make the board match. Pure: the same codes and board always give the same answer.
 *
 * Steps: classify every code (classify.ts); find the wall's frame from the codes' own
 * orientation (frame.ts); mark lanes from the column signs (lanes.ts); put each of this board's
 * live cards in the lane its code is in and read each lane top to bottom (order.ts); plan
 * (plan.ts). A card is never placed on a guess: one seen in two places, outside every lane, in
 * another board's lane or archived is reported (red) and left alone.
 */
import type { CardId, Code, ColumnId } from '../domain/ids';
import type { BoardState } from '../domain/types';
import { classify, isOwn, type Classified, type Detection } from './classify';
import { wallFrame } from './frame';
import { apply } from './homography';
import { laneAt, lanesFromSigns, type SignSpan, type Span } from './lanes';
import { readingOrder } from './order';
import { planMoves, type WallLanes } from './plan';
import type { Corners, FoundCode, PlacedCard, PlannedMove, SeenColumn } from './types';

export interface Analysis {
  codes: FoundCode[];
  columns: SeenColumn[];
  cards: PlacedCard[];
  notSeen: CardId[];
  plan: PlannedMove[];
  /** What apply needs: each column's seen cards in wall order, and the cards that stay. */
  lanes: WallLanes;
  staying: ReadonlySet<CardId>;
  /** Whether any code found belongs to this board. */
  ownCodes: number;
}

interface WallPlace extends Span {
  y: number;
  height: number;
}

export function analyseWall(state: BoardState, detections: readonly Detection[]): Analysis {
  const found = classify(state, detections);
  const frame = wallFrame(found.filter((f) => f.identity.kind !== 'unknown').map((f) => f.corners));
  const place = found.map((f) => wallPlace(frame.toWall, f.corners));

  const signs: SignSpan<ColumnId | null>[] = [];
  const cardSpans: Span[] = [];
  found.forEach((f, i) => {
    const id = f.identity;
    if (id.kind === 'column') signs.push({ ...place[i], key: 'foreign' in id ? null : id.columnId });
    if (id.kind === 'card') cardSpans.push(place[i]);
  });
  const codeWidth = median(place.map((p) => p.right - p.left));
  const codeHeight = median(place.map((p) => p.height));
  const lanes = lanesFromSigns(signs, cardSpans, codeWidth);

  // Cards of this board seen more than once cannot be placed: which copy is the real one?
  const sightings = new Map<CardId, number>();
  for (const f of found)
    if (f.identity.kind === 'card' && !('foreign' in f.identity))
      sightings.set(f.identity.cardId, (sightings.get(f.identity.cardId) ?? 0) + 1);

  const notes = new Map<number, string>();
  const inLane = new Map<ColumnId, { item: number; x: number; y: number }[]>();
  found.forEach((f, i) => {
    const id = f.identity;
    if (id.kind !== 'card' || 'foreign' in id) return;
    if (id.archived) return void notes.set(i, 'Archived card: it is not on the board');
    if (sightings.get(id.cardId)! > 1) return void notes.set(i, 'Seen twice in the photo');
    const where = laneAt(lanes, place[i].x);
    if ('outside' in where) return void notes.set(i, signs.length ? 'No column sign above it in the photo' : 'No column sign in the photo');
    if ('doubtful' in where) return void notes.set(i, 'Between two lanes: cannot tell which');
    const key = where.lane.key;
    if (key === null) return void notes.set(i, "In another board's lane");
    const list = inLane.get(key) ?? [];
    list.push({ item: i, x: place[i].x, y: place[i].y });
    inLane.set(key, list);
  });

  const wallLanes = new Map<ColumnId, CardId[]>();
  const cards: PlacedCard[] = [];
  for (const column of state.columns) {
    const members = inLane.get(column.id);
    if (!members) continue;
    const ordered = readingOrder(members, codeHeight);
    wallLanes.set(
      column.id,
      ordered.map((i) => cardIdOf(found[i]))
    );
    ordered.forEach((i, index) => cards.push({ cardId: cardIdOf(found[i]), code: codeOf(found[i]), columnId: column.id, index }));
  }
  const { moves, staying } = planMoves(state, wallLanes);
  const moveOf = new Map(moves.map((m) => [m.cardId, m]));
  const columnName = new Map(state.columns.map((c) => [c.id as string, c.name]));

  const codes: FoundCode[] = found.map((f, i) => foundCode(f, notes.get(i), moveOf, columnName));
  const seenColumns: SeenColumn[] = [];
  for (const s of [...signs].sort((a, b) => a.x - b.x)) {
    if (s.key !== null && !seenColumns.some((c) => c.columnId === s.key)) {
      seenColumns.push({ columnId: s.key, code: state.columns.find((c) => c.id === s.key)!.code });
    }
  }
  const seenCards = new Set(found.flatMap((f) => (f.identity.kind === 'card' && !('foreign' in f.identity) ? [f.identity.cardId] : [])));
  const notSeen = state.columns.flatMap((c) => (state.order[c.id] ?? []).filter((id) => !seenCards.has(id)));
  return {
    codes,
    columns: seenColumns,
    cards,
    notSeen,
    plan: moves,
    lanes: wallLanes,
    staying,
    ownCodes: found.filter((f) => isOwn(f.identity)).length
  };
}

function foundCode(f: Classified, note: string | undefined, moves: Map<CardId, PlannedMove>, columnName: Map<string, string>): FoundCode {
  const base = { text: f.text, corners: f.corners };
  const id = f.identity;
  if (id.kind === 'unknown') return { ...base, kind: 'unknown', code: null, status: 'unknown', note: 'Not a Kanbridge code' };
  if ('foreign' in id) return { ...base, kind: id.kind, code: id.code, status: 'foreign', note: FOREIGN[id.kind] };
  if (id.kind === 'board') return { ...base, kind: 'board', code: id.code, status: 'agrees', note: "This board's sign" };
  if (id.kind === 'column')
    return { ...base, kind: 'column', code: id.code, status: 'agrees', columnId: id.columnId, note: columnName.get(id.columnId) };
  if (note) return { ...base, kind: 'card', code: id.code, status: 'unplaced', cardId: id.cardId, note };
  const move = moves.get(id.cardId);
  if (!move) return { ...base, kind: 'card', code: id.code, status: 'agrees', cardId: id.cardId };
  const from = columnName.get(move.fromColumnId),
    to = columnName.get(move.toColumnId);
  return {
    ...base,
    kind: 'card',
    code: id.code,
    status: 'moves',
    cardId: id.cardId,
    columnId: move.toColumnId,
    note: move.fromColumnId === move.toColumnId ? `Reorder in ${to}` : `${from} → ${to}`
  };
}

const FOREIGN = {
  card: "Another board's card",
  column: "Another board's column sign",
  board: "Another board's sign"
} as const;

function cardIdOf(f: Classified): CardId {
  if (f.identity.kind !== 'card' || 'foreign' in f.identity) throw new Error('not a card of this board');
  return f.identity.cardId;
}

function codeOf(f: Classified): Code {
  if (f.identity.kind === 'unknown') throw new Error('not a Kanbridge code');
  return f.identity.code;
}

/** A code's place on the wall: centre, extent across and height. */
function wallPlace(toWall: Parameters<typeof apply>[0], corners: Corners): WallPlace {
  const pts = corners.map((p) => apply(toWall, p));
  const xs = pts.map((p) => p.x),
    ys = pts.map((p) => p.y);
  return {
    x: xs.reduce((a, b) => a + b, 0) / 4,
    y: ys.reduce((a, b) => a + b, 0) / 4,
    left: Math.min(...xs),
    right: Math.max(...xs),
    height: Math.max(...ys) - Math.min(...ys)
  };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * What each decoded QR code is to this board: one of its cards (live or archived), one of its
 * column signs, its board sign, a Kanbridge code of somewhere else, or not Kanbridge's at all.
 * Payloads are read strictly (qr/payload.ts): a text that is not exactly a Kanbridge payload is
 * `unknown`, and nothing it says is followed.
 */
import type { CardId, Code, ColumnId } from '../domain/ids';
import type { BoardState } from '../domain/types';
import { parsePayload } from '../qr/payload';
import type { CodeKind, Corners } from './types';

export interface Detection {
  text: string;
  corners: Corners;
}

export type Identity =
  | { kind: 'card'; code: Code; cardId: CardId; archived: boolean }
  | { kind: 'column'; code: Code; columnId: ColumnId }
  | { kind: 'board'; code: Code }
  | { kind: Exclude<CodeKind, 'unknown'>; code: Code; foreign: true }
  | { kind: 'unknown' };

export interface Classified extends Detection {
  identity: Identity;
}

export function classify(state: BoardState, detections: readonly Detection[]): Classified[] {
  const cards = new Map(Object.values(state.cards).map((c) => [c.code as string, c]));
  const columns = new Map(state.columns.map((c) => [c.code as string, c]));
  return detections.map((d) => ({ ...d, identity: identify(d.text, state, cards, columns) }));
}

function identify(
  text: string,
  state: BoardState,
  cards: Map<string, BoardState['cards'][string]>,
  columns: Map<string, BoardState['columns'][number]>
): Identity {
  const payload = parsePayload(text);
  if (!payload) return { kind: 'unknown' };
  const { kind, code } = payload;
  if (kind === 'card') {
    const card = cards.get(code);
    return card ? { kind, code, cardId: card.id, archived: card.archived } : { kind, code, foreign: true };
  }
  if (kind === 'column') {
    const column = columns.get(code);
    return column ? { kind, code, columnId: column.id } : { kind, code, foreign: true };
  }
  return code === state.code ? { kind, code } : { kind, code, foreign: true };
}

/** Whether a code belongs to this board (a card of it, live or archived, a column sign or its sign). */
export function isOwn(identity: Identity): boolean {
  return identity.kind !== 'unknown' && !('foreign' in identity);
}

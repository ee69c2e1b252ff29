/**
 * What a scanned text or a typed code is, as far as this board goes. The text is only ever
 * parsed (payload.ts is strict) and looked up: nothing a code says is navigated to or run.
 *
 * Codes are unique in the install, so the code alone says what it names; the letter in the
 * payload (C, L, B) is not trusted over it. A code this board does not have is `elsewhere`:
 * `lookUpElsewhere` then asks this server whether another board has it.
 */
import { normaliseCode, type Card, type Code, type ColumnView } from '../domain';
import { parsePayload } from '../qr/payload';

export interface BoardIndex {
  /** The board sign's code. */
  code: string;
  columns: readonly ColumnView[];
  archived: readonly Card[];
}

export type Resolved =
  | { kind: 'card'; card: Card; column: ColumnView }
  | { kind: 'archived'; card: Card }
  | { kind: 'column'; column: ColumnView }
  /** This board's own sign. */
  | { kind: 'board' }
  | { kind: 'elsewhere'; code: Code }
  /** Not a Kanbridge code at all (another app's QR, a web address, …). */
  | { kind: 'foreign' };

/** A camera read: only an exact card, column or board payload counts. */
export function resolveScan(text: string, board: BoardIndex): Resolved {
  const payload = parsePayload(text);
  return payload ? resolveCode(payload.code, board) : { kind: 'foreign' };
}

/** A typed code: any case, Crockford look-alikes (O for 0, I or L for 1), dashes. */
export function resolveTyped(input: string, board: BoardIndex): Resolved {
  const code = normaliseCode(input);
  return code ? resolveCode(code, board) : { kind: 'foreign' };
}

export function resolveCode(code: Code, board: BoardIndex): Resolved {
  if (code === board.code) return { kind: 'board' };
  for (const column of board.columns) {
    if (column.code === code) return { kind: 'column', column };
    const card = column.cards.find((c) => c.code === code);
    if (card) return { kind: 'card', card, column };
  }
  const archived = board.archived.find((c) => c.code === code);
  return archived ? { kind: 'archived', card: archived } : { kind: 'elsewhere', code };
}

export type Elsewhere = 'other-board' | 'unknown' | 'unchecked';

/**
 * Whether another board of this install has the code (GET /api/codes/:code on this origin).
 * `unchecked` when the server could not be asked (offline) or has it on this very board
 * (this phone's view is behind): either way, nothing to do with it here and now.
 */
export async function lookUpElsewhere(code: Code, boardId: string, fetcher: typeof fetch): Promise<Elsewhere> {
  try {
    const res = await fetcher(`/api/codes/${encodeURIComponent(code)}`, { headers: { accept: 'application/json' } });
    if (res.status === 404) return 'unknown';
    if (!res.ok) return 'unchecked';
    const body = (await res.json()) as { boardId?: unknown };
    return typeof body.boardId === 'string' && body.boardId !== boardId ? 'other-board' : 'unchecked';
  } catch {
    return 'unchecked';
  }
}

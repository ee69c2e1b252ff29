/**
 * The scanner's modes as a pure state machine: what a scanned (or typed, or tapped) card or
 * column means in each mode, and which moves follow. No board, no I/O: the caller resolves
 * codes to cards and columns first, and turns a `move` effect into commands (plan.ts).
 *
 * - `batch`, card then column: cards collect in the tray in scan order; a column (sign or
 *   tap) moves them all there in one go and empties the tray.
 * - `tap`, card then tap: one selected card (a new card replaces it); a column moves it.
 * - `walk`, walk the wall: a column sets the column being walked; every card scanned after
 *   it moves there (plan.ts skips the ones already in it), in scan order.
 *
 * Invariants: the tray never holds a card twice; it is empty in walk mode; `walkColumn` is
 * null outside walk mode.
 */
import { assertNever } from '../domain/events';

export type Mode = 'batch' | 'tap' | 'walk';
export const MODES: readonly Mode[] = ['batch', 'tap', 'walk'];

/** How a card or column reached the scanner: it decides the move's source ('scan' or 'scan-manual'). */
export type Via = 'camera' | 'manual';

export interface Picked {
  cardId: string;
  via: Via;
}

export interface ScanState {
  mode: Mode;
  tray: readonly Picked[];
  walkColumn: string | null;
}

export type ScanInput =
  | { type: 'card'; cardId: string; via: Via }
  | { type: 'column'; columnId: string }
  | { type: 'mode'; mode: Mode }
  | { type: 'drop'; cardId: string }
  | { type: 'clear' };

export type ScanEffect =
  | { type: 'none' }
  /** The card is in the tray now (or already was: `again`). */
  | { type: 'picked'; pick: Picked; again: boolean }
  | { type: 'move'; picks: readonly Picked[]; columnId: string }
  /** Walk mode: cards scanned from now on go to this column. */
  | { type: 'walk'; columnId: string }
  /** A column arrived with nothing to move. */
  | { type: 'needCard'; columnId: string }
  /** Walk mode: a card arrived before any column. */
  | { type: 'needColumn'; cardId: string };

export interface Step {
  state: ScanState;
  effect: ScanEffect;
}

export const initialState = (mode: Mode = 'batch'): ScanState => ({ mode, tray: [], walkColumn: null });

export function step(state: ScanState, input: ScanInput): Step {
  switch (input.type) {
    case 'card':
      return card(state, { cardId: input.cardId, via: input.via });
    case 'column':
      return column(state, input.columnId);
    case 'mode':
      return { state: switchMode(state, input.mode), effect: NONE };
    case 'drop':
      return { state: { ...state, tray: state.tray.filter((p) => p.cardId !== input.cardId) }, effect: NONE };
    case 'clear':
      return { state: { ...state, tray: [] }, effect: NONE };
    default:
      return assertNever(input);
  }
}

const NONE: ScanEffect = { type: 'none' };

function card(state: ScanState, pick: Picked): Step {
  switch (state.mode) {
    case 'batch': {
      const again = state.tray.some((p) => p.cardId === pick.cardId);
      return { state: again ? state : { ...state, tray: [...state.tray, pick] }, effect: { type: 'picked', pick, again } };
    }
    case 'tap': {
      const again = state.tray[0]?.cardId === pick.cardId;
      return { state: { ...state, tray: [pick] }, effect: { type: 'picked', pick, again } };
    }
    case 'walk':
      if (state.walkColumn === null) return { state, effect: { type: 'needColumn', cardId: pick.cardId } };
      return { state, effect: { type: 'move', picks: [pick], columnId: state.walkColumn } };
    default:
      return assertNever(state.mode);
  }
}

function column(state: ScanState, columnId: string): Step {
  if (state.mode === 'walk') return { state: { ...state, walkColumn: columnId }, effect: { type: 'walk', columnId } };
  if (state.tray.length === 0) return { state, effect: { type: 'needCard', columnId } };
  return { state: { ...state, tray: [] }, effect: { type: 'move', picks: state.tray, columnId } };
}

/** Keeps what still makes sense in the new mode: the tray in batch, its last card in tap. */
function switchMode(state: ScanState, mode: Mode): ScanState {
  if (mode === state.mode) return state;
  switch (mode) {
    case 'batch':
      return { mode, tray: state.tray, walkColumn: null };
    case 'tap':
      return { mode, tray: state.tray.slice(-1), walkColumn: null };
    case 'walk':
      return { mode, tray: [], walkColumn: null };
    default:
      return assertNever(mode);
  }
}

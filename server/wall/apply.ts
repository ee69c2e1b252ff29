/**
 * Applying the moves a user kept from a wall scan: one moveCard command per card, source
 * `wall`, each with `baseRevision` = the board's revision when the photo was read.
 *
 * - A card someone changed after the photo was read comes back STALE from the board service
 *   (its stale check), so a newer move is never overwritten by an older photo.
 * - WIP limits are checked by the same rules as any move; a refused move is reported with the
 *   rule's own code and message. `override` confirms moves past soft limits, as the board's
 *   own confirmation does; hard limits still refuse.
 * - The opId of each move is derived from the scan and the card, so applying a scan twice (a
 *   double click, a resend) repeats nothing: the service answers a known opId with its first
 *   result.
 * - Order: moves run one after the other; the next one is the first (in plan order) whose
 *   target column has room, so a card leaving a full column goes before one entering it.
 *   Where each card lands is worked out just before its move from what is in place by then
 *   (plan.ts, `placement`), so refused or unticked moves never scramble the wall's order.
 */
import { createHash } from 'node:crypto';
import type { Actor, BoardId, BoardState, CardId, OpId } from '../../src/lib/domain';
import { placement } from '../../src/lib/wall/plan';
import type { MoveResult, PlannedMove, WallApplyResult } from '../../src/lib/wall/types';
import type { BoardService, CommandContext } from '../board-service';
import type { StoredScan } from './scan-store';

export interface ApplyRequest {
  /** The cards whose planned moves the user kept. */
  moves: readonly CardId[];
  override: boolean;
  /** Who applies them (the signed-in person, or "API" on an open install). */
  actor: Actor;
}

export async function applyScan(
  service: BoardService,
  boardId: BoardId,
  scan: StoredScan,
  request: ApplyRequest
): Promise<WallApplyResult> {
  const { override } = request;
  const wanted = new Set(request.moves);
  const pending = scan.body.plan.filter((m) => wanted.has(m.cardId));
  const ctx: CommandContext = { actor: request.actor, source: 'wall', baseRevision: scan.body.revision };
  const results = new Map<CardId, MoveResult>();
  let revision = scan.body.revision;

  while (pending.length > 0) {
    const state = await service.getBoard(boardId);
    if (!state) break;
    const next = pending.splice(pickNext(state, pending), 1)[0];
    const lane = scan.lanes.get(next.toColumnId) ?? [];
    const inPlace = (id: CardId) => {
      const card = state.cards[id];
      return !!card && !card.archived && card.columnId === next.toColumnId && (scan.staying.has(id) || scan.applied.has(id));
    };
    const outcome = await service.execute(
      boardId,
      {
        type: 'moveCard',
        opId: opIdFor(scan.body.scanId, next.cardId),
        cardId: next.cardId,
        toColumnId: next.toColumnId,
        ...placement(next.cardId, lane, inPlace),
        ...(override ? { override: true } : {})
      },
      ctx
    );
    if (outcome.ok) {
      revision = Math.max(revision, outcome.revision);
      scan.applied.add(next.cardId);
      results.set(next.cardId, { cardId: next.cardId, status: outcome.events.length ? 'applied' : 'unchanged' });
    } else {
      const { code, message } = outcome.rejection;
      results.set(next.cardId, { cardId: next.cardId, status: code === 'STALE' ? 'stale' : 'refused', code, message });
    }
  }
  const board = await service.getBoard(boardId);
  return {
    scanId: scan.body.scanId,
    revision: board?.revision ?? revision,
    // In the order of the plan, whatever order they ran in.
    results: scan.body.plan.flatMap((m) => results.get(m.cardId) ?? [])
  };
}

/** Index of the first move whose target column can take one more card, else of the first. */
function pickNext(state: BoardState, pending: readonly PlannedMove[]): number {
  const fits = pending.findIndex((m) => {
    if (m.fromColumnId === m.toColumnId) return true;
    const column = state.columns.find((c) => c.id === m.toColumnId);
    return !column || column.wipLimit === null || (state.order[column.id]?.length ?? 0) < column.wipLimit;
  });
  return Math.max(0, fits);
}

/** The same scan and card give the same opId: a second apply repeats nothing. Hashed, so
 * long ids (imports keep up to 64 characters) can neither overflow nor collide. */
export function opIdFor(scanId: string, cardId: CardId): OpId {
  return `wall_${createHash('sha256').update(`${scanId}\n${cardId}`).digest('base64url').slice(0, 24)}` as OpId;
}

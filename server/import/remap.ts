/**
 * Gives an imported log fresh identities: new board, column and card ids, and new codes for
 * every code it issues (codes are unique in the install and never reused, and the exporting
 * install may be this one). Everything else — names, fields, ranks, times, actors — is kept,
 * so the imported board replays to the same board and the same flow metrics.
 */
import {
  assertNever,
  type BoardEvent,
  type CardId,
  type Code,
  type ColumnId,
  type DecideContext,
  type EventBody
} from '../../src/lib/domain';

/** Codes the log issues (board sign, column signs, cards): one fresh code each. */
export function codesIssued(events: readonly BoardEvent[]): number {
  let n = 0;
  for (const e of events) {
    if (e.type === 'boardCreated') n += 1 + e.columns.length;
    else if (e.type === 'columnAdded' || e.type === 'cardCreated') n += 1;
  }
  return n;
}

/** The over-the-limit mark an entry may carry, kept as it was. */
const over = (e: { overLimit?: { limit: number; count: number } }) =>
  e.overLimit ? { overLimit: { limit: e.overLimit.limit, count: e.overLimit.count } } : {};

export function remapLog(events: readonly BoardEvent[], ctx: DecideContext): EventBody[] {
  const columns = new Map<string, ColumnId>();
  const cards = new Map<string, CardId>();
  const col = (id: string): ColumnId => {
    let next = columns.get(id);
    if (!next) columns.set(id, (next = ctx.newColumnId()));
    return next;
  };
  const card = (id: string): CardId => {
    let next = cards.get(id);
    if (!next) cards.set(id, (next = ctx.newCardId()));
    return next;
  };
  const code = (): Code => ctx.newCode();
  return events.map((e): EventBody => {
    switch (e.type) {
      case 'boardCreated':
        return { type: e.type, name: e.name, code: code(), columns: e.columns.map((c) => ({ ...c, id: col(c.id), code: code() })) };
      case 'boardRenamed':
        return { type: e.type, name: e.name };
      case 'cardCreated':
        return {
          type: e.type,
          card: { ...e.card, tags: [...e.card.tags], id: card(e.card.id), code: code(), columnId: col(e.card.columnId) },
          ...over(e)
        };
      case 'cardUpdated':
        return { type: e.type, cardId: card(e.cardId), changes: { ...e.changes } };
      case 'cardArchived':
        return { type: e.type, cardId: card(e.cardId), columnId: col(e.columnId) };
      case 'cardRestored':
        return { type: e.type, cardId: card(e.cardId), toColumnId: col(e.toColumnId), rank: e.rank, ...over(e) };
      case 'cardMoved':
        return {
          type: e.type,
          cardId: card(e.cardId),
          fromColumnId: col(e.fromColumnId),
          toColumnId: col(e.toColumnId),
          rank: e.rank,
          ...over(e)
        };
      case 'columnAdded':
        return { type: e.type, column: { ...e.column, id: col(e.column.id), code: code() }, index: e.index };
      case 'columnRenamed':
        return { type: e.type, columnId: col(e.columnId), name: e.name };
      case 'columnMoved':
        return { type: e.type, columnId: col(e.columnId), toIndex: e.toIndex };
      case 'columnRemoved':
        return { type: e.type, columnId: col(e.columnId) };
      case 'wipLimitSet':
        return { type: e.type, columnId: col(e.columnId), wipLimit: e.wipLimit, hard: e.hard };
      case 'cardsPrinted':
        return { type: e.type, cardIds: e.cardIds.map(card), layout: e.layout };
      case 'columnStageSet':
        return { type: e.type, columnId: col(e.columnId), stage: e.stage };
      case 'projectSet':
        return { type: e.type, project: e.project ? { ...e.project, thresholds: { ...e.project.thresholds } } : null };
      default:
        return assertNever(e);
    }
  });
}

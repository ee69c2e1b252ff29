/**
 * `GET /api/boards/:boardId/export?format=json|csv&what=cards|events`. JSON is the complete,
 * restorable board: its event log and the metadata the import checks it against. CSV is for
 * spreadsheets: one row per card (as the board stands, with when each started and finished),
 * or one row per event.
 */
import { cardsInOrder, archivedCards, columnStage, type BoardEvent, type BoardState } from '../../src/lib/domain';
import { activity, cardsOf } from '../../src/lib/insight/activity';
import { type Table } from '../../src/lib/insight/csv';
import { cardFlows } from '../../src/lib/insight/flow';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function cardsTable(board: BoardState, events: readonly BoardEvent[], now: number): Table {
  const flows = cardFlows(events, now);
  const columns = new Map(board.columns.map((c, i) => [c.id as string, { name: c.name, stage: columnStage(board.columns, i) }]));
  const position = new Map<string, number>();
  for (const ids of Object.values(board.order)) ids.forEach((id, i) => position.set(id, i + 1));
  const rows = [...cardsInOrder(board), ...archivedCards(board)].map((c) => {
    const col = columns.get(c.columnId);
    const f = flows.get(c.id);
    return [
      c.code,
      c.title,
      col?.name ?? null,
      col?.stage ?? null,
      position.get(c.id) ?? null,
      c.assignee || null,
      c.tags.join('; ') || null,
      c.due,
      c.estimate,
      c.archived ? 'yes' : 'no',
      c.createdAt,
      iso(f?.firstStart ?? null),
      iso(f?.finishedAt ?? null),
      c.description || null
    ];
  });
  return {
    headers: [
      'Code',
      'Title',
      'Column',
      'Stage',
      'Position',
      'Assignee',
      'Tags',
      'Due',
      'Estimate',
      'Archived',
      'Created',
      'Started',
      'Done',
      'Description'
    ],
    rows
  };
}

export function eventsTable(events: readonly BoardEvent[]): Table {
  const codes = new Map(cardsOf(events).map((c) => [c.id, c.code]));
  return {
    headers: ['Revision', 'Time', 'Type', 'Source', 'Actor', 'Actor id', 'Cards', 'What happened'],
    rows: activity(events).map((r) => [
      r.revision,
      r.at,
      r.type,
      r.source,
      r.actor.name,
      r.actor.id,
      r.cardIds.map((id) => codes.get(id) ?? id).join(' ') || null,
      r.text
    ])
  };
}

/** A file name from the board's name: letters and digits, dashes between. */
export function fileStem(board: BoardState, now: Date): string {
  const slug =
    board.name
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/[\s_]+/g, '-')
      .toLowerCase()
      .slice(0, 40) || 'board';
  return `${slug}-${now.toISOString().slice(0, 10)}`;
}

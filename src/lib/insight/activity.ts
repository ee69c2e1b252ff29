/**
 * The activity log: every event as a line people read (time, who, through what, what), and the
 * filters of the activity page and the card history.
 */
import { assertNever, touchedCards, type BoardEvent, type Source, type Stage } from '../domain';

export interface ActivityRow {
  revision: number;
  at: string;
  source: Source;
  actor: { id: string; name: string };
  type: BoardEvent['type'];
  cardIds: string[];
  text: string;
}

export const STAGE_LABEL: Record<Stage, string> = { todo: 'to do', doing: 'in progress', done: 'done' };

/** Events as readable rows, oldest first, each described with the names it had at the time. */
export function activity(events: Iterable<BoardEvent>): ActivityRow[] {
  const columns = new Map<string, string>();
  const titles = new Map<string, string>();
  const rows: ActivityRow[] = [];
  const col = (id: string) => columns.get(id) ?? 'a removed column';
  const card = (id: string) => `“${titles.get(id) ?? id}”`;
  for (const e of events) {
    rows.push({
      revision: e.revision,
      at: e.at,
      source: e.source,
      actor: { id: e.actor.id, name: e.actor.name },
      type: e.type,
      cardIds: touchedCards(e),
      text: describe(e, col, card)
    });
    remember(e, columns, titles);
  }
  return rows;
}

function describe(e: BoardEvent, col: (id: string) => string, card: (id: string) => string): string {
  switch (e.type) {
    case 'boardCreated':
      return `Created the board “${e.name}” with ${e.columns.map((c) => c.name).join(', ')}`;
    case 'boardRenamed':
      return `Renamed the board to “${e.name}”`;
    case 'cardCreated':
      return `Created “${e.card.title}” in ${col(e.card.columnId)}${overLimit(e)}`;
    case 'cardUpdated':
      return `Edited ${card(e.cardId)}: ${changes(e.changes)}`;
    case 'cardArchived':
      return `Archived ${card(e.cardId)} from ${col(e.columnId)}`;
    case 'cardRestored':
      return `Restored ${card(e.cardId)} to ${col(e.toColumnId)}${overLimit(e)}`;
    case 'cardMoved':
      return e.fromColumnId === e.toColumnId
        ? `Reordered ${card(e.cardId)} in ${col(e.toColumnId)}`
        : `Moved ${card(e.cardId)} from ${col(e.fromColumnId)} to ${col(e.toColumnId)}${overLimit(e)}`;
    case 'columnAdded':
      return `Added the column ${e.column.name}`;
    case 'columnRenamed':
      return `Renamed the column ${col(e.columnId)} to ${e.name}`;
    case 'columnMoved':
      return `Moved the column ${col(e.columnId)} to place ${e.toIndex + 1}`;
    case 'columnRemoved':
      return `Removed the column ${col(e.columnId)}`;
    case 'wipLimitSet':
      return e.wipLimit === null
        ? `Removed the WIP limit of ${col(e.columnId)}`
        : `Set the WIP limit of ${col(e.columnId)} to ${e.wipLimit}${e.hard ? ' (hard)' : ''}`;
    case 'cardsPrinted':
      return `Printed ${e.cardIds.length === 1 ? card(e.cardIds[0]) : `${e.cardIds.length} cards`} (${e.layout})`;
    case 'columnStageSet':
      return `Marked the column ${col(e.columnId)} as ${STAGE_LABEL[e.stage]}`;
    case 'projectSet':
      return e.project
        ? `Set the project figures: budget ${money(e.project.budget, e.project.currency)}, actual cost ${money(e.project.actualCost, e.project.currency)}, planned ${e.project.plannedStart} to ${e.project.plannedEnd}`
        : 'Cleared the project figures';
    default:
      return assertNever(e);
  }
}

/** “, over the WIP limit (3 of 2), confirmed by Ann” for an entry someone let past a soft limit. */
function overLimit(e: Extract<BoardEvent, { type: 'cardCreated' | 'cardMoved' | 'cardRestored' }>): string {
  return e.overLimit ? `, over the WIP limit (${e.overLimit.count} of ${e.overLimit.limit}), confirmed by ${e.actor.name}` : '';
}

function changes(c: Extract<BoardEvent, { type: 'cardUpdated' }>['changes']): string {
  const parts: string[] = [];
  if (c.title !== undefined) parts.push(`title “${c.title}”`);
  if (c.description !== undefined) parts.push(c.description ? 'description' : 'description removed');
  if (c.assignee !== undefined) parts.push(c.assignee ? `assignee ${c.assignee}` : 'no assignee');
  if (c.tags !== undefined) parts.push(c.tags.length ? `tags ${c.tags.join(', ')}` : 'no tags');
  if (c.due !== undefined) parts.push(c.due ? `due ${c.due}` : 'no due date');
  if (c.estimate !== undefined) parts.push(c.estimate === null ? 'no estimate' : `estimate ${c.estimate}`);
  return parts.join('; ');
}

const money = (n: number, currency: string) => `${currency ? `${currency} ` : ''}${n.toLocaleString('en')}`;

function remember(e: BoardEvent, columns: Map<string, string>, titles: Map<string, string>) {
  if (e.type === 'boardCreated') for (const c of e.columns) columns.set(c.id, c.name);
  else if (e.type === 'columnAdded') columns.set(e.column.id, e.column.name);
  else if (e.type === 'columnRenamed') columns.set(e.columnId, e.name);
  else if (e.type === 'cardCreated') titles.set(e.card.id, e.card.title);
  else if (e.type === 'cardUpdated' && e.changes.title !== undefined) titles.set(e.cardId, e.changes.title);
}

export interface CardRef {
  id: string;
  code: string;
  title: string;
}

/** Every card the log ever created, with its latest title. */
export function cardsOf(events: Iterable<BoardEvent>): CardRef[] {
  const cards = new Map<string, CardRef>();
  for (const e of events) {
    if (e.type === 'cardCreated') cards.set(e.card.id, { id: e.card.id, code: e.card.code, title: e.card.title });
    else if (e.type === 'cardUpdated' && e.changes.title !== undefined) {
      const c = cards.get(e.cardId);
      if (c) c.title = e.changes.title;
    }
  }
  return [...cards.values()];
}

export interface ActivityFilter {
  source?: Source | null;
  /** A card id, a card's code, or words of its title. */
  card?: string | null;
  /** An actor id. */
  actor?: string | null;
}

/** The cards a card filter means: an exact id or code, else every title containing the words. */
export function matchCards(query: string, cards: readonly CardRef[]): Set<string> {
  const q = query.trim();
  const exact = cards.filter((c) => c.id === q || c.code === q.toUpperCase());
  if (exact.length) return new Set(exact.map((c) => c.id));
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  return new Set(cards.filter((c) => words.every((w) => c.title.toLowerCase().includes(w))).map((c) => c.id));
}

export function filterActivity(rows: readonly ActivityRow[], f: ActivityFilter, cards: readonly CardRef[]): ActivityRow[] {
  const wanted = f.card?.trim() ? matchCards(f.card, cards) : null;
  return rows.filter(
    (r) =>
      (!f.source || r.source === f.source) && (!f.actor || r.actor.id === f.actor) && (!wanted || r.cardIds.some((id) => wanted.has(id)))
  );
}

/** The people and sources a log has, with how many events each, for the filter menus. */
export function facets(rows: readonly ActivityRow[]): {
  actors: { id: string; name: string; count: number }[];
  sources: { source: Source; count: number }[];
} {
  const actors = new Map<string, { id: string; name: string; count: number }>();
  const sources = new Map<Source, number>();
  for (const r of rows) {
    const a = actors.get(r.actor.id) ?? { id: r.actor.id, name: r.actor.name, count: 0 };
    a.name = r.actor.name;
    a.count++;
    actors.set(r.actor.id, a);
    sources.set(r.source, (sources.get(r.source) ?? 0) + 1);
  }
  return {
    actors: [...actors.values()].sort((a, b) => a.name.localeCompare(b.name)),
    sources: [...sources].map(([source, count]) => ({ source, count })).sort((a, b) => b.count - a.count)
  };
}

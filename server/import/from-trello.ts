/**
 * Trello → Kanbridge. Open lists become columns in Trello's order (by `pos`); cards keep their
 * title, description (with their checklists written out as ☑/☐ lines), labels as tags (the
 * label's name, or its colour when unnamed), due date (the UTC day) and first member as the
 * assignee. Archived cards in open lists come in archived; cards in archived lists stay out,
 * as those lists do. Trello's history (`actions`, capped at 1000 in an export) is not replayed:
 * the board's flow history starts at the import.
 *
 * Everything runs through the domain's own `decide`, so an imported board obeys the same rules
 * as one made by hand; text longer than the board allows is shortened, and said so.
 */
import {
  decide,
  decideCreateBoard,
  emptyBoard,
  evolve,
  isIsoDate,
  LIMITS,
  type BoardEvent,
  type BoardId,
  type CardId,
  type Command,
  type DecideContext,
  type EventBody,
  type OpId
} from '../../src/lib/domain';
import { ImportError, type Issue } from './issues';
import type { TrelloBoard } from './trello-file';

type TrelloCard = TrelloBoard['cards'][number];

export interface TrelloPlan {
  name: string;
  columns: { name: string; wipLimit: number | null }[];
  /** Per column, the cards to create in order, each with whether it is archived. */
  cards: { column: number; fields: CardInput; archived: boolean; path: string }[];
  warnings: string[];
}

interface CardInput {
  title: string;
  description: string;
  assignee: string;
  tags: string[];
  due: string | null;
}

const byPos = <T extends { pos: number }>(a: T, b: T) => a.pos - b.pos;

/** Shortens text to `max` characters, noting it in `warnings`. */
function fit(text: string, max: number, what: string, warnings: string[]): string {
  if (text.length <= max) return text;
  warnings.push(`${what}: shortened to ${max} characters`);
  return `${text.slice(0, max - 1)}…`;
}

/** Checks references and works out the board to create; throws ImportError listing every problem. */
export function planTrello(t: TrelloBoard): TrelloPlan {
  const issues: Issue[] = [];
  const warnings: string[] = [];
  const listIndex = new Map(t.lists.map((l, i) => [l.id, i]));
  const labels = new Map(t.labels.map((l) => [l.id, l]));
  const members = new Map(t.members.map((m) => [m.id, m]));
  const checklists = new Map(t.checklists.map((c) => [c.id, c]));
  t.cards.forEach((c, i) => {
    if (!listIndex.has(c.idList)) issues.push({ path: `cards.${i}.idList`, message: `no list ${c.idList} in the file` });
    c.idLabels.forEach((id, j) => {
      if (!labels.has(id)) issues.push({ path: `cards.${i}.idLabels.${j}`, message: `no label ${id} in the file` });
    });
  });
  const open = t.lists.filter((l) => !l.closed).sort(byPos);
  if (open.length === 0) issues.push({ path: 'lists', message: 'the board has no open list to make a column of' });
  if (open.length > LIMITS.columns)
    issues.push({ path: 'lists', message: `the board has ${open.length} open lists; a board has at most ${LIMITS.columns} columns` });
  const name = t.name.replace(/\s+/g, ' ').trim();
  if (!name) issues.push({ path: 'name', message: 'the board has no name' });
  if (issues.length) throw new ImportError(issues);

  const columns = open.map((l, i) => ({
    name: fit(l.name.replace(/\s+/g, ' ').trim() || `List ${i + 1}`, LIMITS.columnName, `lists.${listIndex.get(l.id)}.name`, warnings),
    wipLimit: limitOf(l.softLimit)
  }));
  const columnOf = new Map(open.map((l, i) => [l.id, i]));
  const cards: TrelloPlan['cards'] = [];
  let skipped = 0;
  const order = t.cards.map((c, i) => ({ c, i })).sort((a, b) => byPos(a.c, b.c));
  for (const { c, i } of order) {
    const column = columnOf.get(c.idList);
    if (column === undefined) {
      skipped++;
      continue;
    }
    const path = `cards.${i}`;
    cards.push({ column, archived: c.closed, path, fields: cardInput(c, path, { labels, members, checklists }, warnings) });
  }
  cards.sort((a, b) => a.column - b.column);
  if (skipped) warnings.push(`${skipped} card${skipped === 1 ? '' : 's'} in archived lists left out`);
  return { name: fit(name, LIMITS.boardName, 'name', warnings), columns, cards, warnings };
}

function limitOf(v: number | string | null | undefined): number | null {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= LIMITS.wipLimit ? n : null;
}

function cardInput(
  c: TrelloCard,
  path: string,
  refs: {
    labels: Map<string, TrelloBoard['labels'][number]>;
    members: Map<string, TrelloBoard['members'][number]>;
    checklists: Map<string, TrelloBoard['checklists'][number]>;
  },
  warnings: string[]
): CardInput {
  const title = c.name.replace(/\s+/g, ' ').trim() || 'Untitled card';
  const lists = c.idChecklists
    .map((id) => refs.checklists.get(id))
    .filter((x) => x !== undefined)
    .sort(byPos)
    .map((cl) => [cl.name, ...[...cl.checkItems].sort(byPos).map((it) => `${it.state === 'complete' ? '☑' : '☐'} ${it.name}`)].join('\n'));
  const description = [c.desc.trim(), ...lists].filter(Boolean).join('\n\n');
  const tags = [
    ...new Set(
      c.idLabels
        .map((id) => refs.labels.get(id)!)
        .map((l) => (l.name || l.color || '').trim())
        .filter(Boolean)
    )
  ];
  if (tags.length > LIMITS.tags) warnings.push(`${path}.idLabels: only the first ${LIMITS.tags} labels kept`);
  const member = c.idMembers.map((id) => refs.members.get(id)).find((m) => m !== undefined);
  const due = c.due ? c.due.slice(0, 10) : null;
  return {
    title: fit(title, LIMITS.title, `${path}.name`, warnings),
    description: fit(description, LIMITS.description, `${path}.desc`, warnings),
    assignee: fit((member?.fullName || member?.username || '').trim(), LIMITS.assignee, `${path}.idMembers`, warnings),
    tags: tags.slice(0, LIMITS.tags).map((tag, j) => fit(tag, LIMITS.tag, `${path}.idLabels.${j}`, warnings)),
    due: due && isIsoDate(due) ? due : null
  };
}

/** The plan as board events, decided by the domain on a scratch board. */
export function trelloEvents(plan: TrelloPlan, ctx: DecideContext): EventBody[] {
  const created = decideCreateBoard(plan.name, plan.columns, ctx);
  if (!created.ok) throw new ImportError([{ path: '', message: created.rejection.message }]);
  const state = emptyBoard('b_trello' as BoardId);
  const bodies: EventBody[] = [];
  const apply = (events: EventBody[]) => {
    for (const body of events) {
      evolve(state, {
        ...body,
        boardId: state.id,
        revision: state.revision + 1,
        at: '',
        source: 'import',
        actor: { id: '', name: '' },
        opId: '' as OpId
      } as BoardEvent);
      bodies.push(body);
    }
  };
  const run = (command: Command, path: string) => {
    const d = decide(state, command, ctx);
    if (!d.ok) throw new ImportError([{ path, message: d.rejection.message }]);
    apply(d.events);
    return d.events;
  };
  apply(created.events);
  for (const card of plan.cards) {
    const [e] = run(
      { type: 'createCard', opId: 'import-card' as OpId, columnId: state.columns[card.column].id, override: true, ...card.fields },
      card.path
    );
    if (card.archived && e.type === 'cardCreated')
      run({ type: 'archiveCard', opId: 'import-archive' as OpId, cardId: e.card.id as CardId }, card.path);
  }
  return bodies;
}

/** Codes the plan issues: the board sign, one per column, one per card. */
export const trelloCodes = (plan: TrelloPlan): number => 1 + plan.columns.length + plan.cards.length;

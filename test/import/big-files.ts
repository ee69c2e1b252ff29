/**
 * Large import files, made quickly and deterministically, for the import limit tests and the
 * bench: a Kanbridge export of a board with many cards (each created, then some moved on), and
 * a Trello export with many cards. Cards look like a real team's: a title of a few words, an
 * assignee, a tag or two.
 */
import { keyBetween, type BoardEvent } from '../../src/lib/domain';
import { EXPORT_FORMAT, EXPORT_VERSION, type KanbridgeFile } from '../../server/import/kanbridge-file';

const COLUMNS = ['Backlog', 'Ready', 'Doing', 'Review', 'Done'];
const VERBS = ['Fix', 'Add', 'Improve', 'Speed up', 'Document', 'Redesign', 'Test', 'Migrate'];
const THINGS = ['invoice export', 'login page', 'search results', 'onboarding emails', 'print layout', 'API rate limits', 'audit log'];
const PEOPLE = [
  { id: 'u_priya', name: 'Priya Raman' },
  { id: 'u_marco', name: 'Marco Rossi' },
  { id: 'u_aiko', name: 'Aiko Tanaka' }
];
const TAGS = ['bug', 'ui', 'api', 'infra', 'docs'];

const id = (prefix: string, n: number) => `${prefix}_${n.toString(36).padStart(10, '0')}`;
const code = (n: number) =>
  `K${n
    .toString(32)
    .toUpperCase()
    .replace(/[ILOU]/g, 'X')
    .padStart(6, '0')}`;

/**
 * A Kanbridge export: a board of five columns and `cards` cards, then `events` events in all
 * (the rest are moves, each card one column on). Valid for the import's checks. `cards` must
 * not be a multiple of 7919.
 */
export function kanbridgeExport(cards: number, events = cards + 1): KanbridgeFile {
  const boardId = 'b_bigboard00';
  const columns = COLUMNS.map((name, i) => ({ id: id('l', i), name, code: code(i), wipLimit: null, wipHard: false }));
  const start = Date.parse('2025-01-06T08:00:00.000Z');
  const log: BoardEvent[] = [];
  const meta = (i: number) => {
    const who = PEOPLE[i % PEOPLE.length];
    return {
      boardId,
      revision: i + 1,
      at: new Date(start + i * 60_000).toISOString(),
      source: 'ui',
      actor: { id: who.id, name: who.name },
      opId: `op_${i.toString(36).padStart(12, '0')}`
    };
  };
  log.push({ ...meta(0), type: 'boardCreated', name: 'Platform team', code: code(9_999_999), columns } as unknown as BoardEvent);
  // Last rank per column; cards are appended at the end, as the board does.
  const last: (string | null)[] = COLUMNS.map(() => null);
  const where: number[] = [];
  for (let c = 0; c < cards && log.length < events; c++) {
    // Spread over all columns but the last, which the moves fill.
    const column = c % (COLUMNS.length - 1);
    const rank = (last[column] = keyBetween(last[column], null));
    where.push(column);
    log.push({
      ...meta(log.length),
      type: 'cardCreated',
      card: {
        id: id('c', c),
        code: code(COLUMNS.length + c),
        title: `${VERBS[c % VERBS.length]} ${THINGS[c % THINGS.length]} #${c + 1}`,
        description: '',
        assignee: PEOPLE[c % PEOPLE.length].name,
        tags: [TAGS[c % TAGS.length]],
        due: null,
        estimate: (c % 5) + 1,
        columnId: columns[column].id,
        rank
      }
    } as unknown as BoardEvent);
  }
  // Cards move in a scattered order (7919 is prime, so every card comes up once per round).
  for (let k = 0; log.length < events; k++) {
    const c = (k * 7919) % cards;
    const from = where[c];
    if (from === COLUMNS.length - 1) continue;
    const to = from + 1;
    const rank = (last[to] = keyBetween(last[to], null));
    where[c] = to;
    log.push({
      ...meta(log.length),
      type: 'cardMoved',
      cardId: id('c', c),
      fromColumnId: columns[from].id,
      toColumnId: columns[to].id,
      rank
    } as unknown as BoardEvent);
  }
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date(start + log.length * 60_000).toISOString(),
    board: { id: boardId, name: 'Platform team', code: code(9_999_999), revision: log.length },
    events: log
  };
}

/** A Trello board export with `cards` cards over five lists, as Trello writes one (the parts the import reads, and some it does not). */
export function trelloExport(cards: number): Record<string, unknown> {
  const hex = (prefix: number, n: number) => `${prefix.toString(16)}${n.toString(16).padStart(22, '0')}`;
  const lists = COLUMNS.map((name, i) => ({
    id: hex(1, i),
    name,
    closed: false,
    pos: 16384 * (i + 1),
    idBoard: hex(0, 0),
    subscribed: false
  }));
  const labels = TAGS.map((name, i) => ({ id: hex(2, i), name, color: 'green', idBoard: hex(0, 0) }));
  const members = PEOPLE.map((p, i) => ({ id: hex(3, i), fullName: p.name, username: p.id }));
  return {
    id: hex(0, 0),
    name: 'Platform roadmap',
    desc: '',
    closed: false,
    url: 'https://trello.com/b/XyZ12345/platform-roadmap',
    lists,
    labels,
    members,
    checklists: [],
    actions: [],
    cards: Array.from({ length: cards }, (_, c) => ({
      id: hex(4, c),
      name: `${VERBS[c % VERBS.length]} ${THINGS[c % THINGS.length]} #${c + 1}`,
      desc: c % 10 === 0 ? 'Steps to reproduce are in the support ticket.' : '',
      closed: false,
      idList: lists[c % lists.length].id,
      idBoard: hex(0, 0),
      pos: 16384 * (c + 1),
      due: null,
      dueComplete: false,
      idLabels: [labels[c % labels.length].id],
      idMembers: [members[c % members.length].id],
      idChecklists: [],
      dateLastActivity: '2026-10-20T11:00:00.000Z',
      shortUrl: `https://trello.com/c/${c.toString(36)}`
    }))
  };
}

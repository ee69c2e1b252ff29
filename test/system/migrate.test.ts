/**
 * lowdb → PostgreSQL: scripts/migrate-to-postgres.ts run as an operator would, on a DATA_DIR
 * written by LowdbStorage. Every board, card, event and code must arrive; a second run copies
 * only what is new; a database that holds different data is refused before anything is
 * written; a DATA_DIR in use by a server is not touched.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BoardEvent } from '../../src/lib/domain';
import { codesIssued } from '../../server/storage/board-table';
import { LowdbStorage } from '../../server/storage/lowdb';
import { PostgresStorage } from '../../server/storage/postgres';
import type { Storage } from '../../server/storage/types';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { Accounts } from '../../server/auth/accounts';
import { FileAccounts } from '../../server/auth/persistence';
import { PgAccounts } from '../../server/auth/pg-persistence';
import { ScriptedBoard } from '../storage/board-events';

const root = fileURLToPath(new URL('../..', import.meta.url));
let db: TestPostgres;
let dir: string;

beforeAll(async () => {
  db = await startPostgres();
  dir = await mkdtemp(join(tmpdir(), 'kanbridge-migrate-'));
});
afterAll(async () => {
  await db?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function runMigration(from: string, to: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/migrate-to-postgres.ts', '--from', from, '--to', to], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

async function withStore<T>(storage: Storage, fn: (s: Storage) => Promise<T>): Promise<T> {
  await storage.open();
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

/** Everything a store says about the install: summaries, each board's state and history, every code. */
async function contents(storage: Storage) {
  const boards = (await storage.listBoards()).sort((a, b) => (a.id < b.id ? -1 : 1));
  const out = [];
  for (const board of boards) {
    const events = await storage.eventsSince(board.id, 0);
    const codes = [];
    for (const [code] of events.flatMap(codesIssued)) codes.push([code, await storage.findCode(code)]);
    out.push({ board, state: await storage.loadBoard(board.id), events, codes });
  }
  return out;
}

/** Boards with cards, moves, archived cards, removed and added columns, renames; one long-lived. */
function boards(): ScriptedBoard[] {
  const plain = new ScriptedBoard('Plain');
  const busy = new ScriptedBoard('Busy', ['Todo', 'Doing', 'Review', 'Done']);
  for (let i = 0; i < 30; i++) busy.addCard(`Card ${i}`, i % 4);
  const card = busy.lastCardId();
  for (let i = 0; i < 2_600; i++) busy.move(card, i % 4);
  busy.run({ type: 'archiveCard', cardId: card });
  busy.run({ type: 'renameBoard', name: 'Busy board' });
  const shaped = new ScriptedBoard('Shaped', ['A', 'B', 'C']);
  shaped.addCard('Stays');
  shaped.run({ type: 'removeColumn', columnId: shaped.column(2) });
  shaped.run({ type: 'addColumn', name: 'Later', index: 0 });
  shaped.run({ type: 'setWipLimit', columnId: shaped.column(1), wipLimit: 2, hard: true });
  return [plain, busy, shaped];
}

async function appendAll(storage: Storage, board: ScriptedBoard, events: BoardEvent[] = board.events): Promise<void> {
  // As the board service writes them: one command's events at a time.
  for (let i = 0; i < events.length;) {
    let j = i + 1;
    while (j < events.length && events[j].opId === events[i].opId) j++;
    await storage.append(board.id, events.slice(i, j));
    i = j;
  }
}

it('copies every board, card, event and code, again only what is new, and refuses different data', async () => {
  const scripted = boards();
  await withStore(new LowdbStorage(dir, { fsync: false }), async (s) => {
    for (const board of scripted) await appendAll(s, board);
  });
  const url = await db.createDatabase();

  const first = await runMigration(dir, url);
  expect(first.out).toContain(`copied ${scripted.reduce((n, b) => n + b.events.length, 0)} events of 3 boards`);
  expect(first.code).toBe(0);
  const original = await withStore(new LowdbStorage(dir), contents);
  expect(original.map((b) => b.events)).toEqual(scripted.map((b) => b.events).sort((x, y) => (x[0].boardId < y[0].boardId ? -1 : 1)));
  expect(await withStore(new PostgresStorage(url), contents)).toEqual(original);

  // Again: nothing to do, nothing changed.
  const again = await runMigration(dir, url);
  expect(again.out).toContain('copied 0 events of 0 boards; 3 of 3 boards were already there');
  expect(again.code).toBe(0);
  expect(await withStore(new PostgresStorage(url), contents)).toEqual(original);

  // The lowdb install went on for a while (and got a new board): only that is copied.
  const [plain, busy] = scripted;
  const later = new ScriptedBoard('Later');
  const more = [...plain.addCard('New card'), ...plain.move(plain.lastCardId(), 1)];
  await withStore(new LowdbStorage(dir, { fsync: false }), async (s) => {
    await appendAll(s, plain, more);
    await appendAll(s, later);
  });
  const third = await runMigration(dir, url);
  expect(third.out).toContain(`copied ${more.length + later.events.length} events of 2 boards; 2 of 4 boards were already there`);
  expect(third.code).toBe(0);
  const grown = await withStore(new LowdbStorage(dir), contents);
  expect(await withStore(new PostgresStorage(url), contents)).toEqual(grown);

  // The two installs diverge on one board, while another has something new to copy: the
  // difference is named, and nothing at all is written.
  const card0 = busy.events.find((e): e is Extract<BoardEvent, { type: 'cardCreated' }> => e.type === 'cardCreated');
  if (!card0) throw new Error('the busy board has no card');
  const ours = busy.move(card0.card.id, 3);
  const theirs = { ...ours[0], actor: { id: 'u_other', name: 'Someone else' } } as BoardEvent;
  const newer = later.addCard('Not copied');
  await withStore(new LowdbStorage(dir, { fsync: false }), async (s) => {
    await s.append(busy.id, ours);
    await appendAll(s, later, newer);
  });
  await withStore(new PostgresStorage(url), (s) => s.append(busy.id, [theirs]));
  const before = await withStore(new PostgresStorage(url), contents);
  const refused = await runMigration(dir, url);
  expect(refused.code).toBe(1);
  expect(refused.out).toContain(
    `the database holds different data; nothing was copied:\n  board ${busy.id} ("Busy board"): event ${theirs.revision} differs`
  );
  expect(await withStore(new PostgresStorage(url), contents)).toEqual(before);
}, 180_000);

it('refuses a code that the database gives to something else', async () => {
  const mine = new ScriptedBoard('Mine');
  const other = new ScriptedBoard('Other');
  const clash = { ...other.created, code: mine.state.code } as BoardEvent;
  const from = await mkdtemp(join(tmpdir(), 'kanbridge-migrate-'));
  try {
    await withStore(new LowdbStorage(from, { fsync: false }), (s) => s.append(mine.id, [mine.created]));
    const url = await db.createDatabase();
    await withStore(new PostgresStorage(url), (s) => s.append(other.id, [clash]));
    const refused = await runMigration(from, url);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(
      `board ${mine.id} ("Mine"): code ${mine.state.code} belongs to another board (board ${other.id}) in the database`
    );
    expect(await withStore(new PostgresStorage(url), (s) => s.loadBoard(mine.id))).toBeNull();
  } finally {
    await rm(from, { recursive: true, force: true });
  }
});

it('leaves a DATA_DIR alone while a server uses it', async () => {
  const from = await mkdtemp(join(tmpdir(), 'kanbridge-migrate-'));
  const running = new LowdbStorage(from);
  await running.open();
  try {
    const board = new ScriptedBoard();
    await running.append(board.id, [board.created]);
    const url = await db.createDatabase();
    const refused = await runMigration(from, url);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('is in use by another Kanbridge server');
    expect(await db.query('SELECT to_regclass($1)::text AS t', ['boards'], url)).toEqual([{ t: null }]);
  } finally {
    await running.close();
    await rm(from, { recursive: true, force: true });
  }
});

it('keeps every user, membership and token, and refuses a database with other accounts', async () => {
  const from = await mkdtemp(join(tmpdir(), 'kanbridge-migrate-'));
  const board = new ScriptedBoard('With people');
  await withStore(new LowdbStorage(from, { fsync: false }), (s) => appendAll(s, board));
  const local = await Accounts.open(new FileAccounts(from));
  await local.bootstrap({ adminEmail: 'admin@example.test', adminPassword: 'admin-password-1' });
  const { user } = await local.createUser({ email: 'ann@example.test', name: 'Ann', password: 'ann-password-1' });
  await local.setMember(board.id, user.id, 'editor');
  const { token } = await local.createToken(user.id, { name: 'ci', write: true });
  const url = await db.createDatabase();

  const run = await runMigration(from, url);
  expect(run.code).toBe(0);
  expect(run.out).toContain('copied the accounts of 2 users');
  const pg = new PgAccounts(url);
  const moved = await Accounts.open(pg);
  expect(
    moved
      .users()
      .map((u) => u.email)
      .sort()
  ).toEqual(['admin@example.test', 'ann@example.test']);
  expect(moved.roleOf(user.id, board.id)).toBe('editor');
  expect(moved.principal({ bearer: token })).toMatchObject({ kind: 'user', user: { email: 'ann@example.test' } });
  expect(await moved.login('ann@example.test', 'ann-password-1')).not.toBeNull();

  // The lowdb accounts change afterwards: the database now differs, and nothing is written.
  await local.createUser({ email: 'bob@example.test', name: 'Bob', password: 'bob-password-1' });
  const refused = await runMigration(from, url);
  expect(refused.code).toBe(1);
  expect(refused.out).toContain('the database holds different accounts; nothing was copied');
  await pg.close();
  await rm(from, { recursive: true, force: true });
});

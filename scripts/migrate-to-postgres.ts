/**
 * Copies every board of a lowdb DATA_DIR into PostgreSQL, with its whole history and codes:
 *
 *   node --import tsx scripts/migrate-to-postgres.ts --from ./data --to postgres://…
 *
 * Stop the server on DATA_DIR first (the directory's lock makes sure of it).
 *
 * Invariants:
 * - nothing is written unless everything can be: first every board is compared with what the
 *   database already holds, and any difference (an event that is not the same, a code owned
 *   by something else) stops the run with the list of them;
 * - it goes through PostgresStorage.append, so the database ends up as if the events had
 *   been made there: same revisions, same codes, same snapshots and summaries;
 * - running it again copies only what is new in DATA_DIR (also after an interrupted run: a
 *   board's copied events are a prefix of its history); a board that moved on in PostgreSQL
 *   after the copy is left as it is.
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { FileAccounts } from '../server/auth/persistence';
import { PgAccounts } from '../server/auth/pg-persistence';
import { codesIssued } from '../server/storage/board-table';
import { LowdbStorage } from '../server/storage/lowdb';
import { PostgresStorage } from '../server/storage/postgres';
import type { BoardSummary, Storage } from '../server/storage/types';

/** Events read (and appended) at a time: bounded memory for boards of any length. */
const PAGE = 2_000;

interface Plan {
  board: BoardSummary;
  /** Revisions already in PostgreSQL (0: the board is new there). */
  present: number;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
  if (!values.from || !values.to || !/^postgres(ql)?:\/\//.test(values.to)) {
    console.error('usage: node --import tsx scripts/migrate-to-postgres.ts --from <DATA_DIR> --to postgres://user:password@host/database');
    return 2;
  }
  // Accounts (users, memberships, tokens, sessions) go along with the boards. A database that
  // already holds different accounts is refused before anything is written.
  const fileAccounts = await new FileAccounts(values.from).load();
  const pgAccounts = new PgAccounts(values.to);
  try {
    const there = await pgAccounts.load();
    if (fileAccounts && there && !isDeepStrictEqual(fileAccounts.doc, there.doc)) {
      console.error('the database holds different accounts; nothing was copied');
      return 1;
    }
    const source = new LowdbStorage(values.from);
    await source.open();
    try {
      const target = new PostgresStorage(values.to);
      await target.open();
      try {
        const code = await migrate(source, target);
        if (code === 0 && fileAccounts && !there) {
          await pgAccounts.save(fileAccounts.doc, 0);
          console.log(`copied the accounts of ${fileAccounts.doc.users.length} users`);
        }
        return code;
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  } finally {
    await pgAccounts.close();
  }
}

async function migrate(source: Storage, target: Storage): Promise<number> {
  const boards = await source.listBoards();
  const existing = new Map((await target.listBoards()).map((b) => [b.id, b]));
  const plans: Plan[] = [];
  const problems: string[] = [];
  for (const board of boards) {
    const present = existing.get(board.id)?.revision ?? 0;
    const differences = await compare(source, target, board, present);
    problems.push(...differences);
    if (differences.length === 0) plans.push({ board, present });
  }
  if (problems.length > 0) {
    console.error(`kanbridge: the database holds different data; nothing was copied:\n  ${problems.join('\n  ')}`);
    return 1;
  }

  let events = 0;
  let copied = 0;
  for (const { board, present } of plans) {
    if (present >= board.revision) continue;
    for (let since = present; since < board.revision;) {
      const page = await source.eventsSince(board.id, since, PAGE);
      await target.append(board.id, page);
      since = page[page.length - 1].revision;
      events += page.length;
    }
    copied++;
  }
  // What was copied must read back as the original (boards that moved on in PostgreSQL
  // since an earlier copy no longer can).
  const copies = new Map((await target.listBoards()).map((b) => [b.id, b]));
  for (const { board, present } of plans) {
    if (present > board.revision) continue;
    const same =
      isDeepStrictEqual(await source.loadBoard(board.id), await target.loadBoard(board.id)) &&
      isDeepStrictEqual(copies.get(board.id), board);
    if (!same) throw new Error(`board ${board.id} reads back differently from PostgreSQL`);
  }
  const ahead = plans.filter((p) => p.present > p.board.revision).length;
  console.log(
    `copied ${events} events of ${copied} boards; ${boards.length - copied} of ${boards.length} boards were already there` +
      (ahead > 0 ? ` (${ahead} of them moved on in PostgreSQL since, and were left as they are)` : '')
  );
  return 0;
}

/**
 * What stops `board` from being copied: an event the database already has that is not the
 * same, or a code that the database gives to something else.
 */
async function compare(source: Storage, target: Storage, board: BoardSummary, present: number): Promise<string[]> {
  const problems: string[] = [];
  const overlap = Math.min(present, board.revision);
  for (let since = 0; since < overlap && problems.length === 0;) {
    const [ours, theirs] = await Promise.all([
      source.eventsSince(board.id, since, Math.min(PAGE, overlap - since)),
      target.eventsSince(board.id, since, Math.min(PAGE, overlap - since))
    ]);
    const differs = ours.findIndex((e, i) => !isDeepStrictEqual(e, theirs[i]));
    if (differs >= 0) problems.push(`board ${board.id} ("${board.name}"): event ${ours[differs].revision} differs`);
    since += ours.length;
  }
  for (let since = present; since < board.revision && problems.length === 0;) {
    const page = await source.eventsSince(board.id, since, PAGE);
    for (const [code, owner] of page.flatMap(codesIssued)) {
      const holder = await target.findCode(code);
      if (holder && !isDeepStrictEqual(holder, owner)) {
        problems.push(
          `board ${board.id} ("${board.name}"): code ${code} belongs to another ${holder.kind} (board ${holder.boardId}) in the database`
        );
      }
    }
    since = page[page.length - 1].revision;
  }
  return problems;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`kanbridge: migration failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
);

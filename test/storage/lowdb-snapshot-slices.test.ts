/**
 * A snapshot of a big board is written a slice at a time, never serialised in one piece (which
 * holds up the event loop for a second or more at 100,000 cards), and is still exactly the
 * state at its log offset although moves are applied while it is being written.
 */
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOG_FILE, LowdbStorage, SNAPSHOT_FILE } from '../../server/storage/lowdb';
import type { BoardEvent, BoardState } from '../../src/lib/domain';
import { ScriptedBoard } from './board-events';

const dirs: string[] = [];
const opened: LowdbStorage[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of opened.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function openStore(dir: string): Promise<LowdbStorage> {
  const storage = new LowdbStorage(dir, { fsync: false, compactEvery: 1_000_000 });
  await storage.open();
  opened.push(storage);
  return storage;
}

/** A board of `cards` cards with long titles, appended in chunks. */
async function bigBoard(storage: LowdbStorage, cards: number): Promise<ScriptedBoard> {
  const board = new ScriptedBoard();
  for (let i = 0; i < cards; i++) board.addCard(`Card ${i} ${'x'.repeat(180)}`, i % 3);
  for (let i = 0; i < board.events.length; i += 500) await storage.append(board.id, board.events.slice(i, i + 500));
  return board;
}

describe('lowdb snapshot of a big board', () => {
  it('is never serialised in one piece', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kanbridge-slices-'));
    dirs.push(dir);
    const storage = await openStore(dir);
    await bigBoard(storage, 8_000);
    const stringify = vi.spyOn(JSON, 'stringify');
    await storage.compact();
    const largest = Math.max(...stringify.mock.results.map((r) => (typeof r.value === 'string' ? r.value.length : 0)));
    stringify.mockRestore();
    const size = (await readFile(join(dir, SNAPSHOT_FILE), 'utf8')).length;
    expect(size).toBeGreaterThan(2_000_000);
    expect(largest).toBeLessThan(size / 4);
  });

  it('holds the board as it was at its log offset while moves are applied during the write, and reopens to the latest state', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kanbridge-slices-'));
    dirs.push(dir);
    const storage = await openStore(dir);
    const board = await bigBoard(storage, 8_000);
    const before = (await storage.loadBoard(board.id))!;
    // The last cards created are the last to be written: moving them exercises taking them out of turn.
    const ids = Object.keys(before.cards).reverse();
    // Queued before the snapshot starts, written to the log while it is being written.
    let writing = true;
    let movedDuring = 0;
    const moves = ids.slice(0, 50).map((id, i) =>
      storage.append(board.id, board.move(id as never, (i + 1) % 3) as BoardEvent[]).then(() => {
        if (writing) movedDuring++;
      })
    );
    const compaction = storage.compact().finally(() => (writing = false));
    await Promise.all(moves);
    await compaction;
    expect(movedDuring).toBeGreaterThan(0);
    const snapshot = JSON.parse(await readFile(join(dir, SNAPSHOT_FILE), 'utf8')) as { boards: Record<string, BoardState> };
    expect(snapshot.boards[board.id]).toEqual(JSON.parse(JSON.stringify(before)));

    // A copy of the files as they are now (as after a crash): the snapshot plus the log tail after it.
    const latest = (await storage.loadBoard(board.id))!;
    const copy = await mkdtemp(join(tmpdir(), 'kanbridge-slices-'));
    dirs.push(copy);
    for (const file of [SNAPSHOT_FILE, LOG_FILE]) await copyFile(join(dir, file), join(copy, file));
    const reopened = await openStore(copy);
    expect(reopened.stats.replayed).toBe(50);
    expect(await reopened.loadBoard(board.id)).toEqual(latest);
  });
});

describe('lowdb applying a big written batch', () => {
  it('hands the event loop back between slices of it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kanbridge-slices-'));
    dirs.push(dir);
    const storage = await openStore(dir);
    const board = new ScriptedBoard();
    for (let i = 0; i < 2_000; i++) board.addCard(`Card ${i}`, i % 3);
    // A clock that moves on at every reading: every check finds the slice used up.
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (now += 100));
    let turns = 0;
    let pending = true;
    const tick = () => {
      turns++;
      if (pending) setImmediate(tick);
    };
    setImmediate(tick);
    await storage.append(board.id, board.events);
    pending = false;
    vi.restoreAllMocks();
    expect(turns).toBeGreaterThan(50);
    expect(await storage.loadBoard(board.id)).toEqual(JSON.parse(JSON.stringify(board.state)));
  });
});

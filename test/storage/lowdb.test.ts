import { spawnSync } from 'node:child_process';
import { appendFile, copyFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOCK_FILE, acquireDataDirLock } from '../../server/storage/lock';
import { BLOCK, LOG_FILE, LowdbStorage, SNAPSHOT_FILE, type LowdbOptions } from '../../server/storage/lowdb';
import { createStorage } from '../../server/storage/index';
import { repairDataDir } from '../../server/storage/repair';
import { DamagedLog, DataDirLocked } from '../../server/storage/types';
import { ScriptedBoard } from './board-events';
import { storageContract, type StorageHarness } from './contract';

const dirs: string[] = [];
const opened: LowdbStorage[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kanbridge-lowdb-'));
  dirs.push(dir);
  return dir;
}

async function openStore(dir: string, options?: LowdbOptions): Promise<LowdbStorage> {
  const storage = new LowdbStorage(dir, options);
  await storage.open();
  opened.push(storage);
  return storage;
}

afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function harness(options?: LowdbOptions): () => Promise<StorageHarness> {
  return async () => {
    const dir = await tempDir();
    let current = await openStore(dir, options);
    return {
      storage: current,
      reopen: async () => {
        await current.close();
        current = await openStore(dir, options);
        return current;
      },
      cleanup: async () => current.close()
    };
  };
}

storageContract('lowdb', harness(), { durable: true, shared: false, pipelined: true });
// Snapshots every few events and a tiny in-memory tail, so that the contract also runs
// through start-up from a snapshot plus log tail, and through history read back from the log.
storageContract('lowdb, compacting often, short memory', harness({ compactEvery: 7, recentEvents: 3 }), {
  durable: true,
  shared: false,
  pipelined: true
});

/** A crash image: the data files as they are on disk right now, without the lock. */
async function crashCopy(dir: string): Promise<string> {
  const copy = await tempDir();
  for (const file of [SNAPSHOT_FILE, LOG_FILE]) {
    await copyFile(join(dir, file), join(copy, file)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
  return copy;
}

/** A board with `moves` moves of one card after it was created. */
function busyBoard(moves: number): ScriptedBoard {
  const board = new ScriptedBoard();
  board.addCard('Busy');
  const card = board.lastCardId();
  for (let i = 0; i < moves; i++) board.move(card, (i % 2) + 1);
  return board;
}

async function appendEach(storage: LowdbStorage, board: ScriptedBoard): Promise<void> {
  for (const e of board.events) await storage.append(board.id, [e]);
}

describe('lowdb storage', () => {
  it('writes each event as one JSON line of events.log and leaves the snapshot alone when appending', async () => {
    const dir = await tempDir();
    const storage = await openStore(dir);
    const board = busyBoard(5);
    await storage.append(board.id, [board.created]);
    await storage.compact();
    const snapshotBefore = await readFile(join(dir, SNAPSHOT_FILE), 'utf8');
    const logBefore = (await stat(join(dir, LOG_FILE))).size;

    for (const e of board.events.slice(1)) await storage.append(board.id, [e]);

    expect(await readFile(join(dir, SNAPSHOT_FILE), 'utf8')).toBe(snapshotBefore);
    const lines = (await readFile(join(dir, LOG_FILE), 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual(board.events);
    // Board and revision lead each line, so readers can skip other boards' lines unparsed.
    lines.forEach((l, i) => expect(l.startsWith(`{"boardId":"${board.id}","revision":${i + 1},`)).toBe(true));
    const appended = Buffer.byteLength(
      lines
        .slice(1)
        .map((l) => `${l}\n`)
        .join('')
    );
    expect((await stat(join(dir, LOG_FILE))).size - logBefore).toBe(appended);
  });

  it('ignores a torn last line after a crash and cuts it off on open', async () => {
    for (const compacted of [false, true]) {
      const dir = await tempDir();
      const storage = await openStore(dir);
      const board = busyBoard(10);
      await appendEach(storage, board);
      if (compacted) await storage.compact();
      const image = await crashCopy(dir);
      const intact = (await stat(join(image, LOG_FILE))).size;
      await appendFile(join(image, LOG_FILE), `{"boardId":"${board.id}","revision":${board.events.length + 1},"type":"cardMov`);

      const reopened = await openStore(image);
      expect(await stat(join(image, LOG_FILE))).toMatchObject({ size: intact });
      expect(await reopened.eventsSince(board.id, 0)).toEqual(board.events);
      expect(await reopened.loadBoard(board.id)).toEqual(board.state);
      // And it goes on from there, the next event on a line of its own.
      await reopened.append(board.id, board.move(board.lastCardId(), 0));
      const again = await openStore(await crashCopy(image));
      expect(await again.eventsSince(board.id, 0)).toEqual(board.events);
    }
  });

  it('refuses a log damaged in the middle, naming the file and the byte', async () => {
    const dir = await tempDir();
    const storage = await openStore(dir);
    const board = busyBoard(3);
    await appendEach(storage, board);
    const image = await crashCopy(dir);
    const log = await readFile(join(image, LOG_FILE), 'utf8');
    const second = log.indexOf('\n') + 1;
    await writeFile(join(image, LOG_FILE), `${log.slice(0, second)}{not json}\n${log.slice(second)}`);

    await expect(new LowdbStorage(image).open()).rejects.toThrow(`${join(image, LOG_FILE)} is damaged at byte ${second}`);
    // Again the same error, not DataDirLocked: the failed open released its lock.
    await expect(new LowdbStorage(image).open()).rejects.toThrow('is damaged');
  });

  it('refuses a corrupt snapshot with an error naming it, not a crash inside', async () => {
    const dir = await tempDir();
    const storage = await openStore(dir);
    const board = busyBoard(3);
    await appendEach(storage, board);
    await storage.close();
    const snapshot = join(dir, SNAPSHOT_FILE);
    const good = await readFile(snapshot, 'utf8');

    await writeFile(snapshot, good.slice(0, good.length / 2));
    await expect(new LowdbStorage(dir).open()).rejects.toThrow(`${snapshot} cannot be read`);

    const wrongShape = JSON.parse(good);
    wrongShape.boards[board.id].columns = 'three';
    await writeFile(snapshot, JSON.stringify(wrongShape));
    await expect(new LowdbStorage(dir).open()).rejects.toThrow(`${snapshot} is not a Kanbridge snapshot`);

    const inconsistent = JSON.parse(good);
    inconsistent.blocks[board.id] = [];
    await writeFile(snapshot, JSON.stringify(inconsistent));
    await expect(new LowdbStorage(dir).open()).rejects.toThrow(`${snapshot} is inconsistent`);

    // As the message says, the snapshot can go: the log rebuilds everything.
    await rm(snapshot);
    const rebuilt = await openStore(dir);
    expect(await rebuilt.eventsSince(board.id, 0)).toEqual(board.events);
    expect(await rebuilt.loadBoard(board.id)).toEqual(board.state);
    expect(rebuilt.stats.replayed).toBe(board.events.length);
  });

  it('refuses a log shorter than the snapshot says', async () => {
    const dir = await tempDir();
    const storage = await openStore(dir);
    await appendEach(storage, busyBoard(3));
    await storage.close();
    await writeFile(join(dir, LOG_FILE), '');
    await expect(new LowdbStorage(dir).open()).rejects.toThrow(/events\.log has 0 bytes but .*kanbridge\.json covers \d+/);
  });

  it('compacts into a snapshot and, on start, replays only the log after it', async () => {
    const dir = await tempDir();
    const storage = await openStore(dir, { compactEvery: 50, recentEvents: 10 });
    const boards = [busyBoard(80), busyBoard(45)];
    for (const board of boards) await appendEach(storage, board);
    await expect.poll(() => storage.stats.compactions).toBeGreaterThanOrEqual(2);
    await storage.compact(); // settle: the last background snapshot may still be writing
    const extra = boards[1].move(boards[1].lastCardId(), 0);
    await storage.append(boards[1].id, extra);

    const snapshot = JSON.parse(await readFile(join(dir, SNAPSHOT_FILE), 'utf8'));
    const log = await readFile(join(dir, LOG_FILE));
    expect(snapshot.logOffset).toBe(log.lastIndexOf('\n', log.length - 2) + 1);

    // A crash now: the snapshot plus the one event after it.
    const image = await openStore(await crashCopy(dir), { recentEvents: 10 });
    expect(image.stats.replayed).toBe(1);
    for (const board of boards) {
      expect(await image.loadBoard(board.id)).toEqual(board.state);
      // The log stays the complete history, read back from disk beyond the memory tail.
      expect(await image.eventsSince(board.id, 0)).toEqual(board.events);
      expect(await image.eventsSince(board.id, 20, 5)).toEqual(board.events.slice(20, 25));
    }
    expect(await image.eventsSince(boards[0].id, BLOCK + 1, 5)).toEqual(boards[0].events.slice(BLOCK + 1, BLOCK + 6));

    // A clean close compacts: the next start replays nothing.
    await storage.close();
    const restarted = await openStore(dir);
    expect(restarted.stats.replayed).toBe(0);
    for (const board of boards) expect(await restarted.eventsSince(board.id, 0)).toEqual(board.events);
  });

  it('rewrites a large snapshot only once the log has grown by half its size', async () => {
    const dir = await tempDir();
    const storage = await openStore(dir, { compactEvery: 10 });
    const board = new ScriptedBoard();
    for (let i = 0; i < 300; i++) board.addCard(`Card ${i}`);
    await storage.append(board.id, board.events);
    await storage.compact();
    const snapshotBytes = (await stat(join(dir, SNAPSHOT_FILE))).size;
    const logStart = (await stat(join(dir, LOG_FILE))).size;
    const grown = async () => (await stat(join(dir, LOG_FILE))).size - logStart;
    const compactions = storage.stats.compactions;
    const card = board.lastCardId();
    let moves = 0;
    const move = async () => storage.append(board.id, board.move(card, (++moves % 2) + 1));

    while ((await grown()) * 4 < snapshotBytes) await move();
    await new Promise((resolve) => setImmediate(resolve)); // where a due compaction would start
    expect(moves).toBeGreaterThan(10);
    expect(storage.stats.compactions).toBe(compactions);

    while ((await grown()) * 2 < snapshotBytes) await move();
    await expect.poll(() => storage.stats.compactions).toBe(compactions + 1);
    expect(JSON.parse(await readFile(join(dir, SNAPSHOT_FILE), 'utf8')).logOffset).toBe(logStart + (await grown()));
  });

  it('shares fsyncs between concurrent appends (group commit)', async () => {
    const dir = await tempDir();
    const storage = await openStore(dir);
    const boards = Array.from({ length: 200 }, (_, i) => new ScriptedBoard(`Board ${i}`));
    await Promise.all(boards.map((b) => storage.append(b.id, [b.created])));
    const before = { ...storage.stats };

    const moves = boards.map((b) => b.addCard('Card'));
    await Promise.all(boards.map((b, i) => storage.append(b.id, moves[i])));

    const appends = storage.stats.appends - before.appends;
    const fsyncs = storage.stats.fsyncs - before.fsyncs;
    expect(appends).toBe(200);
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThan(appends);
    expect(storage.stats.batches - before.batches).toBe(fsyncs);
    // Every acknowledged append is on disk, not just in memory.
    const image = await openStore(await crashCopy(dir));
    for (const b of boards) expect(await image.eventsSince(b.id, 0)).toEqual(b.events);
  });

  it('skips fsync only when told to', async () => {
    const storage = await openStore(await tempDir(), { fsync: false });
    const board = busyBoard(3);
    await appendEach(storage, board);
    expect(storage.stats).toMatchObject({ appends: board.events.length, fsyncs: 0 });
    expect(storage.stats.batches).toBeGreaterThan(0);
  });

  it('refuses a second store on the same directory with DataDirLocked, at once', async () => {
    const dir = await tempDir();
    const first = await openStore(dir);
    const second = new LowdbStorage(dir);
    const refused = await second.open().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataDirLocked);
    expect(refused).toMatchObject({ pid: process.pid });
    expect((refused as Error).message).toContain('in use by another Kanbridge server');
    await expect(acquireDataDirLock(dir)).rejects.toBeInstanceOf(DataDirLocked);
    // The first one was not disturbed, and once it closes the directory is free.
    const board = busyBoard(1);
    await appendEach(first, board);
    await first.close();
    const third = await openStore(dir);
    expect(await third.eventsSince(board.id, 0)).toEqual(board.events);
  });

  it('lets exactly one of several simultaneous starts take the lock, also over a stale one', async () => {
    const dead = deadPid();
    for (let round = 0; round < 10; round++) {
      const dir = await tempDir();
      if (round % 2 === 1) await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: dead, started: null }));
      // Staggered by a few milliseconds, so that their steps interleave in varied orders.
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => sleep(i % 4).then(() => acquireDataDirLock(dir))));
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DataDirLocked);
      await (won[0] as PromiseFulfilledResult<() => Promise<void>>).value();
      // No lock, temp file or break marker is left behind.
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it('is not blocked by a lock left behind by a dead process', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, LOCK_FILE), `${JSON.stringify({ pid: deadPid(), started: '12345' })}\n`);
    const storage = await openStore(dir);
    const lock = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'));
    expect(lock.pid).toBe(process.pid);
    await storage.close();
    await expect(stat(join(dir, LOCK_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.runIf(process.platform === 'linux')('is not blocked by a lock whose pid now belongs to another process', async () => {
    // After a restart the old pid may be anyone's (in a container, even our own): the start
    // time recorded beside it tells the difference.
    const dir = await tempDir();
    await writeFile(join(dir, LOCK_FILE), `${JSON.stringify({ pid: process.pid, started: '1' })}\n`);
    const release = await acquireDataDirLock(dir);
    await release();
  });

  it('is not blocked by an unreadable lock file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, LOCK_FILE), '');
    const release = await acquireDataDirLock(dir);
    await expect(acquireDataDirLock(dir)).rejects.toBeInstanceOf(DataDirLocked);
    await release();
  });

  it('createStorage picks lowdb in DATA_DIR when DATABASE_URL is not set', async () => {
    const dir = await tempDir();
    const storage = createStorage({ dataDir: dir });
    expect(storage.kind).toBe('lowdb');
    // With DATABASE_URL it is PostgreSQL: see postgres.test.ts.
    expect(createStorage({ dataDir: dir, databaseUrl: 'postgres://localhost/kanbridge' }).kind).toBe('postgres');
  });
});

describe('lowdb log recovery', () => {
  it('cuts a torn tail with a clear line in the output that counts what was cut', async () => {
    const dir = await tempDir();
    const storage = await openStore(dir);
    const board = busyBoard(2);
    await appendEach(storage, board);
    const image = await crashCopy(dir);
    const intact = (await stat(join(image, LOG_FILE))).size;
    const torn = `{"boardId":"${board.id}","revision":${board.events.length + 1},"type":"cardMov`;
    await appendFile(join(image, LOG_FILE), torn);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const reopened = await openStore(image);
      expect(reopened.stats.tornBytes).toBe(Buffer.byteLength(torn));
      const lines = warn.mock.calls.map((c) => c.join(' '));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(join(image, LOG_FILE));
      expect(lines[0]).toContain(`cut 1 record, ${Buffer.byteLength(torn)} bytes, at byte ${intact}`);
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses a bad record mid-log with DamagedLog naming the file, the offset and the repair command', async () => {
    const dir = await tempDir();
    const storage = await openStore(dir);
    const board = busyBoard(3);
    await appendEach(storage, board);
    const image = await crashCopy(dir);
    const log = await readFile(join(image, LOG_FILE), 'utf8');
    const second = log.indexOf('\n') + 1;
    await writeFile(join(image, LOG_FILE), `${log.slice(0, second)}{not json}\n${log.slice(second)}`);
    const failure = await new LowdbStorage(image).open().then(
      () => null,
      (e: unknown) => e
    );
    expect(failure).toBeInstanceOf(DamagedLog);
    const damaged = failure as DamagedLog;
    expect(damaged.file).toBe(join(image, LOG_FILE));
    expect(damaged.offset).toBe(second);
    expect(damaged.message).toContain(`npm run repair -- --data ${JSON.stringify(image)}`);
  });

  it('refuses a record whose ids are no ids, and a record for a card the board never held', async () => {
    for (const bad of [
      (b: ScriptedBoard) => ({
        ...b.events[1],
        revision: b.events.length + 1,
        type: 'cardUpdated',
        cardId: '__proto__',
        changes: { title: 'x' }
      }),
      (b: ScriptedBoard) => ({
        ...b.events[1],
        revision: b.events.length + 1,
        type: 'cardUpdated',
        cardId: 'c_nosuchcard',
        changes: { title: 'x' }
      })
    ]) {
      const dir = await tempDir();
      const storage = await openStore(dir);
      const board = busyBoard(1);
      await appendEach(storage, board);
      const image = await crashCopy(dir);
      const size = (await stat(join(image, LOG_FILE))).size;
      await appendFile(join(image, LOG_FILE), `${JSON.stringify(bad(board))}\n`);
      const failure = await new LowdbStorage(image).open().then(
        () => null,
        (e: unknown) => e
      );
      expect(failure).toBeInstanceOf(DamagedLog);
      expect((failure as DamagedLog).offset).toBe(size);
      expect(({} as Record<string, unknown>).title).toBeUndefined();
    }
  });

  it('replays a printing record of ids an older server stored, without touching Object.prototype', async () => {
    const dir = await tempDir();
    const storage = await openStore(dir);
    const board = busyBoard(1);
    await appendEach(storage, board);
    await storage.close();
    opened.splice(opened.indexOf(storage), 1);
    const printed = {
      ...board.events[1],
      revision: board.events.length + 1,
      type: 'cardsPrinted',
      cardIds: ['__proto__', 'constructor', board.lastCardId()],
      layout: 'a4'
    };
    await appendFile(join(dir, LOG_FILE), `${JSON.stringify(printed)}\n`);
    const reopened = await openStore(dir);
    const state = await reopened.loadBoard(board.id);
    expect(state?.revision).toBe(board.events.length + 1);
    expect(state?.cards[board.lastCardId()].printedRevision).toBe(board.events.length + 1);
    expect(Object.getPrototypeOf(state?.cards)).toBeNull();
    expect(({} as Record<string, unknown>).printedRevision).toBeUndefined();
    expect(({} as Record<string, unknown>).printedAt).toBeUndefined();
  });

  it('npm run repair keeps a backup and every record before the bad one, and the store opens again', async () => {
    const dir = await tempDir();
    const storage = await openStore(dir);
    const board = busyBoard(4);
    await appendEach(storage, board);
    await storage.compact();
    await storage.close();
    opened.splice(opened.indexOf(storage), 1);
    const original = await readFile(join(dir, LOG_FILE), 'utf8');
    const lines = original.split('\n');
    const third = lines[0].length + lines[1].length + 2;
    const damagedLog = `${lines.slice(0, 2).join('\n')}\n{"boardId":"x"\n${lines.slice(2).join('\n')}`;
    await writeFile(join(dir, LOG_FILE), damagedLog);
    await expect(new LowdbStorage(dir).open()).rejects.toBeInstanceOf(DamagedLog);

    // Not while a server holds the directory.
    const release = await acquireDataDirLock(dir);
    await expect(repairDataDir(dir)).rejects.toBeInstanceOf(DataDirLocked);
    await release();

    const report = await repairDataDir(dir, new Date('2026-12-04T10:00:00Z'));
    expect(report).toMatchObject({ kept: 2, damagedAt: third, cutBytes: Buffer.byteLength(damagedLog) - third });
    expect(report.backupDir).toBe(join(dir, 'repair-2026-12-04T10-00-00-000Z'));
    expect(await readFile(join(report.backupDir!, LOG_FILE), 'utf8')).toBe(damagedLog);
    expect((await readdir(report.backupDir!)).sort()).toEqual([LOG_FILE, SNAPSHOT_FILE].sort());
    expect(await readFile(join(dir, LOG_FILE), 'utf8')).toBe(`${lines.slice(0, 2).join('\n')}\n`);

    const reopened = await openStore(dir);
    expect(await reopened.eventsSince(board.id, 0)).toEqual(board.events.slice(0, 2));
    await reopened.close();
    opened.splice(opened.indexOf(reopened), 1);
    // A whole log is left as it is.
    expect(await repairDataDir(dir)).toMatchObject({ damagedAt: null, kept: 2, backupDir: null });
  });
});

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

/**
 * A real crash: a child process appends to a LowdbStorage as fast as it can and is killed
 * with SIGKILL mid-stream, several times over on one DATA_DIR. After each kill the data
 * directory must open at once (the dead child's lock does not block), hold every revision
 * the child acknowledged, and have gapless revisions whose fold is the stored state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { LOCK_FILE } from '../../server/storage/lock';
import { LowdbStorage } from '../../server/storage/lowdb';
import { replay, type BoardId } from '../../src/lib/domain';

const root = fileURLToPath(new URL('../..', import.meta.url));
const writer = 'test/system/fixtures/crash-writer.ts';
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

interface Run {
  /** Highest acknowledged revision per board. */
  acked: Map<BoardId, number>;
  /** Acknowledgements received in all. */
  count: number;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the writer on `dir` and SIGKILLs it once it has acknowledged `killAfter` revisions. */
function runAndKill(dir: string, killAfter: number, compactEvery: number): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, String(compactEvery)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  children.push(child);
  const acked = new Map<BoardId, number>();
  let count = 0;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A writer that stalls must not hang the suite; it then fails the count check.
  const stall = setTimeout(() => child.kill('SIGKILL'), 30_000);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [word, boardId, revision] = line.split(' ');
    if (word !== 'ack') return;
    const id = boardId as BoardId;
    // Acks of one board arrive in order; keep the highest anyway, to rely on less.
    acked.set(id, Math.max(acked.get(id) ?? 0, Number(revision)));
    if (++count === killAfter) child.kill('SIGKILL');
  });
  return new Promise((resolve) => {
    // 'close' comes after the process is reaped and its stdout is drained: every ack is in.
    child.on('close', (_code, signal) => {
      clearTimeout(stall);
      resolve({ acked, count, signal, stderr });
    });
  });
}

it('keeps every acknowledged revision through repeated SIGKILLs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kanbridge-crash-'));
  dirs.push(dir);
  const acked = new Map<BoardId, number>();
  // Kill points vary, and small compaction intervals make some kills land mid-snapshot.
  const rounds = [
    { killAfter: 40, compactEvery: 10_000 },
    { killAfter: 400, compactEvery: 50 },
    { killAfter: 150, compactEvery: 7 },
    { killAfter: 700, compactEvery: 100 }
  ];

  for (const round of rounds) {
    const run = await runAndKill(dir, round.killAfter, round.compactEvery);
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(run.count, `the writer stalled:\n${run.stderr}`).toBeGreaterThanOrEqual(round.killAfter);
    for (const [id, revision] of run.acked) acked.set(id, revision);
    // The dead writer's lock is still there, and must not block the next start.
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);

    const storage = new LowdbStorage(dir);
    await storage.open();
    try {
      const boards = await storage.listBoards();
      expect(boards.map((b) => b.id).sort()).toEqual([...acked.keys()].sort());
      for (const [id, revision] of acked) {
        const events = await storage.eventsSince(id, 0);
        expect(events.length).toBeGreaterThanOrEqual(revision);
        expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i + 1));
        expect(await storage.loadBoard(id)).toEqual(replay(id, events));
      }
    } finally {
      await storage.close();
    }
  }
});

/**
 * DATA_DIR lock: one server per data directory.
 *
 * The lock is the file DATA_DIR/kanbridge.lock naming its holder: `{ pid, started }`, where
 * `started` is the process's start time from /proc (null where there is no /proc). It is
 * held while that process lives, never judged by age:
 * - a second server on the same directory fails at once with `DataDirLocked`;
 * - a lock left behind by a killed server (its pid is gone, is a zombie, or now belongs to a
 *   different process: pids are reused, e.g. every container start is pid 1 again) does not
 *   block a restart.
 *
 * Invariants:
 * - a lock file appears with its full contents in one step (written to a private temp file,
 *   then hard-linked into place, which fails if the name exists): no one reads half a lock;
 * - a stale lock is removed only by the one process holding the right to break that very
 *   lock (the file `<lock>.breaking.<inode>-<hash of contents>`, created the same way), and
 *   only if it is still that file. Nothing else ever removes a lock but its own holder, so
 *   two servers starting at once on a stale lock cannot both end up holding it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { DataDirLocked } from './types';

export const LOCK_FILE = 'kanbridge.lock';

interface Holder {
  pid: number;
  started: string | null;
}

/** Takes the lock on `dir` (creating the directory) or throws `DataDirLocked`. Returns the release. */
export async function acquireDataDirLock(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  const mine = `${JSON.stringify({ pid: process.pid, started: (await procStat(process.pid))?.started ?? null })}\n`;
  // Each round takes the lock, finds a live holder, or waits for a stale lock to be removed.
  // Rounds only run out if other processes keep taking and dropping the lock meanwhile.
  for (let round = 0; round < 100; round++) {
    if (await createWith(file, mine)) return releaser(file, mine);
    const seen = await readLock(file);
    if (!seen) continue; // released meanwhile
    const holder = parseHolder(seen.text);
    if (holder && (await isAlive(holder))) throw new DataDirLocked(dir, holder.pid);
    // Stale, or unreadable (contents appear atomically, so that was no live server).
    if (!(await breakStale(file, seen, mine))) await sleep(10);
  }
  throw new Error(`could not lock ${dir}: ${file} kept changing while other processes took and released it`);
}

/** Creates `file` with `text` if it does not exist; false if it does. */
async function createWith(file: string, text: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temp, text);
  try {
    await link(temp, file);
    return true;
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(temp);
  }
}

interface Seen {
  text: string;
  ino: number;
}

async function readLock(file: string): Promise<Seen | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return null;
    throw e;
  }
  try {
    const [text, info] = await Promise.all([handle.readFile('utf8'), handle.stat()]);
    return { text, ino: info.ino };
  } finally {
    await handle.close();
  }
}

/**
 * Removes the stale lock `seen` if this process wins the right to break it. Returns false
 * when another live process is breaking it right now (the caller waits and looks again).
 */
async function breakStale(file: string, seen: Seen, mine: string): Promise<boolean> {
  // Named by inode and contents: a later lock (even on a reused inode) gets another right.
  const marker = `${file}.breaking.${seen.ino}-${createHash('sha256').update(seen.text).digest('hex').slice(0, 16)}`;
  if (!(await createWith(marker, mine))) {
    const breaker = await readLock(marker);
    if (!breaker) return true; // the breaker just finished, and a marker goes only after its lock
    const holder = parseHolder(breaker.text);
    if (holder && (await isAlive(holder))) return false;
    // Its breaker died mid-way. Clearing a marker is not guarded itself: that would take
    // such a crash and two simultaneous starts together.
    await unlink(marker).catch(ignoreMissing);
    return true;
  }
  try {
    // Only the holder of the marker may remove this lock, and its own holder is dead, so
    // nothing can replace it between this check and the unlink.
    const current = await readLock(file);
    if (current && current.ino === seen.ino && current.text === seen.text) await unlink(file);
  } finally {
    await unlink(marker);
  }
  return true;
}

function parseHolder(text: string): Holder | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const { pid, started } = value as Record<string, unknown>;
    if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return null;
    if (started !== null && typeof started !== 'string') return null;
    return { pid: pid as number, started };
  } catch {
    return null;
  }
}

async function isAlive(holder: Holder): Promise<boolean> {
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    if (errorCode(e) !== 'EPERM') return false;
  }
  const now = await procStat(holder.pid);
  // Without /proc the pid is all we can go by; with it, a missing entry means it just exited.
  if (!now) return (await procStat(process.pid)) === null;
  if (now.state === 'Z') return false; // killed, not yet reaped by its parent
  return holder.started === null || now.started === holder.started;
}

/** State and start time (clock ticks since boot) of a process, from /proc; null without /proc. */
async function procStat(pid: number): Promise<{ state: string; started: string } | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the
  // last ')'. Field 3 is the state and field 22 the start time.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const started = fields[19];
  return state && started ? { state, started } : null;
}

function releaser(file: string, mine: string): () => Promise<void> {
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    const current = await readFile(file, 'utf8').catch(() => null);
    if (current === mine) await unlink(file);
  };
}

function ignoreMissing(e: unknown): void {
  if (errorCode(e) !== 'ENOENT') throw e;
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

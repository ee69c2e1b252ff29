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
 * Invariants: the lock file appears with its full contents in one step (written to a
 * private temp file, then hard-linked into place, which fails if the lock exists), so a
 * reader never sees a half-written lock; and a stale lock is removed only if it is still the
 * very file that was judged stale, so two servers starting at once on a stale lock cannot
 * both end up holding it.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
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
  // Each round either takes the lock, finds a live holder, or removes one stale lock; a few
  // rounds only run out when other processes keep taking and dropping it at the same moment.
  for (let round = 0; round < 5; round++) {
    if (await createWith(file, mine)) return releaser(file, mine);
    const found = await readLock(file);
    if (!found) continue; // released meanwhile
    const holder = parseHolder(found.text);
    if (holder && (await isAlive(holder))) throw new DataDirLocked(dir, holder.pid);
    // Stale, or unreadable: contents appear atomically, so an unparseable lock was not
    // written by a live server, just damaged.
    await removeIfUnchanged(file, found);
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
 * Removes the lock only if it is still the file judged stale. It is first renamed to a
 * private name (atomic: only one remover gets it); if it turns out to be a different lock,
 * taken meanwhile by another server, it is linked back, unless yet another one appeared.
 */
async function removeIfUnchanged(file: string, seen: Seen): Promise<void> {
  const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(file, aside);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return;
    throw e;
  }
  try {
    // Inode numbers are reused once a file is gone, so compare the contents as well.
    const [info, text] = await Promise.all([stat(aside), readFile(aside, 'utf8')]);
    if (info.ino === seen.ino && text === seen.text) return;
    await link(aside, file).catch((e: unknown) => {
      if (errorCode(e) !== 'EEXIST') throw e;
    });
  } finally {
    await unlink(aside);
  }
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

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

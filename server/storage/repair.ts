/**
 * Repair of a lowdb DATA_DIR whose event log holds a damaged record (`npm run repair -- --data DIR`).
 *
 * The log is read from the start exactly as the server reads it on start. At the first record
 * that cannot be read, or does not follow the records before it, the log is cut: everything
 * before that record is kept as it is; the record and everything after it are set aside.
 * Before anything changes, both files are copied to `repair-<time>/` in DATA_DIR, so nothing is
 * lost: the cut part can be looked at and replayed by hand. The snapshot (kanbridge.json) is
 * moved there too, since it may cover the part cut; the server rebuilds it from the log.
 *
 * The data directory's lock keeps a running server and a repair apart.
 */
import { copyFile, mkdir, open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BoardTable } from './board-table';
import { acquireDataDirLock } from './lock';
import { LOG_FILE, SNAPSHOT_FILE, parseLine, scanLines } from './lowdb';

export interface RepairReport {
  /** The log file looked at. */
  log: string;
  /** Records read and kept. */
  kept: number;
  /** Byte offset of the first damaged record, or null when the log is whole. */
  damagedAt: number | null;
  reason: string | null;
  /** Bytes set aside (the damaged record and everything after it). */
  cutBytes: number;
  /** Where the backup went, when something was changed. */
  backupDir: string | null;
}

export async function repairDataDir(dataDir: string, now = new Date()): Promise<RepairReport> {
  const release = await acquireDataDirLock(dataDir);
  const logPath = join(dataDir, LOG_FILE);
  try {
    const log = await open(logPath, 'r+');
    try {
      const { size } = await log.stat();
      const table = new BoardTable();
      let kept = 0;
      let damagedAt: number | null = null;
      let reason: string | null = null;
      await scanLines(log, 0, size, (line, offset) => {
        try {
          table.apply(parseLine(line.toString('utf8'), logPath, offset, dataDir));
        } catch (e) {
          damagedAt = offset;
          reason = e instanceof Error && 'reason' in e ? String(e.reason) : e instanceof Error ? e.message : String(e);
          return false;
        }
        kept++;
        return true;
      });
      if (damagedAt === null) return { log: logPath, kept, damagedAt: null, reason: null, cutBytes: 0, backupDir: null };

      const backupDir = join(dataDir, `repair-${now.toISOString().replace(/[:.]/g, '-')}`);
      await mkdir(backupDir);
      await copyFile(logPath, join(backupDir, LOG_FILE));
      const snapshot = join(dataDir, SNAPSHOT_FILE);
      if (
        await stat(snapshot).then(
          () => true,
          () => false
        )
      )
        await rename(snapshot, join(backupDir, SNAPSHOT_FILE));
      await log.truncate(damagedAt);
      await log.datasync();
      return { log: logPath, kept, damagedAt, reason, cutBytes: size - damagedAt, backupDir };
    } finally {
      await log.close();
    }
  } finally {
    await release();
  }
}

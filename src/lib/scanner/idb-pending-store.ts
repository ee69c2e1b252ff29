/**
 * The scanner's offline queue in IndexedDB: one record per queued command, keyed by its opId,
 * so moves scanned without a connection survive the phone locking, the tab being dropped or a
 * reload, and are resent (each once: the server remembers opIds) when the scanner opens again.
 *
 * SyncClient reads its store synchronously when it starts, so the board's records are read
 * once up front (`openIdbPendingStore`) and served from memory; every save is written through
 * in order (a chain of transactions, so an older save never lands after a newer one).
 * Without IndexedDB (some private modes) it falls back to the board page's localStorage store.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { PendingStore } from '../sync/client';
import type { PendingCommand } from '../sync/core';
import { isPending, localPendingStore } from '../sync/pending-store';

const DB_NAME = 'kanbridge-scanner';
const STORE = 'pending';

interface Row {
  opId: string;
  boardId: string;
  /** Position in the queue: commands are resent in the order they were made. */
  seq: number;
  entry: PendingCommand;
}

interface PendingDb extends DBSchema {
  pending: { key: string; value: Row; indexes: { board: string } };
}

export async function openIdbPendingStore(boardId: string): Promise<PendingStore> {
  let db: IDBPDatabase<PendingDb>;
  let rows: Row[];
  try {
    db = await openDB<PendingDb>(DB_NAME, 1, {
      upgrade(d) {
        d.createObjectStore(STORE, { keyPath: 'opId' }).createIndex('board', 'boardId');
      }
    });
    rows = await db.getAllFromIndex(STORE, 'board', boardId);
  } catch {
    return localPendingStore();
  }
  let cached = rows
    .sort((a, b) => a.seq - b.seq)
    .map((r) => r.entry)
    .filter((p) => isPending(p, boardId));
  let chain = Promise.resolve();

  return {
    load: (id) => (id === boardId ? [...cached] : []),
    save(id, pending) {
      if (id !== boardId) return;
      // Plain copies: what SyncClient hands over may hold objects it keeps changing.
      const snapshot: PendingCommand[] = JSON.parse(JSON.stringify(pending)) as PendingCommand[];
      cached = snapshot;
      chain = chain
        .then(() => write(db, boardId, snapshot))
        .catch(() => {
          // Quota or a closed database: the queue still lives in memory while the page is open.
        });
    }
  };
}

async function write(db: IDBPDatabase<PendingDb>, boardId: string, pending: readonly PendingCommand[]): Promise<void> {
  const tx = db.transaction(STORE, 'readwrite');
  const keep = new Set(pending.map((p) => p.command.opId as string));
  const stored = await tx.store.index('board').getAllKeys(boardId);
  await Promise.all([
    ...stored.filter((opId) => !keep.has(opId)).map((opId) => tx.store.delete(opId)),
    ...pending.map((entry, seq) => tx.store.put({ opId: entry.command.opId, boardId, seq, entry })),
    tx.done
  ]);
}

/**
 * Wall scans between "here is what the photo says" and "apply these moves": kept in this
 * server's memory for `ttlMs` (30 minutes by default), at most `max` of them (the oldest go
 * first), and never written anywhere. A scan is a short review step, not a record: the photo
 * itself is never kept, a scan that expires or is lost in a restart only means taking the photo
 * again, and what the user applies is recorded as ordinary events. With several servers on one
 * database, the apply must reach the server that read the photo (sticky sessions); another one
 * answers SCAN_NOT_FOUND and the user re-takes the photo.
 */
import type { BoardId, CardId } from '../../src/lib/domain';
import type { WallLanes } from '../../src/lib/wall/plan';
import type { WallScan } from '../../src/lib/wall/types';

export interface StoredScan {
  boardId: BoardId;
  body: WallScan;
  lanes: WallLanes;
  staying: ReadonlySet<CardId>;
  /** Cards an apply of this scan moved, so a later apply can place its cards next to them. */
  applied: Set<CardId>;
  expiresAt: number;
}

export class ScanStore {
  readonly #scans = new Map<string, StoredScan>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; max?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? 30 * 60_000;
    this.#max = options.max ?? 200;
    this.#now = options.now ?? Date.now;
  }

  put(scan: Omit<StoredScan, 'expiresAt' | 'applied'>): StoredScan {
    this.#sweep();
    while (this.#scans.size >= this.#max) this.#scans.delete(this.#scans.keys().next().value as string);
    const stored: StoredScan = { ...scan, applied: new Set(), expiresAt: this.#now() + this.#ttlMs };
    this.#scans.set(scan.body.scanId, stored);
    return stored;
  }

  /** The scan, if it exists, has not expired and belongs to this board. */
  get(boardId: BoardId, scanId: string): StoredScan | null {
    this.#sweep();
    const scan = this.#scans.get(scanId);
    return scan && scan.boardId === boardId ? scan : null;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, scan] of this.#scans) if (scan.expiresAt <= now) this.#scans.delete(id);
  }
}

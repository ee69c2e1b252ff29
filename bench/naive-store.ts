/**
 * Baseline: a naive lowdb store that rewrites the whole JSON file on every append (what a
 * plain lowdb app does). Same Storage interface, so the same board service runs on it.
 */
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import path from 'node:path';
import { MemoryStorage } from '../server/storage/memory';
import type { BoardEvent, BoardId } from '../src/lib/domain';

export class NaiveLowdbStorage extends MemoryStorage {
  readonly #db: Low<{ boards: Record<string, unknown> }>;
  constructor(dir: string) {
    super();
    this.#db = new Low(new JSONFile(path.join(dir, 'naive.json')), { boards: {} });
  }
  override async append(boardId: BoardId, events: BoardEvent[]): Promise<void> {
    await super.append(boardId, events);
    this.#db.data.boards[boardId] = await this.loadBoard(boardId);
    await this.#db.write();
  }
}

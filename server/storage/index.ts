/**
 * Chooses the store from the configuration: lowdb in DATA_DIR unless DATABASE_URL is set.
 * The caller opens and closes it.
 */
import { LowdbStorage } from './lowdb';
import type { Storage } from './types';

export type { BoardSummary, CodeOwner, Storage } from './types';
export { DataDirLocked, RevisionConflict } from './types';

export interface StorageConfig {
  dataDir: string;
  databaseUrl?: string;
}

export function createStorage(config: StorageConfig): Storage {
  if (config.databaseUrl) {
    throw new Error('PostgreSQL support is not available yet: unset DATABASE_URL to keep boards in DATA_DIR with the built-in lowdb store');
  }
  return new LowdbStorage(config.dataDir);
}

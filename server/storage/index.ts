/**
 * Chooses the store from the configuration: lowdb in DATA_DIR unless DATABASE_URL is set,
 * then PostgreSQL (which several servers may share). The caller opens and closes it.
 */
import { LowdbStorage } from './lowdb';
import { PostgresStorage } from './postgres';
import type { Storage } from './types';

export type { BoardSummary, CodeOwner, Storage } from './types';
export { DataDirLocked, RevisionConflict } from './types';

export interface StorageConfig {
  dataDir: string;
  databaseUrl?: string;
}

export function createStorage(config: StorageConfig): Storage {
  if (config.databaseUrl) return new PostgresStorage(config.databaseUrl);
  return new LowdbStorage(config.dataDir);
}

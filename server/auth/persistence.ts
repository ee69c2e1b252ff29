/** Where the accounts document is kept: a lowdb file in DATA_DIR, or memory (tests). */
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import type { AccountsDoc, AccountsPersistence } from './types';

/** Shape check of what is read from disk, so a damaged file gives a clear error at start. */
const docSchema = z.object({
  version: z.literal(1),
  users: z.array(
    z.object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      passwordHash: z.string().nullable(),
      admin: z.boolean(),
      createdAt: z.string()
    })
  ),
  sessions: z.array(z.object({ hash: z.string(), userId: z.string(), createdAt: z.string(), expiresAt: z.string() })),
  tokens: z.array(
    z.object({
      id: z.string(),
      hash: z.string(),
      userId: z.string(),
      name: z.string(),
      boardIds: z.array(z.string()).nullable(),
      write: z.boolean(),
      createdAt: z.string(),
      revokedAt: z.string().nullable()
    })
  ),
  members: z.array(z.object({ boardId: z.string(), userId: z.string(), role: z.enum(['owner', 'editor', 'viewer']) })),
  invites: z.array(z.object({ hash: z.string(), userId: z.string(), expiresAt: z.string() })),
  pairings: z.array(z.object({ hash: z.string(), boardId: z.string(), createdBy: z.string(), expiresAt: z.string() })),
  scanners: z.array(
    z.object({
      id: z.string(),
      hash: z.string(),
      boardId: z.string(),
      label: z.string(),
      createdBy: z.string(),
      createdAt: z.string(),
      revokedAt: z.string().nullable()
    })
  ),
  setupHash: z.string().nullable()
});

export function parseAccountsDoc(data: unknown, where: string): AccountsDoc {
  const parsed = docSchema.safeParse(data);
  if (!parsed.success)
    throw new Error(
      `${where} is damaged (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); restore it from a backup`
    );
  return parsed.data as AccountsDoc;
}

/** One server owns DATA_DIR (the data-dir lock), so the file never changes under it. */
export class FileAccounts implements AccountsPersistence {
  readonly shared = false;
  readonly #file: string;
  readonly #db: Low<AccountsDoc | null>;
  #version = 0;
  constructor(dataDir: string) {
    this.#file = path.join(dataDir, 'accounts.json');
    this.#db = new Low<AccountsDoc | null>(new JSONFile(this.#file), null);
  }
  async load() {
    await this.#db.read();
    return this.#db.data === null ? null : { doc: parseAccountsDoc(this.#db.data, this.#file), version: this.#version };
  }
  async save(doc: AccountsDoc): Promise<number> {
    // lowdb writes through a temporary file and a rename, so a crash never leaves half a file.
    this.#db.data = doc;
    await this.#db.write();
    return ++this.#version;
  }
}

export class MemoryAccounts implements AccountsPersistence {
  readonly shared = false;
  #stored: { doc: AccountsDoc; version: number } | null = null;
  async load() {
    return this.#stored === null ? null : structuredClone(this.#stored);
  }
  async save(doc: AccountsDoc): Promise<number> {
    this.#stored = { doc: structuredClone(doc), version: (this.#stored?.version ?? 0) + 1 };
    return this.#stored.version;
  }
}

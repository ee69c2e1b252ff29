/**
 * Accounts: users, their sessions and API tokens, board memberships with roles, invitations,
 * and phones paired to one board as scanners. Secrets (session ids, tokens, invitation and
 * pairing codes) are stored only as SHA-256 hashes: a leaked accounts file opens nothing.
 */
export type Role = 'owner' | 'editor' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string;
  /** argon2id hash, or null until an invited user sets a password. */
  passwordHash: string | null;
  admin: boolean;
  createdAt: string;
}

export interface Session {
  hash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface ApiToken {
  id: string;
  hash: string;
  userId: string;
  name: string;
  /** Boards the token may reach; null for every board its user may reach. */
  boardIds: string[] | null;
  write: boolean;
  createdAt: string;
  revokedAt: string | null;
}

export interface Membership {
  boardId: string;
  userId: string;
  role: Role;
}

export interface Invite {
  hash: string;
  userId: string;
  expiresAt: string;
}

/** A pairing QR shown on a board: scanning it (before it expires) makes a scanner session. */
export interface Pairing {
  hash: string;
  boardId: string;
  createdBy: string;
  expiresAt: string;
}

/** A phone paired to one board: it may read that board and move its cards, nothing else. */
export interface ScannerSession {
  id: string;
  hash: string;
  boardId: string;
  label: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface AccountsDoc {
  version: 1;
  users: User[];
  sessions: Session[];
  tokens: ApiToken[];
  members: Membership[];
  invites: Invite[];
  pairings: Pairing[];
  scanners: ScannerSession[];
  /** Hash of the one-time setup code printed at first start when no admin is configured. */
  setupHash: string | null;
}

export const emptyAccounts = (): AccountsDoc => ({
  version: 1,
  users: [],
  sessions: [],
  tokens: [],
  members: [],
  invites: [],
  pairings: [],
  scanners: [],
  setupHash: null
});

/**
 * Where the accounts document lives (a lowdb file, PostgreSQL, or memory for tests). Saves are
 * versioned: `save` answers the new version, or throws AccountsConflict when the stored
 * version is no longer `expected` (another server saved first).
 */
export interface AccountsPersistence {
  /** True when other servers write the same accounts (they must be reloaded on a miss). */
  readonly shared: boolean;
  load(): Promise<{ doc: AccountsDoc; version: number } | null>;
  save(doc: AccountsDoc, expected: number): Promise<number>;
  close?(): Promise<void>;
}

export class AccountsConflict extends Error {
  name = 'AccountsConflict';
}

/** Who is asking. */
export type Principal =
  /** No account exists yet: the install is open, as on first start before setup. */
  | { kind: 'open' }
  | { kind: 'anonymous' }
  | { kind: 'user'; user: User; token: ApiToken | null; sessionHash: string | null }
  | { kind: 'scanner'; scanner: ScannerSession };

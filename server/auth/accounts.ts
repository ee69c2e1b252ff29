/**
 * The accounts service: the one owner of the accounts document. Reads are answered from
 * memory; every change is saved (serially) before it is reported done, so a session or token
 * handed out survives a restart.
 *
 * Until the first user exists the install is "open" (design §3: accounts are required only
 * once they exist), so `npm start` gives a working board in one step; the first start also
 * prints a one-time setup link that creates the admin.
 */
import { hashPassword, newId, newSecret, sha256, verifyPassword } from './secrets';
import {
  AccountsConflict,
  emptyAccounts,
  type AccountsDoc,
  type AccountsPersistence,
  type ApiToken,
  type Membership,
  type Principal,
  type Role,
  type ScannerSession,
  type User
} from './types';

import { INVITE_DAYS, PAIRING_MINUTES, SESSION_DAYS } from './constants';

export type Revocation =
  | { kind: 'member'; boardId: string; userId: string }
  | { kind: 'scanner'; boardId: string; scannerId: string }
  | { kind: 'user-sessions'; userId: string }
  /** One session signed out (`sessionHash` as in the principal). */
  | { kind: 'session'; sessionHash: string }
  | { kind: 'token'; tokenId: string };

export class AccountError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410,
    readonly code: string,
    message: string
  ) {
    super(message);
  }
}

export class Accounts {
  #doc: AccountsDoc;
  #version: number;
  readonly #persistence: AccountsPersistence;
  readonly #now: () => Date;
  #changing: Promise<unknown> = Promise.resolve();
  #refreshedAt = 0;
  readonly #revocations = new Set<(r: Revocation) => void>();

  private constructor(doc: AccountsDoc, version: number, persistence: AccountsPersistence, now: () => Date) {
    this.#doc = doc;
    this.#version = version;
    this.#persistence = persistence;
    this.#now = now;
  }

  static async open(persistence: AccountsPersistence, now: () => Date = () => new Date()): Promise<Accounts> {
    const stored = await persistence.load();
    const accounts = new Accounts(stored?.doc ?? emptyAccounts(), stored?.version ?? 0, persistence, now);
    accounts.#prune();
    return accounts;
  }

  /** True once any user exists: from then on every request needs credentials. */
  get active(): boolean {
    return this.#doc.users.length > 0;
  }

  onRevoke(fn: (r: Revocation) => void): () => void {
    this.#revocations.add(fn);
    return () => this.#revocations.delete(fn);
  }

  // ---- first start ----------------------------------------------------------------------

  /**
   * Makes sure the install can get an admin: from the environment when given, otherwise a
   * one-time setup code (returned once, stored hashed) for the setup page.
   */
  async bootstrap(env: { adminEmail?: string; adminPassword?: string }): Promise<{ admin?: User; setupCode?: string }> {
    if (this.active) return {};
    if (env.adminEmail && env.adminPassword) {
      const { user } = await this.createUser({ email: env.adminEmail, name: 'Admin', password: env.adminPassword, admin: true });
      return { admin: user };
    }
    const code = newSecret();
    await this.#change(() => {
      this.#doc.setupHash = sha256(code);
    });
    return { setupCode: code };
  }

  async completeSetup(code: string, input: { email: string; name: string; password: string }): Promise<User> {
    const valid = () => !this.active && !!this.#doc.setupHash && sha256(code) === this.#doc.setupHash;
    if (!valid()) throw new AccountError(410, 'SETUP_DONE', 'This setup link is used up or not valid; sign in instead');
    const passwordHash = await hashPassword(input.password);
    return this.#change(() => {
      if (!valid()) throw new AccountError(410, 'SETUP_DONE', 'This setup link is used up or not valid; sign in instead');
      this.#doc.setupHash = null;
      return this.#addUser({ ...input, admin: true }, passwordHash);
    });
  }

  // ---- users ----------------------------------------------------------------------------

  user(id: string): User | undefined {
    return this.#doc.users.find((u) => u.id === id);
  }

  userByEmail(email: string): User | undefined {
    const e = normaliseEmail(email);
    return this.#doc.users.find((u) => u.email === e);
  }

  users(): User[] {
    return [...this.#doc.users];
  }

  /** Creates a user; without a password it answers an invitation code to set one. */
  async createUser(input: {
    email: string;
    name: string;
    password?: string;
    admin?: boolean;
  }): Promise<{ user: User; inviteCode?: string }> {
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const inviteCode = input.password ? undefined : newSecret();
    const user = await this.#change(() => {
      const user = this.#addUser(input, passwordHash);
      if (inviteCode) this.#doc.invites.push({ hash: sha256(inviteCode), userId: user.id, expiresAt: this.#after(INVITE_DAYS * 864e5) });
      return user;
    });
    return { user, inviteCode };
  }

  #addUser(input: { email: string; name: string; admin?: boolean }, passwordHash: string | null): User {
    const email = normaliseEmail(input.email);
    if (this.userByEmail(email)) throw new AccountError(409, 'EXISTS', `${email} already has an account`);
    const user: User = {
      id: newId('u'),
      email,
      name: input.name.trim() || email,
      admin: input.admin ?? false,
      passwordHash,
      createdAt: this.#now().toISOString()
    };
    this.#doc.users.push(user);
    return user;
  }

  /** Checks the code first: a wrong or used one is refused before any password is hashed. */
  async acceptInvite(code: string, password: string, name?: string): Promise<User> {
    const hash = sha256(code);
    const find = () => {
      const invite = this.#doc.invites.find((i) => i.hash === hash && i.expiresAt > this.#now().toISOString());
      const user = invite && this.user(invite.userId);
      if (!invite || !user) throw new AccountError(410, 'INVITE_INVALID', 'This invitation is used up or has expired; ask for a new one');
      return { invite, user };
    };
    find();
    const passwordHash = await hashPassword(password);
    return this.#change(() => {
      // Checked again: another request may have used the code while the password was hashed.
      const { invite, user } = find();
      user.passwordHash = passwordHash;
      if (name?.trim()) user.name = name.trim();
      this.#doc.invites = this.#doc.invites.filter((i) => i !== invite);
      return user;
    });
  }

  // ---- sessions -------------------------------------------------------------------------

  /** Checks a password; answers a new session id (the cookie value), or null. */
  async login(email: string, password: string): Promise<{ sessionId: string; user: User } | null> {
    const user = this.userByEmail(email);
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    if (!ok || !user) return null;
    const sessionId = newSecret('u.');
    await this.#change(() => {
      this.#doc.sessions.push({
        hash: sha256(sessionId),
        userId: user.id,
        createdAt: this.#now().toISOString(),
        expiresAt: this.#after(SESSION_DAYS * 864e5)
      });
    });
    return { sessionId, user };
  }

  async logout(sessionId: string): Promise<void> {
    const hash = sha256(sessionId);
    await this.#change(() => {
      this.#doc.sessions = this.#doc.sessions.filter((s) => s.hash !== hash);
    });
    this.#emit({ kind: 'session', sessionHash: hash });
  }

  /** Signs a user out on every device (sessions only; API tokens stay until revoked). */
  async logoutEverywhere(userId: string): Promise<void> {
    await this.#change(() => {
      this.#doc.sessions = this.#doc.sessions.filter((s) => s.userId !== userId);
    });
    this.#emit({ kind: 'user-sessions', userId });
  }

  // ---- API tokens -----------------------------------------------------------------------

  async createToken(
    userId: string,
    input: { name: string; boardIds?: string[] | null; write?: boolean }
  ): Promise<{ token: string; record: ApiToken }> {
    const token = newSecret('kb_');
    const record: ApiToken = {
      id: newId('t'),
      hash: sha256(token),
      userId,
      name: input.name.trim() || 'token',
      boardIds: input.boardIds ?? null,
      write: input.write ?? false,
      createdAt: this.#now().toISOString(),
      revokedAt: null
    };
    await this.#change(() => {
      this.#doc.tokens.push(record);
    });
    return { token, record };
  }

  tokens(userId: string): ApiToken[] {
    return this.#doc.tokens.filter((t) => t.userId === userId && !t.revokedAt);
  }

  async revokeToken(userId: string, tokenId: string): Promise<void> {
    await this.#change(() => {
      const t = this.#doc.tokens.find((x) => x.id === tokenId && x.userId === userId && !x.revokedAt);
      if (!t) throw new AccountError(404, 'NOT_FOUND', 'No such token');
      t.revokedAt = this.#now().toISOString();
    });
    this.#emit({ kind: 'token', tokenId });
  }

  // ---- board membership -----------------------------------------------------------------

  roleOf(userId: string, boardId: string): Role | null {
    return this.#doc.members.find((m) => m.userId === userId && m.boardId === boardId)?.role ?? null;
  }

  members(boardId: string): (Membership & { email: string; name: string })[] {
    return this.#doc.members
      .filter((m) => m.boardId === boardId)
      .flatMap((m) => {
        const u = this.user(m.userId);
        return u ? [{ ...m, email: u.email, name: u.name }] : [];
      });
  }

  /** Board ids a user is a member of (admins see every board; the caller handles that). */
  boardsOf(userId: string): Set<string> {
    return new Set(this.#doc.members.filter((m) => m.userId === userId).map((m) => m.boardId));
  }

  async setMember(boardId: string, userId: string, role: Role): Promise<void> {
    await this.#change(() => {
      const existing = this.#doc.members.find((m) => m.userId === userId && m.boardId === boardId);
      if (existing?.role === 'owner' && role !== 'owner') this.#keepAnOwner(boardId, userId);
      if (existing) existing.role = role;
      else this.#doc.members.push({ boardId, userId, role });
    });
  }

  async removeMember(boardId: string, userId: string): Promise<void> {
    await this.#change(() => {
      this.#keepAnOwner(boardId, userId);
      this.#doc.members = this.#doc.members.filter((m) => !(m.userId === userId && m.boardId === boardId));
    });
    this.#emit({ kind: 'member', boardId, userId });
  }

  /** Refuses (409) to take `userId`'s ownership away when they are the board's only owner. */
  #keepAnOwner(boardId: string, userId: string): void {
    const owners = this.#doc.members.filter((m) => m.boardId === boardId && m.role === 'owner');
    if (owners.length === 1 && owners[0].userId === userId) {
      throw new AccountError(409, 'LAST_OWNER', 'A board keeps at least one owner; make someone else owner first');
    }
  }

  /** Boards that have no owner yet (e.g. the demo board made before the admin existed). */
  async adoptOrphans(boardIds: string[], userId: string): Promise<void> {
    await this.#change(() => {
      const owned = new Set(this.#doc.members.filter((m) => m.role === 'owner').map((m) => m.boardId));
      for (const boardId of boardIds.filter((id) => !owned.has(id))) this.#doc.members.push({ boardId, userId, role: 'owner' });
    });
  }

  // ---- scanner pairing ------------------------------------------------------------------

  async createPairing(boardId: string, createdBy: string): Promise<{ code: string; expiresAt: string }> {
    const code = newSecret();
    const expiresAt = this.#after(PAIRING_MINUTES * 60e3);
    await this.#change(() => {
      this.#doc.pairings.push({ hash: sha256(code), boardId, createdBy, expiresAt });
    });
    return { code, expiresAt };
  }

  /** The board a pairing code is for while it is still valid (the pairing page names it), or null. */
  pairingBoard(code: string): string | null {
    const now = this.#now().toISOString();
    return this.#doc.pairings.find((p) => p.hash === sha256(code) && p.expiresAt > now)?.boardId ?? null;
  }

  /** Turns a pairing code into a scanner session (the phone's cookie value). */
  async redeemPairing(code: string, label: string): Promise<{ secret: string; scanner: ScannerSession }> {
    const secret = newSecret('s.');
    const scanner = await this.#change(() => {
      const pairing = this.#doc.pairings.find((p) => p.hash === sha256(code) && p.expiresAt > this.#now().toISOString());
      if (!pairing)
        throw new AccountError(410, 'PAIRING_INVALID', 'This pairing code has expired or was used; show a new one on the board');
      const scanner: ScannerSession = {
        id: newId('p'),
        hash: sha256(secret),
        boardId: pairing.boardId,
        label: label.trim().slice(0, 60) || 'Phone',
        createdBy: pairing.createdBy,
        createdAt: this.#now().toISOString(),
        revokedAt: null
      };
      this.#doc.pairings = this.#doc.pairings.filter((p) => p !== pairing);
      this.#doc.scanners.push(scanner);
      return scanner;
    });
    return { secret, scanner };
  }

  scanners(boardId: string): ScannerSession[] {
    return this.#doc.scanners.filter((s) => s.boardId === boardId && !s.revokedAt);
  }

  async revokeScanner(boardId: string, scannerId: string): Promise<void> {
    await this.#change(() => {
      const s = this.#doc.scanners.find((x) => x.id === scannerId && x.boardId === boardId && !x.revokedAt);
      if (!s) throw new AccountError(404, 'NOT_FOUND', 'No such scanner on this board');
      s.revokedAt = this.#now().toISOString();
    });
    this.#emit({ kind: 'scanner', boardId, scannerId });
  }

  // ---- who is asking --------------------------------------------------------------------

  /** Resolves credentials (cookie value or bearer token) to a principal. */
  principal(credentials: { cookie?: string | null; bearer?: string | null }): Principal {
    if (!this.active) return { kind: 'open' };
    const now = this.#now().toISOString();
    if (credentials.bearer) {
      const hash = sha256(credentials.bearer);
      const token = this.#doc.tokens.find((t) => t.hash === hash && !t.revokedAt);
      const user = token && this.user(token.userId);
      return token && user ? { kind: 'user', user, token, sessionHash: null } : { kind: 'anonymous' };
    }
    const cookie = credentials.cookie;
    if (cookie?.startsWith('u.')) {
      const hash = sha256(cookie);
      const session = this.#doc.sessions.find((s) => s.hash === hash && s.expiresAt > now);
      const user = session && this.user(session.userId);
      if (user) return { kind: 'user', user, token: null, sessionHash: hash };
    } else if (cookie?.startsWith('s.')) {
      const hash = sha256(cookie);
      const scanner = this.#doc.scanners.find((s) => s.hash === hash && !s.revokedAt);
      if (scanner) return { kind: 'scanner', scanner };
    }
    return { kind: 'anonymous' };
  }

  // ---- internals ------------------------------------------------------------------------

  #after(ms: number): string {
    return new Date(this.#now().getTime() + ms).toISOString();
  }

  #prune(): void {
    const now = this.#now().toISOString();
    this.#doc.sessions = this.#doc.sessions.filter((s) => s.expiresAt > now);
    this.#doc.pairings = this.#doc.pairings.filter((p) => p.expiresAt > now);
    this.#doc.invites = this.#doc.invites.filter((i) => i.expiresAt > now);
  }

  /**
   * Runs one change and saves it, one change at a time. `fn` checks and mutates the document;
   * when another server saved first (PostgreSQL), the document is reloaded and `fn` runs
   * again on the fresh one, so no change is lost. A failed check leaves nothing behind: the
   * document is reloaded from what was last saved.
   */
  #change<T>(fn: () => T): Promise<T> {
    const run = async (): Promise<T> => {
      for (let attempt = 0; ; attempt++) {
        const before = structuredClone(this.#doc);
        const version = this.#version;
        try {
          const result = fn();
          this.#prune();
          this.#version = await this.#persistence.save(this.#doc, version);
          return result;
        } catch (err) {
          // Document and version go back together: a reload while the save was on its way
          // must not leave the old document labelled with the newer version.
          this.#doc = before;
          this.#version = version;
          if (!(err instanceof AccountsConflict) || attempt >= 5) throw err;
          await this.refresh(true);
        }
      }
    };
    const next = this.#changing.catch(() => undefined).then(run);
    this.#changing = next;
    return next;
  }

  /**
   * Reloads the accounts from storage when another server may have changed them (a session
   * made there, say). Cheap to call on every unknown credential: at most once a second.
   */
  async refresh(force = false): Promise<void> {
    if (!this.#persistence.shared) return;
    const now = Date.now();
    if (!force && now - this.#refreshedAt < 1_000) return;
    this.#refreshedAt = now;
    const stored = await this.#persistence.load();
    // Only a newer document: a load asked before this server's own save may answer after it.
    if (stored && stored.version > this.#version) {
      this.#doc = stored.doc;
      this.#version = stored.version;
    }
  }

  #emit(r: Revocation): void {
    for (const fn of this.#revocations) fn(r);
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

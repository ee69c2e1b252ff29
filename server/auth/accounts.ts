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
import { emptyAccounts, type AccountsDoc, type AccountsPersistence, type ApiToken, type Membership, type Principal, type Role, type ScannerSession, type User } from './types';

import { INVITE_DAYS, PAIRING_MINUTES, SESSION_DAYS } from './constants';

export type Revocation =
  | { kind: 'member'; boardId: string; userId: string }
  | { kind: 'scanner'; boardId: string; scannerId: string }
  | { kind: 'user-sessions'; userId: string }
  | { kind: 'token'; tokenId: string };

export class AccountError extends Error {
  constructor(readonly status: 400 | 401 | 403 | 404 | 409 | 410, readonly code: string, message: string) {
    super(message);
  }
}

export class Accounts {
  #doc: AccountsDoc;
  readonly #persistence: AccountsPersistence;
  readonly #now: () => Date;
  #saving: Promise<void> = Promise.resolve();
  readonly #revocations = new Set<(r: Revocation) => void>();

  private constructor(doc: AccountsDoc, persistence: AccountsPersistence, now: () => Date) {
    this.#doc = doc;
    this.#persistence = persistence;
    this.#now = now;
  }

  static async open(persistence: AccountsPersistence, now: () => Date = () => new Date()): Promise<Accounts> {
    const doc = (await persistence.load()) ?? emptyAccounts();
    const accounts = new Accounts(doc, persistence, now);
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
    this.#doc.setupHash = sha256(code);
    await this.#save();
    return { setupCode: code };
  }

  async completeSetup(code: string, input: { email: string; name: string; password: string }): Promise<User> {
    if (this.active || !this.#doc.setupHash || sha256(code) !== this.#doc.setupHash) {
      throw new AccountError(410, 'SETUP_DONE', 'This setup link is used up or not valid; sign in instead');
    }
    const { user } = await this.createUser({ ...input, admin: true });
    this.#doc.setupHash = null;
    await this.#save();
    return user;
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
  async createUser(input: { email: string; name: string; password?: string; admin?: boolean }): Promise<{ user: User; inviteCode?: string }> {
    const email = normaliseEmail(input.email);
    if (this.userByEmail(email)) throw new AccountError(409, 'EXISTS', `${email} already has an account`);
    const user: User = {
      id: newId('u'), email, name: input.name.trim() || email, admin: input.admin ?? false,
      passwordHash: input.password ? await hashPassword(input.password) : null, createdAt: this.#now().toISOString()
    };
    this.#doc.users.push(user);
    let inviteCode: string | undefined;
    if (!input.password) {
      inviteCode = newSecret();
      this.#doc.invites.push({ hash: sha256(inviteCode), userId: user.id, expiresAt: this.#after(INVITE_DAYS * 864e5) });
    }
    await this.#save();
    return { user, inviteCode };
  }

  async acceptInvite(code: string, password: string, name?: string): Promise<User> {
    const invite = this.#doc.invites.find((i) => i.hash === sha256(code) && i.expiresAt > this.#now().toISOString());
    const user = invite && this.user(invite.userId);
    if (!invite || !user) throw new AccountError(410, 'INVITE_INVALID', 'This invitation is used up or has expired; ask for a new one');
    user.passwordHash = await hashPassword(password);
    if (name?.trim()) user.name = name.trim();
    this.#doc.invites = this.#doc.invites.filter((i) => i !== invite);
    await this.#save();
    return user;
  }

  // ---- sessions -------------------------------------------------------------------------

  /** Checks a password; answers a new session id (the cookie value), or null. */
  async login(email: string, password: string): Promise<{ sessionId: string; user: User } | null> {
    const user = this.userByEmail(email);
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    if (!ok || !user) return null;
    const sessionId = newSecret('u.');
    this.#doc.sessions.push({ hash: sha256(sessionId), userId: user.id, createdAt: this.#now().toISOString(), expiresAt: this.#after(SESSION_DAYS * 864e5) });
    await this.#save();
    return { sessionId, user };
  }

  async logout(sessionId: string): Promise<void> {
    const hash = sha256(sessionId);
    this.#doc.sessions = this.#doc.sessions.filter((s) => s.hash !== hash);
    await this.#save();
  }

  /** Signs a user out on every device (sessions only; API tokens stay until revoked). */
  async logoutEverywhere(userId: string): Promise<void> {
    this.#doc.sessions = this.#doc.sessions.filter((s) => s.userId !== userId);
    await this.#save();
    this.#emit({ kind: 'user-sessions', userId });
  }

  // ---- API tokens -----------------------------------------------------------------------

  async createToken(userId: string, input: { name: string; boardIds?: string[] | null; write?: boolean }): Promise<{ token: string; record: ApiToken }> {
    const token = newSecret('kb_');
    const record: ApiToken = {
      id: newId('t'), hash: sha256(token), userId, name: input.name.trim() || 'token', boardIds: input.boardIds ?? null,
      write: input.write ?? false, createdAt: this.#now().toISOString(), revokedAt: null
    };
    this.#doc.tokens.push(record);
    await this.#save();
    return { token, record };
  }

  tokens(userId: string): ApiToken[] {
    return this.#doc.tokens.filter((t) => t.userId === userId && !t.revokedAt);
  }

  async revokeToken(userId: string, tokenId: string): Promise<void> {
    const t = this.#doc.tokens.find((x) => x.id === tokenId && x.userId === userId && !x.revokedAt);
    if (!t) throw new AccountError(404, 'NOT_FOUND', 'No such token');
    t.revokedAt = this.#now().toISOString();
    await this.#save();
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
    const existing = this.#doc.members.find((m) => m.userId === userId && m.boardId === boardId);
    if (existing) existing.role = role;
    else this.#doc.members.push({ boardId, userId, role });
    await this.#save();
  }

  async removeMember(boardId: string, userId: string): Promise<void> {
    const owners = this.#doc.members.filter((m) => m.boardId === boardId && m.role === 'owner');
    if (owners.length === 1 && owners[0].userId === userId) throw new AccountError(409, 'LAST_OWNER', 'A board keeps at least one owner');
    this.#doc.members = this.#doc.members.filter((m) => !(m.userId === userId && m.boardId === boardId));
    await this.#save();
    this.#emit({ kind: 'member', boardId, userId });
  }

  /** Boards that have no owner yet (e.g. the demo board made before the admin existed). */
  async adoptOrphans(boardIds: string[], userId: string): Promise<void> {
    const owned = new Set(this.#doc.members.filter((m) => m.role === 'owner').map((m) => m.boardId));
    const orphans = boardIds.filter((id) => !owned.has(id));
    for (const boardId of orphans) this.#doc.members.push({ boardId, userId, role: 'owner' });
    if (orphans.length) await this.#save();
  }

  // ---- scanner pairing ------------------------------------------------------------------

  async createPairing(boardId: string, createdBy: string): Promise<{ code: string; expiresAt: string }> {
    const code = newSecret();
    const expiresAt = this.#after(PAIRING_MINUTES * 60e3);
    this.#doc.pairings.push({ hash: sha256(code), boardId, createdBy, expiresAt });
    await this.#save();
    return { code, expiresAt };
  }

  /** Turns a pairing code into a scanner session (the phone's cookie value). */
  async redeemPairing(code: string, label: string): Promise<{ secret: string; scanner: ScannerSession }> {
    const pairing = this.#doc.pairings.find((p) => p.hash === sha256(code) && p.expiresAt > this.#now().toISOString());
    if (!pairing) throw new AccountError(410, 'PAIRING_INVALID', 'This pairing code has expired or was used; show a new one on the board');
    const secret = newSecret('s.');
    const scanner: ScannerSession = {
      id: newId('p'), hash: sha256(secret), boardId: pairing.boardId, label: label.trim().slice(0, 60) || 'Phone',
      createdBy: pairing.createdBy, createdAt: this.#now().toISOString(), revokedAt: null
    };
    this.#doc.pairings = this.#doc.pairings.filter((p) => p !== pairing);
    this.#doc.scanners.push(scanner);
    await this.#save();
    return { secret, scanner };
  }

  scanners(boardId: string): ScannerSession[] {
    return this.#doc.scanners.filter((s) => s.boardId === boardId && !s.revokedAt);
  }

  async revokeScanner(boardId: string, scannerId: string): Promise<void> {
    const s = this.#doc.scanners.find((x) => x.id === scannerId && x.boardId === boardId && !x.revokedAt);
    if (!s) throw new AccountError(404, 'NOT_FOUND', 'No such scanner on this board');
    s.revokedAt = this.#now().toISOString();
    await this.#save();
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

  #save(): Promise<void> {
    this.#prune();
    const snapshot = structuredClone(this.#doc);
    // A failed save fails only its own change; the next change saves the whole document again.
    this.#saving = this.#saving.catch(() => undefined).then(() => this.#persistence.save(snapshot));
    return this.#saving;
  }

  #emit(r: Revocation): void {
    for (const fn of this.#revocations) fn(r);
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

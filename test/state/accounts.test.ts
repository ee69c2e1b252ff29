/**
 * The accounts service on in-memory persistence with a fake clock: users, invitations,
 * sessions, API tokens scoped to boards, memberships and roles (with the last-owner rule),
 * scanner pairing, revocation, and saving. Password hashing is replaced by a fast fake: the
 * memory-hard hash has its own tests and is not what these check.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Accounts, AccountError, type Revocation } from '../../server/auth/accounts';
import { MemoryAccounts } from '../../server/auth/persistence';
import { authorizeBoard, authorizeNewBoard, type BoardAction } from '../../server/auth/permissions';
import { AccountsConflict, type AccountsDoc, type AccountsPersistence, type Principal } from '../../server/auth/types';

vi.mock('../../server/auth/secrets', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../server/auth/secrets')>();
  return {
    ...mod,
    hashPassword: async (password: string) => `fake:${mod.sha256(password)}`,
    verifyPassword: async (hash: string | null, password: string) => hash === `fake:${mod.sha256(password)}`
  };
});

const DAY = 864e5;
const START = new Date('2026-03-02T10:00:00.000Z');
let now: Date;
let store: MemoryAccounts;
let accounts: Accounts;
let revoked: Revocation[];

const at = (ms: number) => (now = new Date(START.getTime() + ms));
const open = () => Accounts.open(store, () => now);
const ACTIONS: BoardAction[] = ['read', 'move', 'edit', 'settings'];
/** The actions `principal` may take on `boardId`. */
const allowed = (principal: Principal, boardId: string) =>
  ACTIONS.filter((a) => authorizeBoard(principal, boardId, a, (u, b) => accounts.roleOf(u, b)).ok);

async function user(email: string, opts: { admin?: boolean } = {}) {
  const { user } = await accounts.createUser({ email, name: email.split('@')[0], password: `${email}-pw`, ...opts });
  return user;
}
async function cookieOf(email: string): Promise<string> {
  const r = await accounts.login(email, `${email}-pw`);
  if (!r) throw new Error(`no login for ${email}`);
  return r.sessionId;
}

beforeEach(async () => {
  now = new Date(START);
  store = new MemoryAccounts();
  accounts = await open();
  revoked = [];
  accounts.onRevoke((r) => revoked.push(r));
});

describe('first start', () => {
  it('is open until the first user exists, then asks everyone for credentials', async () => {
    expect(accounts.active).toBe(false);
    expect(accounts.principal({})).toEqual({ kind: 'open' });
    await user('admin@example.test', { admin: true });
    expect(accounts.active).toBe(true);
    expect(accounts.principal({})).toEqual({ kind: 'anonymous' });
  });

  it('makes the admin from the environment, once', async () => {
    const first = await accounts.bootstrap({ adminEmail: 'Boss@Example.test', adminPassword: 'pw-1' });
    expect(first.admin).toMatchObject({ email: 'boss@example.test', admin: true });
    expect(await accounts.bootstrap({ adminEmail: 'other@example.test', adminPassword: 'pw-2' })).toEqual({});
    expect(accounts.users()).toHaveLength(1);
  });

  it('without one, hands out a one-time setup code that creates the admin', async () => {
    const { setupCode } = await accounts.bootstrap({});
    expect(setupCode).toBeTruthy();
    await expect(accounts.completeSetup('wrong', { email: 'a@example.test', name: 'A', password: 'pw' })).rejects.toMatchObject({
      status: 410,
      code: 'SETUP_DONE'
    });
    const admin = await accounts.completeSetup(setupCode!, { email: 'a@example.test', name: 'A', password: 'pw' });
    expect(admin.admin).toBe(true);
    await expect(accounts.completeSetup(setupCode!, { email: 'b@example.test', name: 'B', password: 'pw' })).rejects.toMatchObject({
      code: 'SETUP_DONE'
    });
    expect(accounts.users().map((u) => u.email)).toEqual(['a@example.test']);
  });
});

describe('users', () => {
  it('keeps emails in one case, names trimmed, and refuses a second account for an email', async () => {
    const { user: u } = await accounts.createUser({ email: '  Ann@Example.TEST ', name: '  Ann ', password: 'pw' });
    expect(u).toMatchObject({ email: 'ann@example.test', name: 'Ann', admin: false, createdAt: START.toISOString() });
    expect(accounts.userByEmail('ANN@example.test')?.id).toBe(u.id);
    expect(accounts.user(u.id)?.email).toBe('ann@example.test');
    const again = accounts.createUser({ email: 'ann@example.test', name: 'Other', password: 'pw' });
    await expect(again).rejects.toBeInstanceOf(AccountError);
    await expect(again).rejects.toMatchObject({ status: 409, code: 'EXISTS' });
    expect(accounts.users()).toHaveLength(1);
    const { user: nameless } = await accounts.createUser({ email: 'x@example.test', name: '  ', password: 'pw' });
    expect(nameless.name).toBe('x@example.test');
  });
});

describe('invitations', () => {
  it('invites a user without a password, who sets one with the code, once', async () => {
    const { user: u, inviteCode } = await accounts.createUser({ email: 'new@example.test', name: 'New' });
    expect(inviteCode).toBeTruthy();
    expect(u.passwordHash).toBeNull();
    expect(await accounts.login('new@example.test', '')).toBeNull();
    const accepted = await accounts.acceptInvite(inviteCode!, 'chosen-pw', '  Newcomer ');
    expect(accepted).toMatchObject({ id: u.id, name: 'Newcomer' });
    expect(await accounts.login('new@example.test', 'chosen-pw')).toMatchObject({ user: { id: u.id } });
    await expect(accounts.acceptInvite(inviteCode!, 'again-pw')).rejects.toMatchObject({ status: 410, code: 'INVITE_INVALID' });
  });

  it('expires after seven days', async () => {
    const { inviteCode } = await accounts.createUser({ email: 'late@example.test', name: 'Late' });
    at(7 * DAY);
    await expect(accounts.acceptInvite(inviteCode!, 'pw')).rejects.toMatchObject({ status: 410, code: 'INVITE_INVALID' });
    expect(accounts.userByEmail('late@example.test')?.passwordHash).toBeNull();
  });

  it('still works just before the seven days are up', async () => {
    const { inviteCode } = await accounts.createUser({ email: 'ontime@example.test', name: 'On time' });
    at(7 * DAY - 1);
    await expect(accounts.acceptInvite(inviteCode!, 'pw')).resolves.toMatchObject({ email: 'ontime@example.test' });
  });
});

describe('sessions', () => {
  it('signs in with the right password only, and the cookie names the user', async () => {
    const ann = await user('ann@example.test');
    expect(await accounts.login('ann@example.test', 'wrong')).toBeNull();
    expect(await accounts.login('nobody@example.test', 'ann@example.test-pw')).toBeNull();
    const r = await accounts.login('ANN@example.test', 'ann@example.test-pw');
    expect(r?.sessionId).toMatch(/^u\./);
    expect(accounts.principal({ cookie: r!.sessionId })).toMatchObject({
      kind: 'user',
      user: { id: ann.id },
      token: null,
      sessionHash: expect.any(String)
    });
    expect(accounts.principal({ cookie: 'u.made-up' })).toEqual({ kind: 'anonymous' });
    expect(accounts.principal({ cookie: 'something-else' })).toEqual({ kind: 'anonymous' });
  });

  it('expire after thirty days', async () => {
    await user('ann@example.test');
    const cookie = await cookieOf('ann@example.test');
    at(30 * DAY - 1);
    expect(accounts.principal({ cookie }).kind).toBe('user');
    at(30 * DAY);
    expect(accounts.principal({ cookie })).toEqual({ kind: 'anonymous' });
  });

  it('signs one session out, and tells the live connections which one', async () => {
    await user('ann@example.test');
    const one = await cookieOf('ann@example.test');
    const two = await cookieOf('ann@example.test');
    const hash = (accounts.principal({ cookie: one }) as { sessionHash: string }).sessionHash;
    await accounts.logout(one);
    expect(accounts.principal({ cookie: one })).toEqual({ kind: 'anonymous' });
    expect(accounts.principal({ cookie: two }).kind).toBe('user');
    expect(revoked).toEqual([{ kind: 'session', sessionHash: hash }]);
  });

  it('signs a user out everywhere, leaving other users and API tokens alone', async () => {
    const ann = await user('ann@example.test');
    await user('bob@example.test');
    const cookies = [await cookieOf('ann@example.test'), await cookieOf('ann@example.test')];
    const bob = await cookieOf('bob@example.test');
    const { token } = await accounts.createToken(ann.id, { name: 'ci' });
    await accounts.logoutEverywhere(ann.id);
    for (const cookie of cookies) expect(accounts.principal({ cookie })).toEqual({ kind: 'anonymous' });
    expect(accounts.principal({ cookie: bob }).kind).toBe('user');
    expect(accounts.principal({ bearer: token }).kind).toBe('user');
    expect(revoked).toEqual([{ kind: 'user-sessions', userId: ann.id }]);
  });
});

describe('API tokens', () => {
  it('reach only the boards they are scoped to, and only read without write', async () => {
    const ann = await user('ann@example.test');
    await accounts.setMember('b_1', ann.id, 'owner');
    await accounts.setMember('b_2', ann.id, 'owner');
    const scoped = await accounts.createToken(ann.id, { name: ' deploy ', boardIds: ['b_1'], write: true });
    expect(scoped.token).toMatch(/^kb_/);
    expect(scoped.record).toMatchObject({ name: 'deploy', boardIds: ['b_1'], write: true, revokedAt: null });
    expect(scoped.record.hash).not.toContain(scoped.token);
    const p = accounts.principal({ bearer: scoped.token });
    expect(p).toMatchObject({ kind: 'user', user: { id: ann.id }, token: { id: scoped.record.id } });
    expect(allowed(p, 'b_1')).toEqual(['read', 'move', 'edit', 'settings']);
    expect(allowed(p, 'b_2')).toEqual([]);
    expect(authorizeNewBoard(p).ok).toBe(false);

    const reader = await accounts.createToken(ann.id, { name: '' });
    expect(reader.record).toMatchObject({ name: 'token', boardIds: null, write: false });
    const r = accounts.principal({ bearer: reader.token });
    expect(allowed(r, 'b_1')).toEqual(['read']);
    expect(allowed(r, 'b_2')).toEqual(['read']);
    expect(allowed(r, 'b_3')).toEqual([]);
  });

  it('never go past their user’s role', async () => {
    const ann = await user('ann@example.test');
    await accounts.setMember('b_1', ann.id, 'viewer');
    const { token } = await accounts.createToken(ann.id, { name: 'ci', write: true });
    expect(allowed(accounts.principal({ bearer: token }), 'b_1')).toEqual(['read']);
  });

  it('stop working when revoked, by their own user only', async () => {
    const ann = await user('ann@example.test');
    const bob = await user('bob@example.test');
    const a = await accounts.createToken(ann.id, { name: 'one' });
    const b = await accounts.createToken(ann.id, { name: 'two' });
    await expect(accounts.revokeToken(bob.id, a.record.id)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(revoked).toEqual([]);
    await accounts.revokeToken(ann.id, a.record.id);
    expect(accounts.principal({ bearer: a.token })).toEqual({ kind: 'anonymous' });
    expect(accounts.principal({ bearer: b.token }).kind).toBe('user');
    expect(accounts.tokens(ann.id).map((t) => t.name)).toEqual(['two']);
    expect(revoked).toEqual([{ kind: 'token', tokenId: a.record.id }]);
    await expect(accounts.revokeToken(ann.id, a.record.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe('members and roles', () => {
  it('gives each role its actions, and an admin every board', async () => {
    const roles = { viewer: await user('v@example.test'), editor: await user('e@example.test'), owner: await user('o@example.test') };
    for (const [role, u] of Object.entries(roles)) await accounts.setMember('b_1', u.id, role as 'viewer');
    await user('admin@example.test', { admin: true });
    const outsider = await user('x@example.test');
    const as = async (email: string) => accounts.principal({ cookie: await cookieOf(email) });
    expect(allowed(await as('v@example.test'), 'b_1')).toEqual(['read']);
    expect(allowed(await as('e@example.test'), 'b_1')).toEqual(['read', 'move', 'edit']);
    expect(allowed(await as('o@example.test'), 'b_1')).toEqual(['read', 'move', 'edit', 'settings']);
    expect(allowed(await as('admin@example.test'), 'b_other')).toEqual(['read', 'move', 'edit', 'settings']);
    expect(allowed(await as('x@example.test'), 'b_1')).toEqual([]);
    expect(accounts.roleOf(outsider.id, 'b_1')).toBeNull();
    expect(accounts.members('b_1').map((m) => [m.email, m.role])).toEqual([
      ['v@example.test', 'viewer'],
      ['e@example.test', 'editor'],
      ['o@example.test', 'owner']
    ]);
    expect([...accounts.boardsOf(roles.owner.id)]).toEqual(['b_1']);
  });

  it('changes a role in place rather than adding a second membership', async () => {
    const ann = await user('ann@example.test');
    await accounts.setMember('b_1', ann.id, 'viewer');
    await accounts.setMember('b_1', ann.id, 'editor');
    expect(accounts.members('b_1').map((m) => m.role)).toEqual(['editor']);
  });

  it('keeps at least one owner: the last one can be neither demoted nor removed', async () => {
    const ann = await user('ann@example.test');
    const bob = await user('bob@example.test');
    await accounts.setMember('b_1', ann.id, 'owner');
    await accounts.setMember('b_1', bob.id, 'editor');
    const saves = vi.spyOn(store, 'save');
    await expect(accounts.setMember('b_1', ann.id, 'editor')).rejects.toMatchObject({ status: 409, code: 'LAST_OWNER' });
    await expect(accounts.removeMember('b_1', ann.id)).rejects.toMatchObject({ status: 409, code: 'LAST_OWNER' });
    expect(saves).not.toHaveBeenCalled();
    expect(accounts.roleOf(ann.id, 'b_1')).toBe('owner');
    expect(revoked).toEqual([]);

    await accounts.setMember('b_1', bob.id, 'owner');
    await accounts.setMember('b_1', ann.id, 'viewer');
    expect(accounts.roleOf(ann.id, 'b_1')).toBe('viewer');
    await expect(accounts.setMember('b_1', bob.id, 'viewer')).rejects.toMatchObject({ code: 'LAST_OWNER' });
    // The rule is per board: owning another board alone is fine.
    await accounts.setMember('b_2', ann.id, 'owner');
    await accounts.removeMember('b_1', ann.id);
    expect(accounts.roleOf(ann.id, 'b_1')).toBeNull();
    expect(accounts.roleOf(ann.id, 'b_2')).toBe('owner');
    expect(revoked).toEqual([{ kind: 'member', boardId: 'b_1', userId: ann.id }]);
  });

  it('gives boards without an owner to a user, and leaves owned boards alone', async () => {
    const ann = await user('ann@example.test');
    const bob = await user('bob@example.test');
    await accounts.setMember('b_owned', bob.id, 'owner');
    await accounts.setMember('b_viewed', bob.id, 'viewer');
    await accounts.adoptOrphans(['b_owned', 'b_viewed', 'b_demo'], ann.id);
    expect(accounts.roleOf(ann.id, 'b_owned')).toBeNull();
    expect(accounts.roleOf(ann.id, 'b_viewed')).toBe('owner');
    expect(accounts.roleOf(ann.id, 'b_demo')).toBe('owner');
  });
});

describe('scanner pairing', () => {
  it('turns a pairing code into a scanner session for that board only, once', async () => {
    const ann = await user('ann@example.test');
    const { code, expiresAt } = await accounts.createPairing('b_1', ann.id);
    expect(expiresAt).toBe(new Date(START.getTime() + 10 * 60e3).toISOString());
    expect(accounts.pairingBoard(code)).toBe('b_1');
    expect(accounts.pairingBoard('not-a-code')).toBeNull();
    const { secret, scanner } = await accounts.redeemPairing(code, '  Hall phone  ');
    expect(secret).toMatch(/^s\./);
    expect(scanner).toMatchObject({ boardId: 'b_1', label: 'Hall phone', createdBy: ann.id, revokedAt: null });
    const p = accounts.principal({ cookie: secret });
    expect(p).toMatchObject({ kind: 'scanner', scanner: { id: scanner.id } });
    expect(allowed(p, 'b_1')).toEqual(['read', 'move']);
    expect(allowed(p, 'b_2')).toEqual([]);
    expect(authorizeNewBoard(p).ok).toBe(false);
    expect(accounts.pairingBoard(code)).toBeNull();
    await expect(accounts.redeemPairing(code, 'Second phone')).rejects.toMatchObject({ status: 410, code: 'PAIRING_INVALID' });
    expect(accounts.scanners('b_1')).toHaveLength(1);
  });

  it('names a phone “Phone” without a label, and keeps a long label short', async () => {
    const ann = await user('ann@example.test');
    const a = await accounts.redeemPairing((await accounts.createPairing('b_1', ann.id)).code, '   ');
    const b = await accounts.redeemPairing((await accounts.createPairing('b_1', ann.id)).code, 'x'.repeat(100));
    expect(a.scanner.label).toBe('Phone');
    expect(b.scanner.label).toHaveLength(60);
  });

  it('expires after ten minutes', async () => {
    const ann = await user('ann@example.test');
    const { code } = await accounts.createPairing('b_1', ann.id);
    at(10 * 60e3 - 1);
    expect(accounts.pairingBoard(code)).toBe('b_1');
    at(10 * 60e3);
    expect(accounts.pairingBoard(code)).toBeNull();
    await expect(accounts.redeemPairing(code, 'Late phone')).rejects.toMatchObject({ status: 410, code: 'PAIRING_INVALID' });
    expect(accounts.scanners('b_1')).toEqual([]);
  });

  it('revokes a paired phone on its board, and tells the live connections', async () => {
    const ann = await user('ann@example.test');
    const { secret, scanner } = await accounts.redeemPairing((await accounts.createPairing('b_1', ann.id)).code, 'Phone');
    await expect(accounts.revokeScanner('b_2', scanner.id)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(accounts.principal({ cookie: secret }).kind).toBe('scanner');
    await accounts.revokeScanner('b_1', scanner.id);
    expect(accounts.principal({ cookie: secret })).toEqual({ kind: 'anonymous' });
    expect(accounts.scanners('b_1')).toEqual([]);
    expect(revoked).toEqual([{ kind: 'scanner', boardId: 'b_1', scannerId: scanner.id }]);
    await expect(accounts.revokeScanner('b_1', scanner.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe('saving', () => {
  it('keeps users, sessions, tokens, members and scanners across a restart, and drops what expired', async () => {
    const ann = await user('ann@example.test');
    const cookie = await cookieOf('ann@example.test');
    const { token } = await accounts.createToken(ann.id, { name: 'ci' });
    await accounts.setMember('b_1', ann.id, 'owner');
    const { secret } = await accounts.redeemPairing((await accounts.createPairing('b_1', ann.id)).code, 'Phone');
    const pending = await accounts.createPairing('b_1', ann.id);
    const { inviteCode } = await accounts.createUser({ email: 'new@example.test', name: 'New' });

    const again = await open();
    expect(again.principal({ cookie })).toMatchObject({ kind: 'user', user: { id: ann.id } });
    expect(again.principal({ bearer: token }).kind).toBe('user');
    expect(again.principal({ cookie: secret }).kind).toBe('scanner');
    expect(again.roleOf(ann.id, 'b_1')).toBe('owner');
    expect(again.pairingBoard(pending.code)).toBe('b_1');

    at(8 * DAY);
    const later = await open();
    expect(later.pairingBoard(pending.code)).toBeNull();
    await expect(later.acceptInvite(inviteCode!, 'pw')).rejects.toMatchObject({ code: 'INVITE_INVALID' });
    expect(later.principal({ cookie }).kind).toBe('user');
    // Expired entries are dropped in memory at start, and from storage with the next change.
    await later.createToken(ann.id, { name: 'after restart' });
    const doc = (await store.load())!.doc;
    expect(doc.invites).toEqual([]);
    expect(doc.pairings).toEqual([]);
  });

  it('leaves nothing behind when a save fails', async () => {
    await user('ann@example.test');
    vi.spyOn(store, 'save').mockRejectedValueOnce(new Error('disk full'));
    await expect(accounts.createUser({ email: 'bob@example.test', name: 'Bob', password: 'pw' })).rejects.toThrow('disk full');
    expect(accounts.userByEmail('bob@example.test')).toBeUndefined();
    await expect(accounts.createUser({ email: 'bob@example.test', name: 'Bob', password: 'pw' })).resolves.toMatchObject({
      user: { email: 'bob@example.test' }
    });
  });

  it('runs a change again on the fresh document when another server saved first', async () => {
    const shared = new SharedStore();
    const here = await Accounts.open(shared, () => now);
    const there = await Accounts.open(shared, () => now);
    await here.createUser({ email: 'ann@example.test', name: 'Ann', password: 'pw' });
    await there.createUser({ email: 'bob@example.test', name: 'Bob', password: 'pw' });
    expect(shared.conflicts).toBe(1);
    expect((await shared.load())!.doc.users.map((u) => u.email)).toEqual(['ann@example.test', 'bob@example.test']);
    expect(there.userByEmail('ann@example.test')).toBeDefined();
  });
});

describe('several servers on one accounts store', () => {
  it('a reload that was asked before a save and answers after it does not bring back the older accounts', async () => {
    const shared = new SharedStore();
    const here = await Accounts.open(shared, () => now);
    const { user: ann } = await here.createUser({ email: 'ann@example.test', name: 'Ann', password: 'pw' });
    const release = shared.holdNextLoad();
    const reload = here.refresh(true);
    const { token } = await here.createToken(ann.id, { name: 'ci' });
    release();
    await reload;
    expect(here.principal({ bearer: token }).kind).toBe('user');
  });

  it('a change that lost the race to another server is made on top of that server’s change, even after a reload in between', async () => {
    const shared = new SharedStore();
    const here = await Accounts.open(shared, () => now);
    const { user: ann } = await here.createUser({ email: 'ann@example.test', name: 'Ann', password: 'pw' });
    const there = await Accounts.open(shared, () => now);
    const release = shared.holdNextSave();
    const making = here.createToken(ann.id, { name: 'ci' });
    // Its save is on its way (held) before the other server changes anything.
    await new Promise((resolve) => setImmediate(resolve));
    expect(shared.heldSaves).toBe(1);
    await there.createUser({ email: 'bob@example.test', name: 'Bob', password: 'pw' });
    // An unknown credential makes this server reload while its own save is still on its way.
    await here.refresh(true);
    release();
    const { token } = await making;
    expect(shared.conflicts).toBe(1);
    const stored = (await shared.load())!.doc;
    expect(stored.users.map((u) => u.email)).toEqual(['ann@example.test', 'bob@example.test']);
    expect(stored.tokens.map((t) => t.name)).toEqual(['ci']);
    expect(here.userByEmail('bob@example.test')).toBeDefined();
    expect(here.principal({ bearer: token }).kind).toBe('user');
  });
});

/**
 * Persistence shared by several servers: a save against an old version is refused. A test
 * may hold the next load or save: a held load answers what was stored when it was asked (a
 * read that started earlier and arrives late); a held save compares versions when released.
 */
class SharedStore implements AccountsPersistence {
  readonly shared = true;
  conflicts = 0;
  heldSaves = 0;
  #stored: { doc: AccountsDoc; version: number } | null = null;
  #holdLoad: Promise<void> | null = null;
  #holdSave: Promise<void> | null = null;

  holdNextLoad(): () => void {
    let release!: () => void;
    this.#holdLoad = new Promise((r) => (release = r));
    return release;
  }

  holdNextSave(): () => void {
    let release!: () => void;
    this.#holdSave = new Promise((r) => (release = r));
    return release;
  }

  async load() {
    const snapshot = this.#stored && structuredClone(this.#stored);
    const hold = this.#holdLoad;
    this.#holdLoad = null;
    if (hold) await hold;
    return snapshot;
  }

  async save(doc: AccountsDoc, expected: number): Promise<number> {
    const hold = this.#holdSave;
    this.#holdSave = null;
    if (hold) {
      this.heldSaves++;
      await hold;
    }
    const version = this.#stored?.version ?? 0;
    if (version !== expected) {
      this.conflicts++;
      throw new AccountsConflict('changed meanwhile');
    }
    this.#stored = { doc: structuredClone(doc), version: version + 1 };
    return version + 1;
  }
}

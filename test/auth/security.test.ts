/**
 * Security regressions: sign-in backoff that cannot lock the real user out, board-scoped API
 * tokens, sign-out ending open sockets, scanners and member lists, the last owner, invitation
 * checks and the board-creation quota.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
const ADMIN = { email: 'admin@example.test', password: 'admin-password-1' };

interface Reply {
  status: number;
  text: string;
  json: () => { error?: { code: string; message: string } } & Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

/** One API request, optionally sent from another loopback address (127.0.0.x). */
function call(
  method: string,
  path: string,
  opts: { cookie?: string; bearer?: string; body?: unknown; from?: string } = {}
): Promise<Reply> {
  const url = new URL(t.url + path);
  const headers: Record<string, string> = { origin: t.url };
  if (opts.cookie) headers.cookie = `kb_session=${opts.cookie}`;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const data = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (data !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, localAddress: opts.from ?? '127.0.0.1' },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text), headers: res.headers });
        });
      }
    );
    req.on('error', reject);
    req.end(data);
  });
}

const cookieOf = (r: Reply) => /kb_session=([^;]+)/.exec(String(r.headers['set-cookie']))![1];

async function login(email: string, password: string, from?: string): Promise<string> {
  const r = await call('POST', '/api/auth/login', { body: { email, password }, from });
  expect(r.status, r.text).toBe(200);
  return cookieOf(r);
}

let admin: string;
async function newUser(name: string): Promise<{ email: string; password: string; id: string }> {
  const email = `${name}@example.test`;
  const password = `${name}-password-1`;
  const r = await call('POST', '/api/users', { cookie: admin, body: { email, name, password } });
  expect(r.status, r.text).toBe(201);
  return { email, password, id: (r.json().user as { id: string }).id };
}

beforeAll(async () => {
  t = await startTestApp({ admin: ADMIN });
  admin = await login(ADMIN.email, ADMIN.password, '127.0.9.1');
});
afterAll(async () => t.close());

describe('sign-in backoff', () => {
  it('a wrong-password flood from other addresses does not lock the real user out of their own address', async () => {
    const victim = await newUser('victim');
    for (let i = 0; i < 40; i++) {
      const from = `127.0.1.${(i % 20) + 1}`;
      const r = await call('POST', '/api/auth/login', { body: { email: victim.email, password: 'wrong-password' }, from });
      expect([401, 429]).toContain(r.status);
    }
    const r = await call('POST', '/api/auth/login', { body: { email: victim.email, password: victim.password }, from: '127.0.2.1' });
    expect(r.status, r.text).toBe(200);
  });

  it('repeated wrong passwords for one account from one address answer 429 with Retry-After and a clear message', async () => {
    const user = await newUser('guessed');
    const statuses: number[] = [];
    let limited: Reply | undefined;
    for (let i = 0; i < 8; i++) {
      const r = await call('POST', '/api/auth/login', { body: { email: user.email, password: 'wrong-password' }, from: '127.0.3.1' });
      statuses.push(r.status);
      if (r.status === 429) limited ??= r;
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(limited, statuses.join()).toBeDefined();
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited!.json().error).toEqual({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/too many sign-in attempts.*try again/i)
    });
    // Even the right password waits from that address…
    expect(
      (await call('POST', '/api/auth/login', { body: { email: user.email, password: user.password }, from: '127.0.3.1' })).status
    ).toBe(429);
    // …but not from the user's own.
    expect(
      (await call('POST', '/api/auth/login', { body: { email: user.email, password: user.password }, from: '127.0.3.2' })).status
    ).toBe(200);
  });

  it('one address guessing many accounts is limited per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await call('POST', '/api/auth/login', {
        body: { email: `nobody${i}@example.test`, password: 'wrong-password' },
        from: '127.0.4.1'
      });
      statuses.push(r.status);
    }
    expect(statuses).toContain(429);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    // Another address is not affected.
    expect(
      (await call('POST', '/api/auth/login', { body: { email: 'nobody0@example.test', password: 'wrong-password' }, from: '127.0.4.2' }))
        .status
    ).toBe(401);
  });
});

async function newBoard(cookie: string, name: string): Promise<string> {
  const r = await call('POST', '/api/boards', { cookie, body: { name } });
  expect(r.status, r.text).toBe(201);
  return r.json().id as string;
}

async function newToken(cookie: string, body: { name: string; boardIds?: string[]; write?: boolean }): Promise<string> {
  const r = await call('POST', '/api/tokens', { cookie, body });
  expect(r.status, r.text).toBe(201);
  return r.json().token as string;
}

describe('board-scoped API tokens', () => {
  it('an admin token limited to one board lists only that board and no users', async () => {
    await newUser('someone');
    const a = await newBoard(admin, 'Scoped A');
    const b = await newBoard(admin, 'Scoped B');
    const token = await newToken(admin, { name: 'read one', boardIds: [a] });
    const boards = await call('GET', '/api/boards', { bearer: token });
    expect(boards.status).toBe(200);
    expect((boards.json().boards as { id: string }[]).map((x) => x.id)).toEqual([a]);
    const users = await call('GET', '/api/users', { bearer: token });
    expect(users.status).toBe(403);
    expect(users.json().error).toEqual({ code: 'FORBIDDEN', message: expect.stringMatching(/limited to some boards/i) });
    expect(users.text).not.toContain('someone@example.test');
    expect((await call('GET', `/api/boards/${b}`, { bearer: token })).status).toBe(403);
    const members = await call('GET', `/api/boards/${a}/members`, { bearer: token });
    expect(members.status).toBe(403);
    expect(members.text).not.toContain(ADMIN.email);
    // An unscoped admin token still lists users.
    const all = await newToken(admin, { name: 'read all' });
    expect((await call('GET', '/api/users', { bearer: all })).text).toContain('someone@example.test');
    expect((await call('GET', '/api/boards', { bearer: all })).text).toContain(b);
  });

  it('a write token limited to one board cannot create boards or import', async () => {
    const a = await newBoard(admin, 'Scoped W');
    const token = await newToken(admin, { name: 'write one', boardIds: [a], write: true });
    const before = (await t.app.service.listBoards()).length;
    const created = await call('POST', '/api/boards', { bearer: token, body: { name: 'Sneaky' } });
    expect(created.status).toBe(403);
    expect(created.json().error).toEqual({ code: 'FORBIDDEN', message: expect.stringMatching(/limited to some boards/i) });
    const imported = await call('POST', '/api/import?format=trello', { bearer: token, body: { name: 'Sneaky', lists: [], cards: [] } });
    expect(imported.status).toBe(403);
    expect(imported.json().error).toEqual({ code: 'FORBIDDEN', message: expect.stringMatching(/limited to some boards/i) });
    expect((await t.app.service.listBoards()).length).toBe(before);
    // It still works on its board.
    expect((await call('POST', `/api/boards/${a}/cards`, { bearer: token, body: { title: 'Allowed' } })).status).toBe(201);
  });
});

function socketWith(cookie: string): Promise<Socket> {
  const s = connect(t.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: `kb_session=${cookie}` } });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

describe('sign-out', () => {
  it('ends the open sockets of that session, and only of that session', async () => {
    const user = await newUser('leaver');
    const session = await login(user.email, user.password, '127.0.5.1');
    const other = await login(user.email, user.password, '127.0.5.2');
    const board = await newBoard(session, 'Leaving');
    const s = await socketWith(session);
    const kept = await socketWith(other);
    for (const x of [s, kept]) expect((await x.timeout(5000).emitWithAck('board:join', { boardId: board })).ok).toBe(true);
    const seen: string[] = [];
    s.on('board:events', (m) => seen.push(JSON.stringify(m)));
    const keptSeen: string[] = [];
    kept.on('board:events', (m) => keptSeen.push(JSON.stringify(m)));
    const gone = new Promise((resolve) => s.once('disconnect', resolve));
    const out = await call('POST', '/api/auth/logout', { cookie: session, body: {} });
    expect(out.status).toBe(200);
    await gone;
    expect(s.connected).toBe(false);
    expect((await call('POST', `/api/boards/${board}/cards`, { cookie: other, body: { title: 'After sign-out' } })).status).toBe(201);
    await expect.poll(() => keptSeen.join()).toContain('After sign-out');
    expect(seen.join()).not.toContain('After sign-out');
    expect(kept.connected).toBe(true);
    kept.close();
  });
});

async function pairScanner(ownerCookie: string, boardId: string): Promise<string> {
  const pairing = await call('POST', `/api/boards/${boardId}/pairings`, { cookie: ownerCookie });
  expect(pairing.status, pairing.text).toBe(201);
  const code = (pairing.json().url as string).split('/pair/')[1];
  const paired = await call('POST', '/api/pair', { body: { code, label: 'Phone' } });
  expect(paired.status, paired.text).toBe(201);
  return cookieOf(paired);
}

describe('paired scanners', () => {
  it('cannot read the member list (403), while a viewer still can', async () => {
    const board = await newBoard(admin, 'Scanned');
    const viewer = await newUser('memberviewer');
    expect(
      (await call('POST', `/api/boards/${board}/members`, { cookie: admin, body: { email: viewer.email, role: 'viewer' } })).status
    ).toBe(200);
    const scanner = await pairScanner(admin, board);
    const r = await call('GET', `/api/boards/${board}/members`, { cookie: scanner });
    expect(r.status).toBe(403);
    expect(r.json().error).toEqual({ code: 'FORBIDDEN', message: expect.stringMatching(/scanner/i) });
    expect(r.text).not.toContain('@example.test');
    const v = await call('GET', `/api/boards/${board}/members`, { cookie: await login(viewer.email, viewer.password, '127.0.6.1') });
    expect(v.status).toBe(200);
    expect(v.text).toContain(viewer.email);
  });

  it('the settings page refuses a scanner and shows members to an owner', async () => {
    const { load } = await import('../../src/routes/boards/[boardId]/settings/+page.server');
    const board = await newBoard(admin, 'Scanned page');
    const scanner = await pairScanner(admin, board);
    const run = (cookie: string) =>
      (load as unknown as (e: unknown) => Promise<{ members: { email: string }[] }>)({
        params: { boardId: board },
        locals: { app: t.app, principal: t.app.accounts.principal({ cookie }) },
        depends: () => {}
      });
    await expect(run(scanner)).rejects.toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const data = await run(admin);
    expect(data.members.map((m) => m.email)).toContain(ADMIN.email);
  });
});

describe('the last owner', () => {
  it('cannot demote themself or be removed (409); with a second owner they can step down', async () => {
    const owner = await newUser('soleowner');
    const second = await newUser('secondowner');
    const cookie = await login(owner.email, owner.password, '127.0.7.1');
    const board = await newBoard(cookie, 'Owned');
    for (const role of ['editor', 'viewer'] as const) {
      const r = await call('POST', `/api/boards/${board}/members`, { cookie, body: { email: owner.email, role } });
      expect(r.status, r.text).toBe(409);
      expect(r.json().error).toEqual({ code: 'LAST_OWNER', message: expect.stringMatching(/at least one owner/i) });
    }
    const removed = await call('DELETE', `/api/boards/${board}/members/${owner.id}`, { cookie });
    expect(removed.status).toBe(409);
    expect(removed.json().error?.code).toBe('LAST_OWNER');
    expect(t.app.accounts.roleOf(owner.id, board)).toBe('owner');
    expect((await call('POST', `/api/boards/${board}/members`, { cookie, body: { email: second.email, role: 'owner' } })).status).toBe(200);
    expect((await call('POST', `/api/boards/${board}/members`, { cookie, body: { email: owner.email, role: 'editor' } })).status).toBe(200);
    expect(t.app.accounts.roleOf(owner.id, board)).toBe('editor');
    // The remaining owner is now the last one.
    const admin2 = await call('POST', `/api/boards/${board}/members`, { cookie: admin, body: { email: second.email, role: 'viewer' } });
    expect(admin2.status).toBe(409);
  });
});

describe('invitations', () => {
  it('wrong codes from one address are rate-limited (429, Retry-After); another address still accepts its invitation', async () => {
    const invited = await call('POST', '/api/users', { cookie: admin, body: { email: 'invited@example.test', name: 'Invited' } });
    expect(invited.status, invited.text).toBe(201);
    const code = (invited.json().inviteUrl as string).split('/invite/')[1];
    const statuses: number[] = [];
    let limited: Reply | undefined;
    for (let i = 0; i < 15; i++) {
      const r = await call('POST', '/api/auth/invite', { body: { code: `wrong-${i}`, password: 'a-good-password' }, from: '127.0.8.1' });
      statuses.push(r.status);
      if (r.status === 429) limited ??= r;
    }
    expect(statuses.slice(0, 5)).toEqual([410, 410, 410, 410, 410]);
    expect(limited, statuses.join()).toBeDefined();
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited!.json().error).toEqual({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/too many invitation attempts.*try again/i)
    });
    // The limited address cannot use even the right code for now; another address can.
    expect((await call('POST', '/api/auth/invite', { body: { code, password: 'a-good-password' }, from: '127.0.8.1' })).status).toBe(429);
    const ok = await call('POST', '/api/auth/invite', { body: { code, password: 'a-good-password' }, from: '127.0.8.2' });
    expect(ok.status, ok.text).toBe(200);
  });
});

/** Runs `fn` with some environment variables set, then restores them. */
async function withEnv(vars: Record<string, string>, fn: () => Promise<void>) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('board-creation quota', () => {
  it('answers 429 with Retry-After once a user made the hourly number of boards; others are not affected', async () => {
    await withEnv({ KANBRIDGE_BOARDS_PER_HOUR: '3' }, async () => {
      const maker = await newUser('maker');
      const cookie = await login(maker.email, maker.password, '127.0.10.1');
      // A refused file does not count.
      expect((await call('POST', '/api/import?format=trello', { cookie, body: { nonsense: true } })).status).toBe(400);
      for (let i = 0; i < 3; i++) await newBoard(cookie, `Mine ${i}`);
      const before = (await t.app.service.listBoards()).length;
      const r = await call('POST', '/api/boards', { cookie, body: { name: 'One too many' } });
      expect(r.status).toBe(429);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      expect(r.json().error).toEqual({ code: 'RATE_LIMITED', message: expect.stringMatching(/3 boards an hour.*try again/i) });
      const imported = await call('POST', '/api/import?format=trello', { cookie, body: { name: 'Imported', lists: [], cards: [] } });
      expect(imported.status).toBe(429);
      expect((await t.app.service.listBoards()).length).toBe(before);
      const other = await newUser('othermaker');
      await newBoard(await login(other.email, other.password, '127.0.10.2'), 'Theirs');
    });
  });

  it('answers 429 once a user owns the most boards allowed', async () => {
    await withEnv({ KANBRIDGE_MAX_BOARDS_PER_USER: '2' }, async () => {
      const hoarder = await newUser('hoarder');
      const cookie = await login(hoarder.email, hoarder.password, '127.0.10.3');
      await newBoard(cookie, 'H1');
      await newBoard(cookie, 'H2');
      const r = await call('POST', '/api/boards', { cookie, body: { name: 'H3' } });
      expect(r.status).toBe(429);
      expect(r.json().error).toEqual({ code: 'BOARD_LIMIT', message: expect.stringMatching(/owns? 2 boards/i) });
    });
  });
});

export { connect, type Socket };

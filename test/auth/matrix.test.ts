/**
 * The authorization matrix, generated from the route table (API_ROUTES) and the Socket.IO
 * events, so a new route or event cannot be forgotten: every one is called as each kind of
 * principal and must be allowed exactly where the role allows; otherwise it answers 401/403,
 * changes nothing and leaks no data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { API_ROUTES } from '../../server/app';
import { accessOf, type Access } from '../../server/gateway/http';
import { newOpId, type BoardState } from '../../src/lib/domain';
import { startTestApp, type TestApp } from '../helpers/app';

type Who = 'anonymous' | 'viewer' | 'editor' | 'owner' | 'scanner' | 'outsider' | 'revokedToken' | 'revokedScanner';
const WHO: Who[] = ['anonymous', 'viewer', 'editor', 'owner', 'scanner', 'outsider', 'revokedToken', 'revokedScanner'];
type Cred = { cookie?: string; bearer?: string };

let t: TestApp;
let board: BoardState;
let other: BoardState;
const creds: Record<Who, Cred> = {} as Record<Who, Cred>;
const ADMIN = { email: 'admin@example.test', password: 'admin-password-1' };

async function call(method: string, path: string, cred: Cred, body?: unknown) {
  // As this site's pages send it (a write with a session and no Origin can be refused).
  const headers: Record<string, string> = { origin: t.url };
  if (cred.cookie) headers.cookie = `kb_session=${cred.cookie}`;
  if (cred.bearer) headers.authorization = `Bearer ${cred.bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(t.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, setCookie: res.headers.get('set-cookie') };
}

async function login(email: string, password: string): Promise<string> {
  const r = await call('POST', '/api/auth/login', {}, { email, password });
  expect(r.status).toBe(200);
  return /kb_session=([^;]+)/.exec(r.setCookie!)![1];
}

beforeAll(async () => {
  t = await startTestApp({ admin: ADMIN });
  const admin = await login(ADMIN.email, ADMIN.password);
  const people = ['viewer', 'editor', 'owner', 'outsider'] as const;
  for (const p of people) {
    const r = await call('POST', '/api/users', { cookie: admin }, { email: `${p}@example.test`, name: p, password: `${p}-password-1` });
    expect(r.status).toBe(201);
  }
  for (const p of people) creds[p] = { cookie: await login(`${p}@example.test`, `${p}-password-1`) };
  const created = await call('POST', '/api/boards', creds.owner, { name: 'Team A' });
  board = JSON.parse(created.text);
  other = JSON.parse((await call('POST', '/api/boards', creds.outsider, { name: 'Team B' })).text);
  for (const [who, role] of [
    ['viewer', 'viewer'],
    ['editor', 'editor']
  ] as const) {
    expect((await call('POST', `/api/boards/${board.id}/members`, creds.owner, { email: `${who}@example.test`, role })).status).toBe(200);
  }
  await call('POST', `/api/boards/${board.id}/cards`, creds.owner, { title: 'A card' });
  // a token of the owner, then revoked ("expired")
  const token = JSON.parse((await call('POST', '/api/tokens', creds.owner, { name: 'ci', write: true })).text);
  expect((await call('DELETE', `/api/tokens/${token.id}`, creds.owner)).status).toBe(200);
  creds.revokedToken = { bearer: token.token };
  // two paired phones; the second is revoked
  const pair = async () => {
    const { url } = JSON.parse((await call('POST', `/api/boards/${board.id}/pairings`, creds.owner)).text);
    const r = await call('POST', '/api/pair', {}, { code: url.split('/pair/')[1], label: 'Phone' });
    expect(r.status).toBe(201);
    return { cookie: /kb_session=([^;]+)/.exec(r.setCookie!)![1], id: JSON.parse(r.text).scanner.id as string };
  };
  creds.scanner = { cookie: (await pair()).cookie };
  const revoked = await pair();
  expect((await call('DELETE', `/api/boards/${board.id}/scanners/${revoked.id}`, creds.owner)).status).toBe(200);
  creds.revokedScanner = { cookie: revoked.cookie };
  creds.anonymous = {};
});
afterAll(async () => t.close());

const BOARD_RANK = { read: 0, move: 1, edit: 2, settings: 3 } as const;
const ROLE_RANK: Partial<Record<Who, number>> = { viewer: 0, scanner: 1, editor: 2, owner: 3 };

function expected(access: Access, who: Who): number | 'allowed' {
  if (access === 'public') return 'allowed';
  if (who === 'anonymous' || who === 'revokedToken' || who === 'revokedScanner') return 401;
  if (access === 'any') return 'allowed';
  if (access === 'user') return who === 'scanner' ? 403 : 'allowed';
  if (access === 'admin') return 403;
  const rank = ROLE_RANK[who];
  return rank !== undefined && rank >= BOARD_RANK[access.board] ? 'allowed' : 403;
}

/** Board-read routes a paired scanner still may not call: it only needs to move cards. */
const SCANNER_REFUSED = new Set(['GET /api/boards/:boardId/members']);

function fill(pattern: string): string {
  return pattern.replace(':boardId', board.id).replace(/:(\w+)/g, (_, k: string) => `${k}-x`);
}

const snapshot = async () =>
  JSON.stringify({
    board: await t.app.service.getBoard(board.id),
    users: t.app.accounts.users().length,
    members: t.app.accounts.members(board.id)
  });

describe('HTTP authorization matrix', () => {
  const rows = API_ROUTES.filter(
    (r) => !['/api/auth/login', '/api/auth/logout', '/api/auth/setup', '/api/auth/invite', '/api/pair'].includes(r.pattern)
  );
  it('covers every route', () => {
    expect(rows.length).toBeGreaterThan(15);
    for (const r of API_ROUTES) expect(accessOf(r)).toBeDefined();
  });
  for (const route of rows) {
    it(`${route.method} ${route.pattern}`, async () => {
      for (const who of WHO) {
        const before = await snapshot();
        const want = who === 'scanner' && SCANNER_REFUSED.has(`${route.method} ${route.pattern}`) ? 403 : expected(accessOf(route), who);
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
        const r = await call(route.method, fill(route.pattern), creds[who], body);
        if (want === 'allowed') {
          expect([who, r.status], r.text).not.toEqual([who, 401]);
          expect([who, r.status], r.text).not.toEqual([who, 403]);
        } else {
          expect([who, r.status], r.text).toEqual([who, want]);
          expect(JSON.parse(r.text)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
          expect(await snapshot()).toBe(before);
        }
      }
    });
  }

  it('commands: a scanner may move cards but not edit them or change settings; a viewer may do neither', async () => {
    const cardId = Object.keys((await t.app.service.getBoard(board.id))!.cards)[0];
    const cmds = {
      move: () => ({ opId: newOpId(), type: 'moveCard', cardId, toColumnId: board.columns[1].id }),
      edit: () => ({ opId: newOpId(), type: 'updateCard', cardId, changes: { title: 'Renamed' } }),
      settings: () => ({ opId: newOpId(), type: 'setWipLimit', columnId: board.columns[1].id, wipLimit: 5 })
    };
    for (const who of WHO) {
      for (const [action, make] of Object.entries(cmds) as [keyof typeof cmds, () => object][]) {
        const want = expected({ board: action }, who);
        const before = await snapshot();
        const r = await call('POST', `/api/boards/${board.id}/commands`, creds[who], make());
        if (want === 'allowed') expect([who, action, r.status], r.text).toEqual([who, action, 200]);
        else {
          expect([who, action, r.status]).toEqual([who, action, want]);
          expect(await snapshot()).toBe(before);
        }
      }
    }
  });

  it('lists only the boards a user may read and hides codes of other boards', async () => {
    const list = JSON.parse((await call('GET', '/api/boards', creds.viewer)).text).boards.map((b: { id: string }) => b.id);
    expect(list).toEqual([board.id]);
    expect((await call('GET', `/api/codes/${other.code}`, creds.viewer)).status).toBe(404);
    expect((await call('GET', `/api/codes/${board.code}`, creds.viewer)).status).toBe(200);
    expect((await call('GET', `/api/codes/${board.code}`, {})).status).toBe(401);
  });

  it('refuses a cookie-authenticated write from another site', async () => {
    const r = await fetch(`${t.url}/api/boards/${board.id}/cards`, {
      method: 'POST',
      headers: { cookie: `kb_session=${creds.owner.cookie}`, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x' })
    });
    expect(r.status).toBe(403);
  });
});

function socketFor(cred: Cred): Socket {
  return connect(t.url, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: cred.cookie ? { cookie: `kb_session=${cred.cookie}` } : {},
    auth: cred.bearer ? { token: cred.bearer } : {}
  });
}

async function open(cred: Cred): Promise<Socket | 'refused'> {
  const s = socketFor(cred);
  return new Promise((resolve) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', () => {
      s.close();
      resolve('refused');
    });
  });
}

describe('Socket.IO authorization matrix', () => {
  it('join, events-since and commands follow the roles; anonymous and revoked credentials cannot connect', async () => {
    const cardId = Object.keys((await t.app.service.getBoard(board.id))!.cards)[0];
    for (const who of WHO) {
      const s = await open(creds[who]);
      const want = expected({ board: 'read' }, who);
      if (want === 401) {
        expect([who, s]).toEqual([who, 'refused']);
        continue;
      }
      if (s === 'refused') throw new Error(`${who} was refused`);
      const join = await s.timeout(5000).emitWithAck('board:join', { boardId: board.id });
      if (want === 403) {
        expect([who, join]).toEqual([who, { ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } }]);
        const before = await snapshot();
        const cmd = await s
          .timeout(5000)
          .emitWithAck('board:command', { boardId: board.id, opId: newOpId(), type: 'moveCard', cardId, toColumnId: board.columns[2].id });
        expect(cmd.ok).toBe(false);
        expect(await snapshot()).toBe(before);
      } else {
        expect([who, join.ok]).toEqual([who, true]);
        const since = await s.timeout(5000).emitWithAck('board:events-since', { boardId: board.id, since: 0 });
        expect(since.ok).toBe(true);
        for (const [action, cmd] of [
          ['move', { type: 'moveCard', cardId, toColumnId: board.columns[Math.floor(Math.random() * 3)].id }],
          ['edit', { type: 'updateCard', cardId, changes: { description: who } }],
          ['settings', { type: 'renameColumn', columnId: board.columns[4].id, name: `Done ${who}` }]
        ] as const) {
          const before = await snapshot();
          const r = await s.timeout(5000).emitWithAck('board:command', { boardId: board.id, opId: newOpId(), ...cmd });
          if (expected({ board: action }, who) === 'allowed') expect([who, action, r.ok], JSON.stringify(r)).toEqual([who, action, true]);
          else {
            expect([who, action, r.error?.code], JSON.stringify(r)).toEqual([who, action, 'FORBIDDEN']);
            expect(await snapshot()).toBe(before);
          }
        }
      }
      s.close();
    }
  });

  it('a removed member loses the board at once on an open connection', async () => {
    const s = (await open(creds.viewer)) as Socket;
    expect((await s.timeout(5000).emitWithAck('board:join', { boardId: board.id })).ok).toBe(true);
    const revoked = new Promise((resolve) => s.once('board:revoked', resolve));
    const seen: unknown[] = [];
    s.on('board:events', (m) => seen.push(m));
    const viewerId = t.app.accounts.userByEmail('viewer@example.test')!.id;
    expect((await call('DELETE', `/api/boards/${board.id}/members/${viewerId}`, creds.owner)).status).toBe(200);
    expect(await revoked).toEqual({ boardId: board.id });
    await call('POST', `/api/boards/${board.id}/cards`, creds.owner, { title: 'Secret' });
    const since = await s.timeout(5000).emitWithAck('board:events-since', { boardId: board.id, since: 0 });
    expect(since.ok).toBe(false);
    expect(JSON.stringify(seen)).not.toContain('Secret');
    s.close();
  });

  it('a revoked scanner is disconnected at once', async () => {
    const { url } = JSON.parse((await call('POST', `/api/boards/${board.id}/pairings`, creds.owner)).text);
    const paired = await call('POST', '/api/pair', {}, { code: url.split('/pair/')[1] });
    const cookie = /kb_session=([^;]+)/.exec(paired.setCookie!)![1];
    const s = (await open({ cookie })) as Socket;
    const gone = new Promise((resolve) => s.once('disconnect', resolve));
    await call('DELETE', `/api/boards/${board.id}/scanners/${JSON.parse(paired.text).scanner.id}`, creds.owner);
    await gone;
    expect(await open({ cookie })).toBe('refused');
  });
});

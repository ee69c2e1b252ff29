/**
 * GET /api/search: cards from every board the caller may read (roles, admin, a token's
 * boards), at most 50, best first; a code matches exactly, words by prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardJson } from '../../src/lib/protocol';
import { startTestApp, type TestApp } from '../helpers/app';

type Cred = { cookie?: string; bearer?: string };
interface Hit {
  boardId: string;
  boardName: string;
  cardId: string;
  code: string;
  title: string;
  columnId: string;
  columnName: string;
}

let t: TestApp;
const ADMIN = { email: 'admin@example.test', password: 'admin-password-1' };
const creds: Record<string, Cred> = {};
let teamA: BoardJson;
let teamB: BoardJson;
const cards: Record<string, { id: string; code: string }> = {};

async function call<T = unknown>(
  method: string,
  path: string,
  cred: Cred,
  body?: unknown
): Promise<{ status: number; body: T; setCookie: string | null }> {
  const headers: Record<string, string> = {};
  if (cred.cookie) headers.cookie = `kb_session=${cred.cookie}`;
  if (cred.bearer) headers.authorization = `Bearer ${cred.bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(t.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, setCookie: res.headers.get('set-cookie') };
}

async function login(email: string, password: string): Promise<string> {
  const r = await call('POST', '/api/auth/login', {}, { email, password });
  expect(r.status).toBe(200);
  return /kb_session=([^;]+)/.exec(r.setCookie!)![1];
}

const search = (q: string, cred: Cred) => call<{ cards: Hit[] }>('GET', `/api/search?q=${encodeURIComponent(q)}`, cred);

async function addCard(board: BoardJson, cred: Cred, title: string, description = '', column = 0) {
  const r = await call<{ card: { id: string; code: string } }>('POST', `/api/boards/${board.id}/cards`, cred, {
    title,
    description,
    columnId: board.columns[column].id
  });
  expect(r.status).toBe(201);
  cards[title] = r.body.card;
  return r.body.card;
}

beforeAll(async () => {
  t = await startTestApp({ admin: ADMIN });
  creds.admin = { cookie: await login(ADMIN.email, ADMIN.password) };
  for (const p of ['ann', 'bob']) {
    expect(
      (await call('POST', '/api/users', creds.admin, { email: `${p}@example.test`, name: p, password: `${p}-password-1` })).status
    ).toBe(201);
    creds[p] = { cookie: await login(`${p}@example.test`, `${p}-password-1`) };
  }
  teamA = (await call<BoardJson>('POST', '/api/boards', creds.ann, { name: 'Team A' })).body;
  teamB = (await call<BoardJson>('POST', '/api/boards', creds.bob, { name: 'Team B' })).body;
  await addCard(teamA, creds.ann, 'Release notes', 'Write them up', 1);
  await addCard(teamA, creds.ann, 'Fix login', 'The release blocker');
  await addCard(teamB, creds.bob, 'Release party');
  const archived = await addCard(teamA, creds.ann, 'Release archive');
  const cmd = await call('POST', `/api/boards/${teamA.id}/commands`, creds.ann, {
    opId: 'op_archive1',
    type: 'archiveCard',
    cardId: archived.id
  });
  expect(cmd.status).toBe(200);
});
afterAll(async () => t.close());

describe('GET /api/search', () => {
  it('returns the documented shape, best matches first, archived cards left out', async () => {
    const r = await search('rele', creds.ann);
    expect(r.status).toBe(200);
    expect(r.body.cards.map((c) => c.title)).toEqual(['Release notes', 'Fix login']);
    expect(r.body.cards[0]).toEqual({
      boardId: teamA.id,
      boardName: 'Team A',
      cardId: cards['Release notes'].id,
      code: cards['Release notes'].code,
      title: 'Release notes',
      columnId: teamA.columns[1].id,
      columnName: teamA.columns[1].name
    });
  });

  it('only searches boards the caller may read', async () => {
    expect((await search('release', creds.bob)).body.cards.map((c) => c.title)).toEqual(['Release party']);
    const all = (await search('release', creds.admin)).body.cards.map((c) => c.title);
    expect(all.sort()).toEqual(['Fix login', 'Release notes', 'Release party']);
    // A code from a board Bob may not read finds nothing for him.
    expect((await search(cards['Fix login'].code, creds.bob)).body.cards).toEqual([]);
  });

  it('a token covering some boards searches only those', async () => {
    const token = await call<{ token: string }>('POST', '/api/tokens', creds.admin, { name: 'ci', boardIds: [teamB.id] });
    expect(token.status).toBe(201);
    const r = await search('release', { bearer: token.body.token });
    expect(r.body.cards.map((c) => c.title)).toEqual(['Release party']);
  });

  it('matches a code exactly (any case, dashes aside), never a part of it', async () => {
    const code = cards['Fix login'].code;
    const lower = `${code.slice(0, 3)}-${code.slice(3)}`.toLowerCase();
    expect((await search(lower, creds.ann)).body.cards.map((c) => c.cardId)).toEqual([cards['Fix login'].id]);
    expect((await search(code.slice(0, -1), creds.ann)).body.cards).toEqual([]);
  });

  it('matches words by prefix only, every word needed', async () => {
    expect((await search('lease', creds.ann)).body.cards).toEqual([]);
    expect((await search('fix log', creds.ann)).body.cards.map((c) => c.title)).toEqual(['Fix login']);
    expect((await search('fix zebra', creds.ann)).body.cards).toEqual([]);
  });

  it('returns at most 50 cards', async () => {
    const big = (await call<BoardJson>('POST', '/api/boards', creds.ann, { name: 'Big' })).body;
    for (let i = 0; i < 55; i++) {
      const r = await call('POST', `/api/boards/${big.id}/cards`, creds.ann, { title: `Widget ${i}` });
      expect(r.status).toBe(201);
    }
    const r = await search('widget', creds.ann);
    expect(r.body.cards).toHaveLength(50);
  });

  it('answers 400 without q or with a huge one, [] for a blank one; 401 for nobody', async () => {
    const missing = await call<{ error: { code: string } }>('GET', '/api/search', creds.ann);
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('INVALID');
    expect((await search('x'.repeat(201), creds.ann)).status).toBe(400);
    expect((await search('   ', creds.ann)).body).toEqual({ cards: [] });
    expect((await search('release', {})).status).toBe(401);
  });
});

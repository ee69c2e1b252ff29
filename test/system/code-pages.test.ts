/**
 * Printed-code pages (/C/, /L/, /B/) against the real (built) server: to someone without access
 * to a board, a code on that board looks exactly like a code that does not exist — same status,
 * same redirect, same body — whichever way the code is written or requested.
 * Build first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardJson } from '../../src/lib/protocol';
import { startServer, type RunningServer } from '../helpers/server';

const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };
let server: RunningServer;
let adminCookie: string;
let outsiderCookie: string;
let boardId: string;
let codes: { card: string; column: string; board: string };
/** Valid codes that no card, column or board has, of the same lengths. */
let unknown: { card: string; column: string; board: string };

async function call(path: string, init: { method?: string; cookie?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = { origin: server.url };
  if (init.cookie) headers.cookie = init.cookie;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(server.url + path, {
    method: init.method ?? 'GET',
    headers,
    redirect: 'manual',
    body: init.body === undefined ? undefined : JSON.stringify(init.body)
  });
}

const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0];

/** A code of the same length as `like` that nothing has (checked through the API). */
async function unknownLike(like: string): Promise<string> {
  for (let i = 0; ; i++) {
    const code = `Z${String(i).padStart(like.length - 1, '9')}`.slice(0, like.length);
    if ((await call(`/api/codes/${code}`, { cookie: adminCookie })).status === 404) return code;
  }
}

beforeAll(async () => {
  server = await startServer({ demo: false, env: { KANBRIDGE_ADMIN_EMAIL: ADMIN.email, KANBRIDGE_ADMIN_PASSWORD: ADMIN.password } });
  adminCookie = cookieOf(await call('/api/auth/login', { method: 'POST', body: ADMIN }));
  const board = (await (
    await call('/api/boards', { method: 'POST', cookie: adminCookie, body: { name: 'Private board' } })
  ).json()) as BoardJson;
  const created = await call(`/api/boards/${board.id}/cards`, {
    method: 'POST',
    cookie: adminCookie,
    body: { title: 'Secret card', columnId: board.columns[0].id }
  });
  expect(created.status).toBe(201);
  const card = ((await created.json()) as { card: { code: string } }).card;
  boardId = board.id;
  codes = { card: card.code, column: board.columns[0].code, board: board.code };
  unknown = { card: await unknownLike(codes.card), column: await unknownLike(codes.column), board: await unknownLike(codes.board) };

  const invited = await call('/api/users', {
    method: 'POST',
    cookie: adminCookie,
    body: { email: 'outsider@example.test', name: 'Outsider' }
  });
  expect(invited.status).toBe(201);
  const inviteCode = ((await invited.json()) as { inviteUrl: string }).inviteUrl.split('/invite/')[1];
  outsiderCookie = cookieOf(
    await call('/api/auth/invite', { method: 'POST', body: { code: inviteCode, password: 'a long enough password' } })
  );
});

afterAll(async () => {
  await server?.stop();
});

interface Answer {
  status: number;
  location: string | null;
  body: string;
}

/**
 * The answer with the code itself (and the per-request script nonce) blanked out, so that two
 * codes' answers can be compared.
 */
async function answer(path: string, code: string, cookie?: string): Promise<Answer> {
  const res = await call(path, { cookie });
  const blank = (s: string) =>
    s
      .split(code)
      .join('<code>')
      .split(code.toLowerCase())
      .join('<code>')
      .replace(/nonce="[^"]*"/g, 'nonce=""');
  return {
    status: res.status,
    location: res.headers.get('location') && blank(res.headers.get('location')!),
    body: blank(await res.text())
  };
}

type Kind = keyof typeof codes;
/** Ways to ask for a code: the page as printed, typed in lower case or with a dash, and the page's data. */
const PATHS: [string, (code: string, prefix: string) => string][] = [
  ['as printed', (c, p) => `/${p}/${c}`],
  ['lower case', (c, p) => `/${p.toLowerCase()}/${c.toLowerCase()}`],
  ['with a dash', (c, p) => `/${p}/${c.slice(0, 3)}-${c.slice(3)}`],
  ['as page data', (c, p) => `/${p}/${c}/__data.json`]
];
const PREFIXES: [string, Kind][] = [
  ['C', 'card'],
  ['L', 'column'],
  ['B', 'board'],
  ['C', 'board'],
  ['B', 'card'],
  ['L', 'card']
];

describe('printed-code pages for someone without access', () => {
  it('open for the board owner (the codes exist)', async () => {
    expect((await call(`/C/${codes.card}`, { cookie: adminCookie })).status).toBe(200);
    expect((await call(`/B/${codes.board}`, { cookie: adminCookie })).status).toBe(303);
    expect((await call(`/L/${codes.column}`, { cookie: adminCookie })).status).toBe(303);
  });

  for (const [prefix, kind] of PREFIXES) {
    for (const [how, path] of PATHS) {
      it(`/${prefix}/ with a ${kind} code ${how}: the same answer as an unknown code`, async () => {
        const existing = await answer(path(codes[kind], prefix), codes[kind], outsiderCookie);
        const missing = await answer(path(unknown[kind], prefix), unknown[kind], outsiderCookie);
        expect(existing).toEqual(missing);
        expect(existing.body).not.toContain('Secret card');
        expect(existing.body).not.toContain(boardId);
        expect(existing.location ?? '').not.toContain(boardId);
      });
    }
  }

  it('says the code is unknown or out of reach, and how to get access', async () => {
    const page = await answer(`/C/${codes.card}`, codes.card, outsiderCookie);
    expect(page.status).toBe(404);
    expect(page.body).toContain('no access');
    expect(page.body).toMatch(/sign in/i);
  });

  it('sends someone signed out to sign in, alike for both', async () => {
    for (const [prefix, kind] of PREFIXES) {
      const existing = await answer(`/${prefix}/${codes[kind]}`, codes[kind]);
      expect(existing).toEqual(await answer(`/${prefix}/${unknown[kind]}`, unknown[kind]));
      expect(existing.status).toBe(303);
      expect(existing.location).toMatch(/^\/login\?next=/);
    }
  });
});

/**
 * Who did it, and how: a change made in a page names the browser's person and the page's source
 * (form, print, wall…), never "API", which is kept for scripts and API tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardEvent } from '../../src/lib/domain';
import { PAGE_HEADERS, type BoardJson } from '../../src/lib/protocol';
import { startTestApp, type TestApp } from '../helpers/app';

const page = (source: string, extra: Record<string, string> = {}) => ({
  [PAGE_HEADERS.source]: source,
  [PAGE_HEADERS.clientId]: 'u_lenasbrowser',
  [PAGE_HEADERS.name]: encodeURIComponent('Lena Ö'),
  ...extra
});

async function post(t: TestApp, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(t.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t.url, ...headers },
    body: JSON.stringify(body)
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function events(t: TestApp, boardId: string): Promise<BoardEvent[]> {
  return ((await (await fetch(`${t.url}/api/boards/${boardId}/events?since=0`)).json()) as { events: BoardEvent[] }).events;
}

describe('an install without accounts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('names the browser’s guest and the page’s source for a board, a card and a command made in the pages', async () => {
    const board = (await post(t, '/api/boards', { name: 'From the form' }, page('form'))).body as unknown as BoardJson;
    const card = await post(t, `/api/boards/${board.id}/cards`, { title: 'Typed in' }, page('form'));
    expect(card.status).toBe(201);
    const moved = await post(
      t,
      `/api/boards/${board.id}/commands`,
      { type: 'renameBoard', opId: 'op_rename_1', name: 'Renamed' },
      page('ui')
    );
    expect(moved.status).toBe(200);
    const log = await events(t, board.id);
    expect(log.map((e) => [e.type, e.source, e.actor])).toEqual([
      ['boardCreated', 'form', { id: 'u_lenasbrowser', name: 'Lena Ö' }],
      ['cardCreated', 'form', { id: 'u_lenasbrowser', name: 'Lena Ö' }],
      ['boardRenamed', 'ui', { id: 'u_lenasbrowser', name: 'Lena Ö' }]
    ]);
  });

  it('calls a script “API”, and never takes a source or name a page may not claim', async () => {
    const board = (await post(t, '/api/boards', { name: 'Scripted' })).body as unknown as BoardJson;
    const claimed = (await post(t, '/api/boards', { name: 'Claims' }, page('system'))).body as unknown as BoardJson;
    const badName = (
      await post(
        t,
        '/api/boards',
        { name: 'Bad name' },
        page('form', { [PAGE_HEADERS.name]: '%E0%A4%A', [PAGE_HEADERS.clientId]: '__proto__' })
      )
    ).body as unknown as BoardJson;
    expect((await events(t, board.id))[0]).toMatchObject({ source: 'api', actor: { id: 'api', name: 'API' } });
    expect((await events(t, claimed.id))[0]).toMatchObject({ source: 'api', actor: { name: 'API' } });
    expect((await events(t, badName.id))[0]).toMatchObject({ source: 'form', actor: { name: 'API' } });
  });
});

describe('an install with accounts', () => {
  let t: TestApp;
  const admin = { email: 'admin@example.com', password: 'correct horse battery' };
  beforeAll(async () => {
    t = await startTestApp({ admin });
  });
  afterAll(async () => t.close());

  it('names the signed-in person with the page’s source, and an API token’s request is always “api”', async () => {
    const login = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url },
      body: JSON.stringify(admin)
    });
    const cookie = /kb_session=[^;]+/.exec(String(login.headers.get('set-cookie')))![0];
    const board = (await post(t, '/api/boards', { name: 'Mine' }, { ...page('form'), cookie })).body as unknown as BoardJson;
    const token = (await post(t, '/api/tokens', { name: 'script', write: true }, { cookie })).body.token as string;
    await post(t, `/api/boards/${board.id}/cards`, { title: 'By script' }, { ...page('form'), authorization: `Bearer ${token}` });
    const log = (await (await fetch(`${t.url}/api/boards/${board.id}/events?since=0`, { headers: { cookie } })).json()) as {
      events: BoardEvent[];
    };
    expect(log.events.map((e) => [e.type, e.source, e.actor.name])).toEqual([
      ['boardCreated', 'form', expect.any(String)],
      ['cardCreated', 'api', expect.any(String)]
    ]);
    expect(log.events[0].actor.id).not.toBe('u_lenasbrowser');
  });
});

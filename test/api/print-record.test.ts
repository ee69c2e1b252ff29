/**
 * Recording a print over real HTTP, in process: downloading a PDF (GET) changes nothing, a
 * same-site POST records the cards as printed, and a POST that a page elsewhere (or a request
 * without an Origin) could have sent with someone's session is refused.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId, type BoardEvent } from '../../src/lib/domain';
import type { BoardJson } from '../../src/lib/protocol';
import { startTestApp, type TestApp } from '../helpers/app';

const ADMIN = { email: 'admin@example.test', password: 'admin-password-1' };

let t: TestApp;
const cookies: Record<string, string> = {};

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request with full control of the headers (fetch may not send Origin as given). */
function send(method: string, p: string, opts: { who?: string; headers?: http.OutgoingHttpHeaders; body?: unknown } = {}): Promise<Reply> {
  const url = new URL(p, t.url);
  const headers: http.OutgoingHttpHeaders = { ...opts.headers };
  if (opts.who) headers.cookie = `kb_session=${cookies[opts.who]}`;
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request({ method, host: url.hostname, port: url.port, path: url.pathname + url.search, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const json = <T>(r: Reply): T => JSON.parse(r.body.toString('utf8')) as T;
const same = () => ({ origin: t.url });

async function login(who: string, email: string, password: string) {
  const r = await send('POST', '/api/auth/login', { headers: same(), body: { email, password } });
  expect(r.status).toBe(200);
  cookies[who] = /kb_session=([^;]+)/.exec(String(r.headers['set-cookie']))![1];
}

let board: BoardJson;
let cardIds: string[];

/** The board as the admin sees it now. */
const current = async () => json<BoardJson>(await send('GET', `/api/boards/${board.id}`, { who: 'admin' }));
const printedEvents = async () =>
  json<{ events: BoardEvent[] }>(await send('GET', `/api/boards/${board.id}/events?since=0`, { who: 'admin' })).events.filter(
    (e) => e.type === 'cardsPrinted'
  );

/** Downloads the PDF as `who` and answers its X-Board-Revision. */
async function download(who: string, query = 'layout=a4-8&select=all'): Promise<number> {
  const r = await send('GET', `/api/boards/${board.id}/print.pdf?${query}`, { who, headers: same() });
  expect(r.status, r.body.subarray(0, 300).toString()).toBe(200);
  expect(r.body.subarray(0, 5).toString()).toBe('%PDF-');
  return Number(r.headers['x-board-revision']);
}

const record = (body: unknown, opts: { who?: string; headers?: http.OutgoingHttpHeaders } = { who: 'admin', headers: same() }) =>
  send('POST', `/api/boards/${board.id}/printed`, { ...opts, body });

async function expectError(r: Reply, status: number, code: string) {
  expect([r.status, r.headers['content-type']]).toEqual([status, 'application/json; charset=utf-8']);
  const body = json<{ error: { code: string; message: string } }>(r);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
}

beforeAll(async () => {
  t = await startTestApp({ admin: ADMIN });
  await login('admin', ADMIN.email, ADMIN.password);
  for (const who of ['viewer', 'editor']) {
    expect(
      (
        await send('POST', '/api/users', {
          who: 'admin',
          headers: same(),
          body: { email: `${who}@example.test`, name: `The ${who}`, password: `${who}-password-1` }
        })
      ).status
    ).toBe(201);
    await login(who, `${who}@example.test`, `${who}-password-1`);
  }
  board = json<BoardJson>(await send('POST', '/api/boards', { who: 'admin', headers: same(), body: { name: 'Team' } }));
  for (const [who, role] of [
    ['viewer', 'viewer'],
    ['editor', 'editor']
  ]) {
    expect(
      (
        await send('POST', `/api/boards/${board.id}/members`, {
          who: 'admin',
          headers: same(),
          body: { email: `${who}@example.test`, role }
        })
      ).status
    ).toBe(200);
  }
  for (const title of ['First', 'Second', 'Third']) {
    expect((await send('POST', `/api/boards/${board.id}/cards`, { who: 'admin', headers: same(), body: { title } })).status).toBe(201);
  }
  board = await current();
  cardIds = board.cards.map((c) => c.id);
});
afterAll(async () => t.close());

describe('GET print.pdf', () => {
  it('downloads without recording anything, also for a viewer and from an image on another page', async () => {
    const before = await current();
    expect(await download('editor')).toBe(before.revision);
    expect(await download('viewer')).toBe(before.revision);
    // What an <img src=…print.pdf> on some page would send along with the visitor's cookie.
    for (const site of ['same-origin', 'same-site', 'cross-site']) {
      const r = await send('GET', `/api/boards/${board.id}/print.pdf?layout=a6&select=new`, {
        who: 'editor',
        headers: { 'sec-fetch-site': site, 'sec-fetch-dest': 'image' }
      });
      expect(r.status).toBe(200);
    }
    const after = await current();
    expect(after.revision).toBe(before.revision);
    expect(after.cards.map((c) => c.printedRevision)).toEqual([null, null, null]);
    expect(await printedEvents()).toEqual([]);
  });
});

describe('POST printed', () => {
  it('records the cards of the downloaded PDF as printed, by the caller, and answers what it recorded', async () => {
    const revision = await download('editor', 'layout=letter-6&select=new');
    const r = await record({ layout: 'letter-6', select: 'new', revision }, { who: 'editor', headers: same() });
    expect(r.status, r.body.toString()).toBe(200);
    expect(json(r)).toEqual({ recorded: cardIds, revision: revision + 1 });
    const [event] = await printedEvents();
    expect(event).toMatchObject({
      type: 'cardsPrinted',
      cardIds,
      layout: 'letter-6',
      source: 'print',
      actor: { name: 'The editor' },
      revision: revision + 1
    });
    expect((await current()).cards.every((c) => c.printedRevision === revision + 1)).toBe(true);
    // The "new" queue is empty now: there is nothing left to record.
    await expectError(await record({ layout: 'letter-6', select: 'new', revision: revision + 1 }), 422, 'NOTHING_TO_PRINT');
  });

  it('leaves out a card whose printed fields changed after the PDF was made', async () => {
    const revision = await download('admin', 'layout=a6&select=all');
    const edit = await send('POST', `/api/boards/${board.id}/commands`, {
      who: 'admin',
      headers: same(),
      body: { opId: newOpId(), type: 'updateCard', cardId: cardIds[1], changes: { title: 'Second, reworded' } }
    });
    expect(edit.status).toBe(200);
    const r = await record({ layout: 'a6', select: 'all', revision });
    expect(r.status).toBe(200);
    expect(json<{ recorded: string[] }>(r).recorded).toEqual([cardIds[0], cardIds[2]]);
    const queued = (await current()).cards
      .filter((c) => c.printedRevision !== null && c.printedFieldsRevision > c.printedRevision)
      .map((c) => c.id);
    expect(queued).toEqual([cardIds[1]]);
  });

  it('is refused without an Origin, with another site’s Origin or Referer, and for a viewer; nothing is recorded', async () => {
    const before = (await printedEvents()).length;
    const revision = (await current()).revision;
    const body = { layout: 'a4-8', select: 'all', revision };
    await expectError(await record(body, { who: 'editor' }), 403, 'CROSS_SITE');
    await expectError(await record(body, { who: 'editor', headers: { origin: 'https://evil.example' } }), 403, 'CROSS_SITE');
    await expectError(await record(body, { who: 'editor', headers: { origin: 'null' } }), 403, 'CROSS_SITE');
    await expectError(await record(body, { who: 'editor', headers: { referer: 'https://evil.example/page' } }), 403, 'CROSS_SITE');
    await expectError(await record(body, { who: 'viewer', headers: same() }), 403, 'FORBIDDEN');
    await expectError(await record(body, { headers: same() }), 401, 'UNAUTHENTICATED');
    expect(await printedEvents()).toHaveLength(before);
    // A same-site Referer is enough (a browser that leaves out Origin).
    expect((await record(body, { who: 'editor', headers: { referer: `${t.url}/boards/${board.id}/print` } })).status).toBe(200);
  });

  it('takes an API token without an Origin: a script is not a browser acting for someone', async () => {
    const created = await send('POST', '/api/tokens', { who: 'editor', headers: same(), body: { name: 'printer script', write: true } });
    expect(created.status).toBe(201);
    const { token } = json<{ token: string }>(created);
    const revision = (await current()).revision;
    const r = await record({ layout: 'a4-8', select: `cards:${cardIds[0]}`, revision }, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status, r.body.toString()).toBe(200);
    expect(json<{ recorded: string[] }>(r).recorded).toEqual([cardIds[0]]);
  });

  it('answers a bad body, a future revision, an unknown layout or a sign with a 400 and records nothing', async () => {
    const before = (await printedEvents()).length;
    const revision = (await current()).revision;
    const cases: [unknown, number, string][] = [
      [{ layout: 'a4-8' }, 400, 'INVALID'],
      [{ layout: 'a4-8', revision: -1 }, 400, 'INVALID'],
      [{ layout: 'a4-8', revision: 1.5 }, 400, 'INVALID'],
      [{ layout: 'a4-8', revision: '3' }, 400, 'INVALID'],
      [{ layout: 'a4-8', revision, extra: true }, 400, 'INVALID'],
      [{ layout: 'a4-8', revision: revision + 1 }, 400, 'INVALID'],
      [{ layout: 'a5', revision }, 400, 'UNKNOWN_LAYOUT'],
      [{ layout: 'a4-8', select: 'everything', revision }, 400, 'INVALID_SELECTION'],
      [{ layout: 'a4-8', select: 'cards:c_nothere', revision }, 400, 'NOT_FOUND'],
      [{ layout: 'board-sign', revision }, 400, 'INVALID'],
      [{ layout: 'column-signs', revision }, 400, 'INVALID'],
      [[], 400, 'INVALID']
    ];
    for (const [body, status, code] of cases) {
      const r = await record(body);
      expect([JSON.stringify(body), r.status]).toEqual([JSON.stringify(body), status]);
      await expectError(r, status, code);
    }
    const notJson = await send('POST', `/api/boards/${board.id}/printed`, {
      who: 'admin',
      headers: { ...same(), 'content-type': 'application/json' }
    });
    await expectError(notJson, 400, 'INVALID_JSON');
    expect(await printedEvents()).toHaveLength(before);
  });
});

describe('POST printed on an install without accounts', () => {
  let open: TestApp;
  beforeAll(async () => {
    open = await startTestApp();
  });
  afterAll(async () => open.close());

  it('still needs this site’s Origin: anyone on the network could otherwise be any page', async () => {
    const post = (path: string, body: unknown, headers: Record<string, string>) =>
      fetch(open.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const created = (await (await post('/api/boards', { name: 'Open' }, { origin: open.url })).json()) as BoardJson;
    expect((await post(`/api/boards/${created.id}/cards`, { title: 'Card' }, { origin: open.url })).status).toBe(201);
    const revision = created.revision + 1;
    const path = `/api/boards/${created.id}/printed`;
    expect((await post(path, { layout: 'a6', revision }, {})).status).toBe(403);
    expect((await post(path, { layout: 'a6', revision }, { origin: 'http://evil.example' })).status).toBe(403);
    const ok = await post(path, { layout: 'a6', revision }, { origin: open.url });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { recorded: string[] }).recorded).toHaveLength(1);
  });
});

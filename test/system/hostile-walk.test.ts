/**
 * Hostile input must never take the server down or hurt another client. A list of hostile ids
 * and paths goes through every HTTP route (the API's route table and every page under
 * src/routes, with its form actions) as path segments, query values and JSON body ids, and
 * through every socket event as ids, against the real built server with accounts. Nothing may
 * answer 5xx (or INTERNAL on a socket), the health check must answer after each batch, and a
 * bystander on its own socket must keep getting its moves acknowledged.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../server/app';
import { LAYOUT_IDS } from '../../src/lib/print/layouts';
import {
  ack,
  ADMIN,
  bystanderProblems,
  connected,
  FORM_FIELDS,
  HOSTILE,
  pageRoutes,
  queryKeys,
  send,
  socketFor,
  startFixture,
  type Fixture
} from '../helpers/hostile';

/** Whole paths with broken percent-escapes. */
const BROKEN_PATHS = [
  '/%ZZ',
  '/x%',
  '/%E0%A4%A',
  '/C/%E0%A4%A',
  '/boards/%E0%A4%A',
  '/api/%ZZ',
  '/api/boards/%E0%A4%A',
  '/api/boards/x%',
  // Paths that read as a host when resolved against a base URL.
  '//%2e%2e%2f',
  '//%ZZ/api/health',
  '///',
  '//evil.example/api/health',
  '//[/api',
  '//:99999/api'
];

/** A few of them, for the places where trying every one would take long. */
const SAMPLE = ['%ZZ', '__proto__', 'constructor', 'a'.repeat(1000), '\u0000', '\u202e', '../../etc/passwd', '\ud800'];

/** Percent-encoding that takes lone surrogates too (as U+FFFD). */
const enc = (v: string) => encodeURIComponent(v.toWellFormed());

/** The ways a value goes into a path: percent-encoded, and as it is when it is printable ASCII. */
function segments(v: string): string[] {
  const forms = new Set([enc(v)]);
  if (/^[\x21-\x7e]+$/.test(v)) forms.add(v);
  if (v === '\ud800') forms.add('%ED%A0%80'); // a lone surrogate, as UTF-8 bytes
  return [...forms].filter((s) => s !== '');
}

/** Node refuses a request head over 16 KiB (431) before any Kanbridge code sees it. */
const MAX_URL = 8_000;

let f: Fixture;

async function up(): Promise<boolean> {
  try {
    return (await send(f.url, 'GET', '/api/health')).status === 200;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f?.stop();
});
beforeEach(async () => {
  // One surface taking the server down must not hide what the others do.
  if (!(await up())) {
    await f.stop();
    f = await startFixture();
  }
});

const label = (method: string, p: string) => `${method} ${p.length > 140 ? `${p.slice(0, 140)}…` : p}`;

/** Sends one request and records a 5xx or a failed connection. */
async function probe(problems: string[], method: string, p: string, options: { body?: string; type?: string; cookie?: boolean } = {}) {
  const headers: Record<string, string> = { origin: f.url };
  if (options.cookie !== false) headers.cookie = f.cookie;
  if (options.type) headers['content-type'] = options.type;
  try {
    const r = await send(f.url, method, p, { headers, body: options.body });
    const body = options.body === undefined ? '' : ` ${options.body.slice(0, 120)}`;
    if (r.status >= 500) problems.push(`${label(method, p)}${body} → ${r.status} ${r.body.replace(/\s+/g, ' ').slice(0, 80)}`);
    return r;
  } catch (e) {
    problems.push(`${label(method, p)} → ${(e as Error).message}`);
    return null;
  }
}

/** Everything that shows a board, for a board made from a hostile file: no 5xx, and it can be joined. */
async function visitBoard(problems: string[], boardId: string, what: string) {
  const id = encodeURIComponent(boardId);
  const board = await probe(problems, 'GET', `/api/boards/${id}`);
  const cards: { id: string; code: string }[] =
    board?.status === 200 ? (JSON.parse(board.body) as { cards: { id: string; code: string }[] }).cards : [];
  for (const route of API_ROUTES) {
    if (route.method !== 'GET' || !route.pattern.includes(':boardId')) continue;
    if (route.pattern.includes(':cardId')) {
      for (const c of cards)
        await probe(problems, 'GET', route.pattern.replace(':boardId', id).replace(':cardId', encodeURIComponent(c.id)));
    } else if (!/:(?!boardId)\w+/.test(route.pattern)) {
      await probe(problems, 'GET', `${route.pattern.replace(':boardId', id)}?format=csv&layout=a4-8&preview=1`);
    }
  }
  for (const page of pageRoutes()) {
    if (page.params.length === 1 && page.params[0] === 'boardId') await probe(problems, 'GET', page.pattern.replace('[boardId]', id));
  }
  for (const c of cards) await probe(problems, 'GET', `/C/${encodeURIComponent(c.code)}`);
  const s = socketFor(f.url, f.cookie);
  try {
    await connected(s);
    const joined = await ack(s, 'board:join', { boardId, since: 0 });
    if (!joined.ok && joined.error?.code !== 'INVALID') problems.push(`${what}: joining it → ${JSON.stringify(joined)}`);
  } catch (e) {
    problems.push(`${what}: joining it → ${(e as Error).message}`);
  } finally {
    s.disconnect();
  }
}

/** After each batch: the server answers and the bystander can still move its card. */
async function afterBatch(problems: string[], batch: string) {
  const seen = await bystanderProblems(f);
  for (const p of seen) problems.push(`after ${batch}: ${p}`);
  if (seen.length > 0) {
    // A broken server would make every later batch fail too: judge each on a fresh one.
    await f.stop().catch(() => {});
    f = await startFixture();
  }
}

function real(param: string): string {
  switch (param) {
    case 'boardId':
      return f.board.id;
    case 'cardId':
      return f.cardId;
    case 'userId':
      return f.adminId;
    case 'code':
      return f.cardCode;
    case 'kind':
      return 'C';
    default:
      return 'none-such';
  }
}

/** Each path of `pattern` with one parameter hostile and the others real. */
function hostilePaths(pattern: string, params: string[], fill: (pattern: string, values: Record<string, string>) => string): string[] {
  const out: string[] = [];
  for (const target of params) {
    for (const v of HOSTILE) {
      for (const s of segments(v)) {
        const values = Object.fromEntries(params.map((p) => [p, p === target ? s : encodeURIComponent(real(p))]));
        out.push(fill(pattern, values));
      }
    }
  }
  return out;
}

const fillApi = (pattern: string, values: Record<string, string>) => pattern.replace(/:(\w+)/g, (_, k: string) => values[k]);
const fillPage = (pattern: string, values: Record<string, string>) => pattern.replace(/\[(\w+)\]/g, (_, k: string) => values[k]);
const realApi = (pattern: string) => pattern.replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(real(k)));
const realPage = (pattern: string) => pattern.replace(/\[(\w+)\]/g, (_, k: string) => encodeURIComponent(real(k)));
const paramsOf = (pattern: string) => [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]);

/** Signing out would end the walk's own session: that route goes without the cookie. */
const keepsSession = (p: string) => !p.startsWith('/api/auth/logout');

function report(problems: string[]) {
  expect(problems).toEqual([]);
}

// Thousands of requests each: on a busy machine that takes minutes, not the default minute.
describe('hostile input walk', { timeout: 300_000 }, () => {
  it('finds every route to walk', () => {
    expect(API_ROUTES.length).toBeGreaterThan(30);
    const pages = pageRoutes();
    expect(pages.map((p) => p.pattern)).toEqual(expect.arrayContaining(['/', '/boards/[boardId]', '/C/[code]', '/login']));
    expect(pages.flatMap((p) => p.actions)).toEqual(expect.arrayContaining(['create', 'stages', 'project']));
  });

  it('whole paths with broken percent-escapes', async () => {
    const problems: string[] = [];
    for (const p of BROKEN_PATHS) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        await probe(problems, method, p);
        await probe(problems, method, p, { cookie: false });
      }
    }
    await afterBatch(problems, 'broken paths');
    report(problems);
  });

  it('API routes: hostile path segments', async () => {
    const problems: string[] = [];
    for (const route of API_ROUTES) {
      for (const p of hostilePaths(route.pattern, paramsOf(route.pattern), fillApi)) {
        await probe(problems, route.method, p, { cookie: keepsSession(p) });
        await probe(problems, route.method, p, { cookie: false });
      }
      await afterBatch(problems, `${route.method} ${route.pattern}`);
    }
    report(problems);
  });

  it('API routes: hostile query values', async () => {
    const problems: string[] = [];
    const keys = queryKeys();
    const apiKeys = queryKeys('api');
    for (const route of API_ROUTES) {
      const base = realApi(route.pattern);
      for (const v of HOSTILE) {
        for (const s of segments(v)) {
          // Every key at once, and each alone (a later check must not hide an earlier one).
          // (Not when that is longer than Node takes in a request head: it refuses those itself.)
          const all = `${base}?${keys.map((k) => `${k}=${s}`).join('&')}`;
          if (all.length < MAX_URL) await probe(problems, route.method, all, { cookie: keepsSession(base) });
          if (SAMPLE.includes(v) || all.length >= MAX_URL) {
            for (const k of apiKeys) await probe(problems, route.method, `${base}?${k}=${s}`, { cookie: keepsSession(base) });
          }
        }
        await probe(problems, route.method, `${base}?${enc(v)}=1&${enc(v)}`, { cookie: keepsSession(base) });
      }
      await afterBatch(problems, `${route.method} ${route.pattern} with hostile query values`);
    }
    report(problems);
  });

  it('API routes: hostile ids in JSON bodies', async () => {
    const problems: string[] = [];
    const opId = () => `walk-${Math.random().toString(36).slice(2, 12)}`;
    const bodiesFor = (v: string, column = f.board.columns[1].id): unknown[] => [
      v,
      [v],
      { [v]: v },
      { id: v, boardId: v, cardId: v, columnId: v, code: v, scanId: v, userId: v, tokenId: v },
      { email: v, password: v },
      { email: `${v}@example.com`, password: ADMIN.password },
      { email: `${v}@example.com`, role: 'viewer' },
      { email: ADMIN.email, role: v },
      { code: v, email: 'new@example.com', name: 'New', password: ADMIN.password },
      { code: v, password: ADMIN.password },
      { code: v, label: v },
      { name: 'Token', boardIds: [v] },
      { name: 'Token', boardIds: [v], write: true },
      { name: v },
      { name: v, columns: [{ name: v }] },
      { title: v, columnId: v },
      { title: 'x', cardId: v },
      { title: 'x', beforeCardId: v },
      { title: 'x', afterCardId: v },
      { moves: [v] },
      { moves: [v, v], override: true },
      { everywhere: v },
      // Commands, each with one id hostile.
      { type: 'moveCard', opId: opId(), cardId: v, toColumnId: column },
      { type: 'moveCard', opId: opId(), cardId: f.cardId, toColumnId: v },
      { type: 'moveCard', opId: opId(), cardId: f.cardId, toColumnId: column, beforeCardId: v },
      { type: 'moveCard', opId: opId(), cardId: f.cardId, toColumnId: column, afterCardId: v },
      { type: 'updateCard', opId: opId(), cardId: v, changes: { title: 'changed' } },
      { type: 'archiveCard', opId: opId(), cardId: v },
      { type: 'restoreCard', opId: opId(), cardId: v },
      { type: 'restoreCard', opId: opId(), cardId: f.cardId, toColumnId: v },
      { type: 'createCard', opId: opId(), title: 'x', cardId: v },
      { type: 'createCard', opId: opId(), title: 'x', columnId: v },
      { type: 'createCard', opId: opId(), title: 'x', beforeCardId: v },
      { type: 'renameColumn', opId: opId(), columnId: v, name: 'x' },
      { type: 'moveColumn', opId: opId(), columnId: v, toIndex: 0 },
      { type: 'removeColumn', opId: opId(), columnId: v },
      { type: 'setWipLimit', opId: opId(), columnId: v, wipLimit: 3 },
      { type: 'setColumnStage', opId: opId(), columnId: v, stage: 'build' },
      { type: 'markPrinted', opId: opId(), cardIds: [v], layout: 'a4-8' },
      { type: 'markPrinted', opId: opId(), cardIds: [f.cardId], layout: v },
      { type: v, opId: opId() },
      { type: 'moveCard', opId: v, cardId: f.cardId, toColumnId: column }
    ];
    const isCommand = (b: unknown) => typeof b === 'object' && b !== null && 'opId' in b;
    for (const route of API_ROUTES) {
      if (route.method === 'GET') continue;
      const p = realApi(route.pattern);
      const cookie = keepsSession(p);
      const commands = route.pattern.endsWith('/commands');
      for (const v of HOSTILE) {
        // (The server may have been started again: the real ids are read afresh.)
        for (const body of bodiesFor(v).filter((b) => commands || !isCommand(b)))
          await probe(problems, route.method, realApi(route.pattern), { body: JSON.stringify(body), type: 'application/json', cookie });
        // One value breaking the board must not hide what the next does.
        if (commands) await afterBatch(problems, `${route.method} ${route.pattern} with ${JSON.stringify(v.slice(0, 40))} in JSON bodies`);
      }
      // Keys that are not data in a plain object.
      for (const text of [
        '{"__proto__":{"admin":true,"ok":true}}',
        '{"constructor":{"prototype":{"admin":true}}}',
        '{"__proto__":null}',
        '[',
        '{"a":',
        '\u0000',
        '"\\ud800"'
      ]) {
        await probe(problems, route.method, realApi(route.pattern), { body: text, type: 'application/json', cookie });
      }
      await afterBatch(problems, `${route.method} ${route.pattern} with hostile JSON bodies`);
    }
    report(problems);
  });

  it('import: hostile ids in Kanbridge and Trello files', async () => {
    const problems: string[] = [];
    const exported = await send(f.url, 'GET', `/api/boards/${f.board.id}/export?format=json`, { headers: { cookie: f.cookie } });
    expect(exported.status).toBe(200);
    const file = exported.body;
    for (const v of HOSTILE) {
      const j = JSON.stringify(v).slice(1, -1);
      const swap = (id: string) => file.split(id).join(j);
      const imported: string[] = [];
      const keep = (r: Awaited<ReturnType<typeof probe>>) => {
        if (r?.status === 201) imported.push((JSON.parse(r.body) as { id: string }).id);
      };
      for (const text of [swap(f.cardId), swap(f.board.columns[0].id), swap(f.board.id)]) {
        keep(await probe(problems, 'POST', '/api/import?format=kanbridge', { body: text, type: 'application/json' }));
      }
      const trello = (over: Record<string, unknown>) =>
        JSON.stringify({
          id: 'trello-board',
          name: 'From Trello',
          lists: [{ id: 'list-1', name: 'List', closed: false, pos: 1 }],
          cards: [{ id: 'card-1', name: 'Card', closed: false, idList: 'list-1', pos: 1 }],
          ...over
        });
      for (const text of [
        trello({
          lists: [{ id: v, name: v, closed: false, pos: 1 }],
          cards: [{ id: 'card-1', name: 'Card', closed: false, idList: v, pos: 1 }]
        }),
        trello({ cards: [{ id: v, name: v, closed: false, idList: 'list-1', pos: 1 }] }),
        trello({
          cards: [
            { id: 'card-1', name: 'Card', closed: false, idList: 'list-1', pos: 1, idLabels: [v], idMembers: [v], idChecklists: [v] }
          ],
          labels: [{ id: v, name: v }],
          members: [{ id: v, fullName: v }]
        }),
        trello({ checklists: [{ id: v, idCard: 'card-1', name: v, pos: 1, checkItems: [{ name: v, state: 'complete', pos: 1 }] }] }),
        trello({ id: v, name: v })
      ]) {
        keep(await probe(problems, 'POST', '/api/import?format=trello', { body: text, type: 'application/json' }));
      }
      const what = `a board imported with ${JSON.stringify(v.slice(0, 40))}`;
      for (const id of imported) await visitBoard(problems, id, what);
      await probe(problems, 'GET', '/portfolio');
      await probe(problems, 'GET', '/api/portfolio');
      await afterBatch(problems, what);
    }
    report(problems);
  });

  it('hostile names and titles: shown on every page, printed and exported without a 5xx', async () => {
    const problems: string[] = [];
    const id = f.board.id;
    const post = (p: string, body: unknown) => probe(problems, 'POST', p, { body: JSON.stringify(body), type: 'application/json' });
    let n = 0;
    let made = 0;
    for (const v of HOSTILE) {
      const text = v.slice(0, 200);
      const card = await post(`/api/boards/${id}/cards`, {
        title: text,
        description: v,
        assignee: text.slice(0, 80),
        tags: [text.slice(0, 30)]
      });
      if (card?.status === 201) made++;
      await post(`/api/boards/${id}/commands`, { type: 'addColumn', opId: `walk-names-${++n}`, name: text.slice(0, 60) });
    }
    // Most of them are fine as text: the pages below must show them.
    expect(made).toBeGreaterThan(HOSTILE.length / 2);
    await post(`/api/boards/${id}/commands`, { type: 'renameBoard', opId: 'walk-names-board', name: '\ud800 ‮ <b>x</b> %ZZ \u0000' });
    await post(`/api/boards/${id}/commands`, {
      type: 'renameColumn',
      opId: 'walk-names-column',
      columnId: f.board.columns[2].id,
      name: '\udfff __proto__'
    });
    await visitBoard(problems, id, 'the board with hostile names');
    for (const layout of LAYOUT_IDS) await probe(problems, 'GET', `/api/boards/${id}/print.pdf?layout=${layout}&preview=1`);
    for (const q of ['format=json', 'format=csv&what=cards', 'format=csv&what=events'])
      await probe(problems, 'GET', `/api/boards/${id}/export?${q}`);
    for (const p of ['/', '/portfolio', '/api/portfolio', '/api/boards', `/boards/${id}/activity?page=2`]) await probe(problems, 'GET', p);
    await afterBatch(problems, 'hostile names and titles');
    report(problems);
  });

  it('pages: hostile path segments, query values and form fields', async () => {
    const problems: string[] = [];
    const keys = [...new Set([...queryKeys(), ...FORM_FIELDS])];
    for (const page of pageRoutes()) {
      const paths = [...hostilePaths(page.pattern, page.params, fillPage)];
      const base = realPage(page.pattern);
      for (const v of HOSTILE) {
        for (const s of segments(v)) {
          const all = `${base}?${keys.map((k) => `${k}=${s}`).join('&')}`;
          if (all.length < MAX_URL) paths.push(all);
          else for (const k of keys) paths.push(`${base}?${k}=${s}`);
        }
      }
      for (const p of paths) {
        await probe(problems, 'GET', p);
        await probe(problems, 'GET', p, { cookie: false });
      }
      for (const action of page.actions) {
        for (const v of HOSTILE) {
          const form = new URLSearchParams();
          for (const k of keys) form.append(k, v);
          form.append(`stage:${f.board.columns[0].id}`, v);
          form.append(`stage:${v}`, v);
          await probe(problems, 'POST', `${base}?/${action}`, { body: form.toString(), type: 'application/x-www-form-urlencoded' });
        }
        for (const p of hostilePaths(page.pattern, page.params, fillPage)) {
          await probe(problems, 'POST', `${p}?/${action}`, { body: 'name=__proto__', type: 'application/x-www-form-urlencoded' });
        }
      }
      // Form action names that are not data on a plain object, on every page.
      for (const name of ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'default', '%ZZ', '%25ZZ', '']) {
        await probe(problems, 'POST', `${base}?/${name}`, { body: 'name=x', type: 'application/x-www-form-urlencoded' });
        await probe(problems, 'POST', `${base}?/${name}`, { body: 'name=x', type: 'application/x-www-form-urlencoded', cookie: false });
      }
      await afterBatch(problems, `page ${page.pattern}`);
    }
    report(problems);
  });

  it('socket events: hostile ids in every event', async () => {
    const problems: string[] = [];
    const EVENTS = ['board:join', 'board:leave', 'board:command', 'board:events-since'];
    let n = 0;
    const opId = () => `walk-socket-${++n}`;
    for (const v of HOSTILE) {
      // (The server may have been started again: the real ids are read afresh.)
      const column = f.board.columns[1].id;
      // A fresh connection per value, so that per-connection limits do not stop the walk early.
      const s = socketFor(f.url, f.cookie);
      try {
        await connected(s);
      } catch (e) {
        problems.push(`socket for ${JSON.stringify(v.slice(0, 40))}: ${(e as Error).message}`);
        continue;
      }
      const joined = await ack(s, 'board:join', { boardId: f.board.id }).catch(() => null);
      if (!joined?.ok) problems.push(`a fresh socket could not join: ${JSON.stringify(joined)}`);
      const payloads: Record<string, unknown[]> = {
        'board:join': [v, [v], { boardId: v }, { boardId: v, since: 0 }, { boardId: f.board.id, since: v }, { [v]: v }],
        'board:leave': [v, { boardId: v }, { [v]: v }],
        'board:events-since': [v, { boardId: v, since: 0 }, { boardId: f.board.id, since: v }, { boardId: f.board.id, since: 0, limit: v }],
        'board:command': [
          v,
          { boardId: v, type: 'moveCard', opId: opId(), cardId: f.cardId, toColumnId: column },
          { boardId: f.board.id, type: 'moveCard', opId: opId(), cardId: v, toColumnId: column },
          { boardId: f.board.id, type: 'moveCard', opId: opId(), cardId: f.cardId, toColumnId: v },
          { boardId: f.board.id, type: 'moveCard', opId: opId(), cardId: f.cardId, toColumnId: column, beforeCardId: v },
          { boardId: f.board.id, type: 'updateCard', opId: opId(), cardId: v, changes: { title: 'changed' } },
          { boardId: f.board.id, type: 'archiveCard', opId: opId(), cardId: v },
          { boardId: f.board.id, type: 'restoreCard', opId: opId(), cardId: v },
          { boardId: f.board.id, type: 'createCard', opId: opId(), title: 'x', cardId: v },
          { boardId: f.board.id, type: 'createCard', opId: opId(), title: 'x', columnId: v },
          { boardId: f.board.id, type: 'createCard', opId: opId(), title: 'x', beforeCardId: v },
          { boardId: f.board.id, type: 'moveCard', opId: opId(), cardId: f.cardId, toColumnId: column, afterCardId: v },
          { boardId: f.board.id, type: 'restoreCard', opId: opId(), cardId: f.cardId, toColumnId: v },
          { boardId: f.board.id, type: 'moveColumn', opId: opId(), columnId: v, toIndex: 0 },
          { boardId: f.board.id, type: 'markPrinted', opId: opId(), cardIds: [f.cardId], layout: v },
          { boardId: f.board.id, type: 'renameColumn', opId: opId(), columnId: v, name: 'x' },
          { boardId: f.board.id, type: 'removeColumn', opId: opId(), columnId: v },
          { boardId: f.board.id, type: 'setWipLimit', opId: opId(), columnId: v, wipLimit: 2 },
          { boardId: f.board.id, type: 'setColumnStage', opId: opId(), columnId: v, stage: 'build' },
          { boardId: f.board.id, type: 'markPrinted', opId: opId(), cardIds: [v], layout: 'a4-8' },
          { boardId: f.board.id, type: v, opId: opId() },
          { boardId: f.board.id, type: 'moveCard', opId: opId(), cardId: f.cardId, toColumnId: column, source: v },
          { boardId: f.board.id, type: 'moveCard', opId: opId(), cardId: f.cardId, toColumnId: column, baseRevision: v }
        ]
      };
      for (const event of EVENTS) {
        for (const payload of payloads[event]) {
          const what = `${event} ${JSON.stringify(payload).slice(0, 160)}`;
          if (!s.connected) {
            problems.push(`${what}: the connection was closed`);
            break;
          }
          try {
            const r = await ack(s, event, payload);
            if (r && typeof r === 'object' && r.error?.code === 'INTERNAL') problems.push(`${what} → INTERNAL ${r.error.message}`);
          } catch (e) {
            problems.push(`${what} → ${(e as Error).message}`);
          }
        }
      }
      // Events the server does not know, named after hostile ids.
      if (!['connect', 'disconnect', 'connect_error', 'disconnecting', 'newListener', 'removeListener'].includes(v))
        s.emit(v, { boardId: v });
      s.disconnect();
      await afterBatch(problems, `socket messages with ${JSON.stringify(v.slice(0, 40))}`);
    }
    report(problems);
  });
});

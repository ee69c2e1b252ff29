/**
 * Property tests against the real built server with accounts: random and hostile HTTP
 * requests (method, path, query, headers and body, built from the real route list) and socket
 * messages (the real event names and others, with arbitrary payloads) and handshakes (auth,
 * cookie, origin). After every one the
 * server must still answer, a request it refused (4xx, or a socket ack with ok: false) must
 * have left the board as it was, nothing may answer 5xx (or INTERNAL), and a bystander on its
 * own socket must still get its moves acknowledged.
 */
import fc from 'fast-check';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../server/app';
import {
  ack,
  bystanderProblems,
  connected,
  HOSTILE,
  pageRoutes,
  queryKeys,
  send,
  socketFor,
  startFixture,
  type Fixture
} from '../helpers/hostile';

const RUNS = 200;
const EVENTS = ['board:join', 'board:leave', 'board:command', 'board:events-since'];

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f?.stop();
});

/**
 * Ids a request may name: real ones (the board, the target card, the empty third column, the
 * codes), hostile ones and arbitrary strings. The bystander's card and the columns it moves
 * between are left out, so that an accepted request cannot legitimately get in its way.
 */
const idArb = () =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(f.board.id, f.cardId, f.board.columns[2].id) },
    fc.constantFrom(f.board.id, f.cardId, f.board.columns[2].id, f.cardCode, f.board.code),
    fc.constantFrom(...HOSTILE),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
    fc.string({ maxLength: 70 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)
  );

const scalarArb = () =>
  fc.oneof(idArb(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(-1, 0, 1e9, Number.MAX_SAFE_INTEGER));
const valueArb = () =>
  fc.oneof({ weight: 4, arbitrary: scalarArb() }, fc.array(scalarArb(), { maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }));

/** Each command's fields: the first ones it needs, the rest optional. */
const SHAPES: Record<string, { needs: string[]; may: string[] }> = {
  createCard: { needs: ['title'], may: ['columnId', 'cardId', 'beforeCardId', 'afterCardId', 'override', 'tags', 'due', 'estimate'] },
  updateCard: { needs: ['cardId', 'changes'], may: [] },
  archiveCard: { needs: ['cardId'], may: [] },
  restoreCard: { needs: ['cardId'], may: ['toColumnId', 'override'] },
  moveCard: { needs: ['cardId', 'toColumnId'], may: ['beforeCardId', 'afterCardId', 'override'] },
  addColumn: { needs: ['name'], may: ['columnId', 'wipLimit', 'wipHard', 'index', 'stage'] },
  renameColumn: { needs: ['columnId', 'name'], may: [] },
  moveColumn: { needs: ['columnId', 'toIndex'], may: [] },
  removeColumn: { needs: ['columnId'], may: [] },
  setWipLimit: { needs: ['columnId', 'wipLimit'], may: ['hard'] },
  renameBoard: { needs: ['name'], may: [] },
  markPrinted: { needs: ['cardIds', 'layout'], may: [] },
  setColumnStage: { needs: ['columnId', 'stage'], may: [] },
  setProject: { needs: ['project'], may: [] }
};

function fieldArb(key: string): fc.Arbitrary<unknown> {
  const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 20 }));
  switch (key) {
    case 'cardId':
    case 'toColumnId':
    case 'columnId':
    case 'beforeCardId':
    case 'afterCardId':
      return idArb();
    case 'cardIds':
      return fc.array(idArb(), { maxLength: 4 });
    case 'title':
    case 'name':
      return text;
    case 'tags':
      return fc.array(text, { maxLength: 3 });
    case 'wipLimit':
    case 'index':
    case 'toIndex':
    case 'estimate':
      return fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -1, max: 12 }) }, valueArb());
    case 'layout':
      return fc.oneof(fc.constantFrom('a4-8', 'letter-6', 'a6'), text);
    case 'stage':
      return fc.oneof(fc.constantFrom('todo', 'doing', 'done'), text);
    case 'changes':
      return fc.oneof(
        fc.record({ title: text, tags: fc.array(text, { maxLength: 2 }), due: valueArb() }, { requiredKeys: [] }),
        valueArb()
      );
    case 'project':
      return fc.oneof(
        fc.constant(null),
        valueArb(),
        fc.record({
          budget: valueArb(),
          currency: text,
          plannedStart: text,
          plannedEnd: text,
          actualCost: valueArb(),
          thresholds: valueArb()
        })
      );
    default:
      return valueArb();
  }
}

/**
 * A command: mostly one of the real types with its own fields (each value arbitrary, ids often
 * real, so that many reach the domain), now and then an unknown type or a stray field.
 */
const commandArb = () =>
  fc
    .tuple(
      fc.constantFrom(...Object.keys(SHAPES)),
      fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, fc.tuple(fc.string({ maxLength: 12 }), valueArb()))
    )
    .chain(([type, stray]) => {
      const { needs, may } = SHAPES[type];
      const model: Record<string, fc.Arbitrary<unknown>> = {
        type: fc.oneof({ weight: 9, arbitrary: fc.constant(type) }, idArb()),
        opId: fc.oneof({ weight: 9, arbitrary: fc.uuid() }, idArb()),
        baseRevision: fc.oneof(
          { weight: 6, arbitrary: fc.constant(undefined) },
          { weight: 2, arbitrary: fc.integer({ min: 0, max: 50 }) },
          valueArb()
        ),
        source: fc.oneof(
          { weight: 6, arbitrary: fc.constant(undefined) },
          { weight: 2, arbitrary: fc.constantFrom('ui', 'drag', 'scan', 'print', 'import', 'system') },
          idArb()
        ),
        ...Object.fromEntries([...needs, ...may].map((k) => [k, fieldArb(k)]))
      };
      return fc.record(model, { requiredKeys: ['type', 'opId', ...needs] }).map((c) => {
        const out: Record<string, unknown> = { ...c };
        for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
        if (stray) out[stray[0]] = stray[1];
        return out;
      });
    });

/** Other bodies the routes read: accounts, tokens, members, wall moves, anything. */
const bodyObjectArb = () =>
  fc.oneof(
    commandArb(),
    fc.record(
      {
        email: fc.oneof(
          idArb(),
          idArb().map((s) => `${s}@example.com`)
        ),
        password: valueArb(),
        name: valueArb(),
        code: idArb(),
        role: fc.oneof(fc.constantFrom('owner', 'editor', 'viewer'), idArb()),
        boardIds: fc.array(idArb(), { maxLength: 3 }),
        write: valueArb(),
        label: valueArb(),
        moves: fc.array(idArb(), { maxLength: 3 }),
        everywhere: valueArb(),
        columns: valueArb()
      },
      { requiredKeys: [] }
    ),
    fc.dictionary(fc.oneof(idArb(), fc.constantFrom('__proto__', 'constructor', 'prototype')), valueArb(), { maxKeys: 5 }),
    fc.jsonValue({ maxDepth: 4 })
  );

const bodyArb = () =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: bodyObjectArb().map((b) => JSON.stringify(b)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '[', '{"a":', '"\\ud800"', '')
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) }
  );

const printable = (s: string) => /^[\x21-\x7e]+$/.test(s);
/** A path segment: percent-encoded, or as it is when it is printable ASCII (broken escapes and all). */
const segmentArb = () =>
  fc.tuple(idArb(), fc.boolean()).map(([v, raw]) => (raw && printable(v) ? v : encodeURIComponent(v.toWellFormed())) || 'x');

const API_PATTERNS = API_ROUTES.map((r) => r.pattern.replace(/:(\w+)/g, '[$1]'));
const PAGE_PATTERNS = pageRoutes().map((p) => p.pattern);
const KEYS = queryKeys();

interface HttpCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const httpCaseArb = () =>
  fc
    .record({
      // Mostly a real route with its own method, so that requests get past the router.
      route: fc.oneof(
        {
          weight: 4,
          arbitrary: fc.constantFrom(
            ...API_ROUTES.map((r) => ({ method: r.method as string, pattern: r.pattern.replace(/:(\w+)/g, '[$1]') }))
          )
        },
        { weight: 1, arbitrary: fc.record({ method: fc.constantFrom('GET', 'POST'), pattern: fc.constantFrom(...PAGE_PATTERNS) }) },
        {
          weight: 1,
          arbitrary: fc.record({
            method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO'),
            pattern: fc.constantFrom(
              ...API_PATTERNS,
              ...PAGE_PATTERNS,
              '/api',
              '/api/',
              '/_app/x',
              '/%ZZ',
              '/api/%E0%A4%A',
              '//%2e%2e/api/health'
            )
          })
        }
      ),
      segments: fc.array(fc.oneof(fc.constantFrom(f.board.id, f.cardId, f.cardCode), segmentArb()), { minLength: 3, maxLength: 3 }),
      extra: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, segmentArb()),
      command: commandArb(),
      useCommand: fc.nat(4),
      query: fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(...KEYS),
            fc.string({ maxLength: 10 }),
            fc.constantFrom('/create', '/__proto__', '/constructor', '/default')
          ),
          fc.oneof(segmentArb(), fc.constantFrom('', '%', '%ZZ'))
        ),
        { maxLength: 4 }
      ),
      cookie: fc.constantFrom('session', 'session', 'session', 'session', 'none', 'garbage'),
      origin: fc.constantFrom('self', 'self', 'self', 'self', 'none', 'evil', 'null'),
      contentType: fc.constantFrom(
        'application/json',
        'application/x-www-form-urlencoded',
        'text/plain',
        'multipart/form-data; boundary=x',
        'image/png',
        'application/json; charset=utf-16',
        undefined
      ),
      host: fc.constantFrom(undefined, undefined, undefined, 'evil.example', 'a b', '[::1]', 'x'.repeat(300), 'localhost:0'),
      headers: fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), fc.stringMatching(/^[\x20-\x7e]{0,80}$/), { maxKeys: 3 }),
      body: bodyArb()
    })
    .map(
      ({
        route: { method, pattern },
        segments,
        extra,
        query,
        cookie,
        origin,
        contentType: type,
        host,
        headers,
        body: anyBody,
        command,
        useCommand
      }): HttpCase => {
        // The commands route mostly gets commands, as JSON; every route gets anything now and then.
        const commands = pattern.endsWith('/commands') && useCommand > 0;
        const body = commands ? JSON.stringify(command) : anyBody;
        const contentType = commands && useCommand > 1 ? 'application/json' : type;
        let i = 0;
        let path = pattern.replace(/\[(\w+)\]/g, () => segments[i++ % segments.length]);
        if (extra) path += `/${extra}`;
        if (query.length)
          path += `?${query.map(([k, v]) => `${encodeURIComponent(k.toWellFormed()).replace(/%2F/g, '/')}=${v}`).join('&')}`;
        const h: Record<string, string> = { ...headers };
        // Signing out would end the session the checks use.
        if (cookie === 'session' && !path.startsWith('/api/auth/logout')) h.cookie = f.cookie;
        if (cookie === 'garbage') h.cookie = 'kanbridge_session=u.garbage; other=1';
        if (origin === 'self') h.origin = f.url;
        if (origin === 'evil') h.origin = 'http://evil.example';
        if (origin === 'null') h.origin = 'null';
        if (contentType) h['content-type'] = contentType;
        if (host) h.host = host;
        return { method, path, headers: h, body: method === 'GET' || method === 'HEAD' ? undefined : body };
      }
    );

async function snapshot(): Promise<string> {
  const r = await send(f.url, 'GET', `/api/boards/${f.board.id}`, { headers: { cookie: f.cookie } });
  if (r.status !== 200) throw new Error(`the board could not be read: ${r.status} ${r.body.slice(0, 200)}`);
  return r.body;
}

async function expectBystanderFine(what: string) {
  expect(await bystanderProblems(f), `after ${what}`).toEqual([]);
}

// A few hundred requests each, with checks after every one: slow on a busy machine.
describe('fuzzing the real server', { timeout: 180_000 }, () => {
  it('random and hostile HTTP requests: no 5xx, refused ones change nothing, a bystander keeps working', async () => {
    await fc.assert(
      fc.asyncProperty(httpCaseArb(), async (c) => {
        const what = `${c.method} ${c.path.slice(0, 200)}`;
        const before = await snapshot();
        const r = await send(f.url, c.method, c.path, { headers: c.headers, body: c.body });
        expect(r.status, `${what} answered ${r.status}: ${r.body.slice(0, 300)}`).toBeLessThan(500);
        if (r.status >= 400) expect(await snapshot(), `${what} was refused (${r.status}) but changed the board`).toBe(before);
        await expectBystanderFine(what);
      }),
      { numRuns: RUNS, endOnFailure: true }
    );
  });

  it('random and hostile socket messages: no INTERNAL, refused ones change nothing, a bystander keeps working', async () => {
    let attacker: Socket | null = null;
    let used = 0;
    /** A fresh connection now and then, so that per-connection rate limits do not answer everything. */
    const fresh = async () => {
      if (attacker && attacker.connected && used++ < 10) return attacker;
      attacker?.disconnect();
      attacker = socketFor(f.url, f.cookie);
      used = 0;
      await connected(attacker);
      const joined = await ack(attacker, 'board:join', { boardId: f.board.id });
      expect(joined.ok, JSON.stringify(joined)).toBe(true);
      return attacker;
    };
    const boardIdArb = fc.oneof({ weight: 4, arbitrary: fc.constant(f.board.id) }, idArb());
    const anyPayload = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(fc.oneof(idArb(), fc.constantFrom('__proto__', 'constructor', 'boardId')), valueArb(), { maxKeys: 4 })
    );
    /** Mostly the message each event expects, with arbitrary values; anything now and then. */
    const payloadFor = (event: string): fc.Arbitrary<unknown> => {
      switch (event) {
        case 'board:command':
          return fc.oneof(
            { weight: 6, arbitrary: fc.tuple(boardIdArb, commandArb()).map(([boardId, c]) => ({ boardId, ...c })) },
            anyPayload
          );
        case 'board:join':
        case 'board:leave':
        case 'board:events-since': {
          const since = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 100 }) }, valueArb());
          const limit = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 6000 }) }, valueArb());
          const expected =
            event === 'board:events-since'
              ? fc.record({ boardId: boardIdArb, since, limit }, { requiredKeys: ['boardId', 'since'] })
              : fc.record({ boardId: boardIdArb, since }, { requiredKeys: ['boardId'] });
          return fc.oneof(
            { weight: 4, arbitrary: expected },
            fc.record({ boardId: boardIdArb, since, limit }, { requiredKeys: [] }),
            anyPayload
          );
        }
        default:
          return anyPayload;
      }
    };
    const messageArb = fc
      .oneof(
        { weight: 8, arbitrary: fc.constantFrom(...EVENTS) },
        fc.constantFrom('board:snapshot', 'board:events', '__proto__', 'constructor', 'hasOwnProperty'),
        fc.string({ minLength: 1, maxLength: 20 })
      )
      .chain((event) => payloadFor(event).map((payload) => [event, payload] as const));
    try {
      await fc.assert(
        fc.asyncProperty(messageArb, async ([event, payload]) => {
          const s = await fresh();
          const what = `${event} ${JSON.stringify(payload).slice(0, 200)}`;
          const before = await snapshot();
          if (EVENTS.includes(event)) {
            const r = await ack<{ ok: boolean; error?: { code: string; message: string } } | undefined>(s, event, payload);
            expect(r?.error?.code, `${what} → ${JSON.stringify(r)}`).not.toBe('INTERNAL');
            if (!r?.ok) expect(await snapshot(), `${what} was refused (${JSON.stringify(r)}) but changed the board`).toBe(before);
          } else if (!['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'].includes(event)) {
            // Not an event the server knows: nothing answers, nothing changes.
            s.emit(event, payload);
            await new Promise((resolve) => setTimeout(resolve, 5));
            expect(await snapshot(), `${what} changed the board`).toBe(before);
          }
          expect(s.connected, `${what} closed the connection`).toBe(true);
          await expectBystanderFine(what);
        }),
        { numRuns: RUNS, endOnFailure: true }
      );
    } finally {
      (attacker as Socket | null)?.disconnect();
    }
  });
  it('hostile handshakes: every one connects or is refused, and a bystander keeps working', async () => {
    const authArb = fc.oneof(
      fc.record(
        { token: fc.oneof(idArb(), valueArb()), name: fc.oneof(idArb(), valueArb()), clientId: fc.oneof(idArb(), valueArb()) },
        { requiredKeys: [] }
      ),
      fc.dictionary(fc.oneof(idArb(), fc.constantFrom('__proto__', 'constructor', 'token')), valueArb(), { maxKeys: 4 })
    );
    const cookieArb = fc.oneof(
      fc.constant(f.cookie),
      fc.constant(undefined),
      fc.stringMatching(/^[\x20-\x7e]{0,120}$/),
      idArb().map((v) => `kanbridge_session=${encodeURIComponent(v.toWellFormed())}`)
    );
    await fc.assert(
      fc.asyncProperty(authArb, cookieArb, fc.constantFrom(undefined, 'http://evil.example', 'null'), async (auth, cookie, origin) => {
        const headers: Record<string, string> = {};
        if (cookie !== undefined) headers.cookie = cookie;
        if (origin) headers.origin = origin;
        const s = connect(f.url, {
          transports: ['websocket'],
          auth: auth as Record<string, unknown>,
          extraHeaders: headers,
          reconnection: false,
          forceNew: true,
          timeout: 10_000
        });
        try {
          const outcome = await new Promise<string>((resolve) => {
            s.once('connect', () => resolve('connected'));
            s.once('connect_error', (e) => resolve(`refused: ${e.message}`));
          });
          const what = `auth ${JSON.stringify(auth).slice(0, 200)} cookie ${JSON.stringify(cookie)?.slice(0, 80)} origin ${origin}`;
          expect(outcome, what).not.toMatch(/timeout/);
          if (outcome === 'connected') {
            // Whoever it is, its messages get answers.
            const r = await ack(s, 'board:join', { boardId: f.board.id });
            expect(r.error?.code, `${what}: ${JSON.stringify(r)}`).not.toBe('INTERNAL');
          }
          await expectBystanderFine(what);
        } finally {
          s.disconnect();
        }
      }),
      { numRuns: 100, endOnFailure: true }
    );
  });
});

/**
 * A real Kanbridge server with accounts, signed in, with a board, for the hostile-input walk
 * and the fuzz tests: raw HTTP requests (nothing normalised on the way out), signed-in
 * sockets, and a bystander on its own socket whose moves must keep being acknowledged.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { startServer, type RunningServer } from './server';

export const ADMIN = { email: 'admin@example.com', password: 'a long enough password 1' };

/** Hostile ids and path segments. */
export const HOSTILE = [
  '%ZZ',
  'x%',
  '%E0%A4%A',
  '%',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'a'.repeat(1000),
  '\u0000',
  '\n',
  '\r\n',
  '\u202e',
  '../../etc/passwd',
  '..',
  '.',
  '%2e%2e%2f',
  ' ',
  '',
  '<script>alert(1)</script>',
  '${7*7}',
  '💥',
  '\ud800'
];

const ROOT = path.resolve(__dirname, '..', '..');

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with the path sent exactly as given. Rejects only when the connection
 * fails (refused, reset, no answer within `timeoutMs`).
 */
export function send(
  base: string,
  method: string,
  rawPath: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {}
): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = http.request({ host: u.hostname, port: u.port, method, path: rawPath, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 15_000, () => req.destroy(new Error(`no answer to ${method} ${rawPath.slice(0, 120)}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface Fixture {
  server: RunningServer;
  url: string;
  cookie: string;
  adminId: string;
  board: { id: string; code: string; revision: number; columns: { id: string; code: string }[] };
  /** A card hostile commands may name; the bystander moves another. */
  cardId: string;
  cardCode: string;
  bystanderCardId: string;
  bystander: Socket;
  /** A signed-in socket that has joined the board, for hostile socket messages. */
  attacker: Socket;
  stop: () => Promise<void>;
}

export function socketFor(url: string, cookie: string): Socket {
  return connect(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
}

export function connected(socket: Socket, timeoutMs = 10_000): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the socket did not connect')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export function ack<T = { ok: boolean; error?: { code: string; message: string } }>(
  socket: Socket,
  event: string,
  msg: unknown,
  timeoutMs = 10_000
): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, msg) as Promise<T>;
}

async function json<T>(
  base: string,
  method: string,
  p: string,
  cookie: string | null,
  body?: unknown
): Promise<{ status: number; body: T; headers: http.IncomingHttpHeaders }> {
  const headers: Record<string, string> = { origin: base };
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await send(base, method, p, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, headers: r.headers, body: (r.body ? JSON.parse(r.body) : null) as T };
}

export async function startFixture(): Promise<Fixture> {
  const server = await startServer({ demo: false, env: { KANBRIDGE_ADMIN_EMAIL: ADMIN.email, KANBRIDGE_ADMIN_PASSWORD: ADMIN.password } });
  const url = server.url;
  const login = await json<{ user: { id: string } }>(url, 'POST', '/api/auth/login', null, ADMIN);
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status}`);
  const setCookie = login.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : String(setCookie)).split(';')[0];
  const created = await json<Fixture['board']>(url, 'POST', '/api/boards', cookie, {
    name: 'Hostile walk',
    columns: [{ name: 'Todo' }, { name: 'Doing' }, { name: 'Done' }]
  });
  if (created.status !== 201) throw new Error(`could not create a board: ${created.status} ${JSON.stringify(created.body)}`);
  const board = created.body;
  const card = async (title: string) => {
    const r = await json<{ card: { id: string; code: string } }>(url, 'POST', `/api/boards/${board.id}/cards`, cookie, {
      title,
      columnId: board.columns[0].id
    });
    if (r.status !== 201) throw new Error(`could not create a card: ${r.status}`);
    return r.body.card;
  };
  const target = await card('Hostile target');
  const mine = await card('Bystander card');
  const bystander = socketFor(url, cookie);
  const attacker = socketFor(url, cookie);
  await Promise.all([connected(bystander), connected(attacker)]);
  for (const s of [bystander, attacker]) {
    const joined = await ack(s, 'board:join', { boardId: board.id });
    if (!joined.ok) throw new Error(`join failed: ${JSON.stringify(joined)}`);
  }
  return {
    server,
    url,
    cookie,
    adminId: login.body.user.id,
    board,
    cardId: target.id,
    cardCode: target.code,
    bystanderCardId: mine.id,
    bystander,
    attacker,
    stop: async () => {
      bystander.disconnect();
      attacker.disconnect();
      await server.stop();
    }
  };
}

let moves = 0;
/**
 * Problems seen by a bystander right now: the health check must answer 200 and a move on the
 * bystander's own socket must be acknowledged. Empty when all is well.
 */
export async function bystanderProblems(f: Fixture): Promise<string[]> {
  const problems: string[] = [];
  try {
    const h = await send(f.url, 'GET', '/api/health');
    if (h.status !== 200) problems.push(`health answered ${h.status}`);
  } catch (e) {
    problems.push(`health failed: ${(e as Error).message}`);
    return problems;
  }
  if (!f.bystander.connected) {
    problems.push('the bystander socket was disconnected');
    return problems;
  }
  const to = f.board.columns[++moves % 2 === 0 ? 0 : 1].id;
  try {
    const r = await ack(f.bystander, 'board:command', {
      boardId: f.board.id,
      type: 'moveCard',
      opId: `bystander-${Date.now()}-${moves}`,
      cardId: f.bystanderCardId,
      toColumnId: to
    });
    if (!r.ok) problems.push(`the bystander's move was refused: ${JSON.stringify(r)}`);
  } catch (e) {
    problems.push(`the bystander's move was not acknowledged: ${(e as Error).message}`);
  }
  return problems;
}

export interface PageRoute {
  /** e.g. /boards/[boardId]/print */
  pattern: string;
  params: string[];
  actions: string[];
}

/** Every page under src/routes (a folder with +page.svelte or +page.server.ts), with its form actions. */
export function pageRoutes(): PageRoute[] {
  const out: PageRoute[] = [];
  const walk = (dir: string, rel: string) => {
    const names = readdirSync(dir);
    if (names.some((n) => n === '+page.svelte' || n === '+page.server.ts')) {
      const pattern = rel || '/';
      const server = names.includes('+page.server.ts') ? readFileSync(path.join(dir, '+page.server.ts'), 'utf8') : '';
      const block = server.split('export const actions')[1] ?? '';
      const actions = [...block.matchAll(/^\s+(\w+): async/gm)].map((m) => m[1]);
      out.push({ pattern, params: [...pattern.matchAll(/\[(\w+)\]/g)].map((m) => m[1]), actions });
    }
    for (const n of names) {
      const p = path.join(dir, n);
      if (statSync(p).isDirectory()) walk(p, `${rel}/${n}`);
    }
  };
  walk(path.join(ROOT, 'src', 'routes'), '');
  return out;
}

/** Query and form field names the route and page code reads. */
export function queryKeys(only?: 'api'): string[] {
  const keys = new Set(
    only ? [] : ['next', 'code', 'since', 'limit', 'from', 'to', 'sort', 'dir', 'q', 'status', 'aging', 'source', 'card', 'actor', 'page']
  );
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const n of readdirSync(dir)) {
      const p = path.join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.ts')) files.push(p);
    }
  };
  if (!only) walk(path.join(ROOT, 'src', 'routes'));
  walk(path.join(ROOT, 'server', 'gateway', 'routes'));
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:\bq|\.get|\.getAll)\('(\w+)'\)/g)) keys.add(m[1]);
  }
  return [...keys];
}

/** Form fields the page actions read (besides those queryKeys finds). */
export const FORM_FIELDS = [
  'name',
  'column',
  'wip',
  'actorName',
  'actorId',
  'budget',
  'currency',
  'plannedStart',
  'plannedEnd',
  'actualCost',
  'green',
  'amber',
  'clear'
];

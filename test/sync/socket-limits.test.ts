/**
 * One client must not be able to slow a board down for everyone else: joins (and leaves and
 * catch-ups) are rate-limited per connection, and a client may hold only so many connections.
 * Every limit answers with a clear error; nobody else notices.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { newOpId, type BoardState } from '../../src/lib/domain';
import type { CommandResult, JoinResult } from '../../src/lib/protocol';
import {
  ConnectionLimiter,
  JOIN_RATE,
  MAX_CONNECTIONS_PER_ADDRESS,
  MAX_CONNECTIONS_PER_CLIENT,
  READ_RATE,
  TokenBucket
} from '../../server/gateway/socket-limits';
import { connected, request, startTestApp, type TestApp } from '../helpers/app';

const ADMIN = { email: 'admin@example.com', password: 'a long enough password 1' };
type Ack = { ok: boolean; error?: { code: string; message: string } };

let t: TestApp;
let board: BoardState;
const extra: Socket[] = [];

async function setup(admin?: typeof ADMIN) {
  t = await startTestApp({ admin });
  const created = await t.app.service.createBoard({ name: 'Limits' }, { actor: { id: 't', name: 'T' }, source: 'api' });
  if (!created.ok) throw new Error('board');
  await t.app.service.execute(
    created.board.id,
    { type: 'createCard', opId: newOpId(), title: 'A', columnId: created.board.columns[0].id },
    { actor: { id: 't', name: 'T' }, source: 'api' }
  );
  board = (await t.app.service.getBoard(created.board.id))!;
}

afterEach(async () => {
  for (const s of extra.splice(0)) s.disconnect();
  await t?.close();
});

const cardA = () => Object.values(board.cards).find((c) => c.title === 'A')!;
let moves = 0;
const move = (s: Socket) =>
  request<CommandResult>(s, 'board:command', {
    boardId: board.id,
    opId: newOpId(),
    type: 'moveCard',
    cardId: cardA().id,
    toColumnId: board.columns[++moves % 2].id
  });

/** Opens a socket that does not reconnect; resolves with it or with its connect_error. */
function open(
  auth: Record<string, unknown> = {},
  cookie?: string
): Promise<{ socket: Socket; error?: Error & { data?: { code: string; message: string } } }> {
  const socket = connect(t.url, {
    transports: ['websocket'],
    auth,
    reconnection: false,
    forceNew: true,
    ...(cookie ? { extraHeaders: { cookie } } : {})
  });
  extra.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error) => resolve({ socket, error }));
  });
}

async function login(): Promise<string> {
  const r = await fetch(`${t.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t.url },
    body: JSON.stringify(ADMIN)
  });
  expect(r.status).toBe(200);
  return (r.headers.get('set-cookie') ?? '').split(';')[0];
}

describe('per-connection rate limits', () => {
  beforeEach(() => setup());

  it('limits board:join on one connection with RATE_LIMITED, and a bystander keeps working', async () => {
    const flood = t.client();
    const bystander = t.client();
    await Promise.all([connected(flood), connected(bystander)]);
    expect(await request<JoinResult>(bystander, 'board:join', { boardId: board.id })).toMatchObject({ ok: true });
    let presence = 0;
    bystander.on('board:presence', () => presence++);

    const results = await Promise.all(Array.from({ length: 200 }, () => request<Ack>(flood, 'board:join', { boardId: board.id }, 20_000)));
    const accepted = results.filter((r) => r.ok).length;
    const limited = results.filter((r) => !r.ok && r.error?.code === 'RATE_LIMITED');
    // The burst, and perhaps a few refilled while the flood was handled.
    expect(accepted).toBeGreaterThanOrEqual(JOIN_RATE.burst);
    expect(accepted).toBeLessThan(JOIN_RATE.burst + 20);
    expect(limited.length).toBe(200 - accepted);
    expect(limited[0].error!.message).toMatch(/Too many board joins/);

    // The bystander heard about the accepted joins only, and its moves still go through.
    expect(presence).toBeLessThanOrEqual(accepted);
    expect(await move(bystander)).toMatchObject({ ok: true });
    // The flooding connection itself stays up and may still send commands.
    expect(flood.connected).toBe(true);
    expect(await move(flood)).toMatchObject({ ok: true });
  });

  it('counts board:leave with joins', async () => {
    const s = t.client();
    await connected(s);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => request<Ack>(s, i % 2 ? 'board:leave' : 'board:join', { boardId: board.id }, 20_000))
    );
    const limited = results.filter((r) => !r.ok && r.error?.code === 'RATE_LIMITED').length;
    expect(limited).toBeGreaterThan(100 - JOIN_RATE.burst - 20);
  });

  it('limits board:events-since on one connection', async () => {
    const s = t.client();
    await connected(s);
    await request(s, 'board:join', { boardId: board.id });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => request<Ack>(s, 'board:events-since', { boardId: board.id, since: 0 }, 20_000))
    );
    const limited = results.filter((r) => !r.ok && r.error?.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(200 - READ_RATE.burst - 40);
    expect(limited[0].error!.message).toMatch(/Too many/);
  });

  it('keeps limits per connection: a fresh connection joins at once', async () => {
    const a = t.client();
    await connected(a);
    await Promise.all(Array.from({ length: 60 }, () => request<Ack>(a, 'board:join', { boardId: board.id }, 20_000)));
    const b = t.client();
    await connected(b);
    expect(await request<JoinResult>(b, 'board:join', { boardId: board.id })).toMatchObject({ ok: true });
  });
});

describe('connections per client', () => {
  it('refuses more than the cap from one address on an open install, with a clear connect_error', async () => {
    await setup();
    const opened = [];
    for (let i = 0; i < MAX_CONNECTIONS_PER_ADDRESS; i++) opened.push(await open());
    expect(opened.every((o) => !o.error)).toBe(true);
    const refused = await open();
    expect(refused.error?.message).toBe('TOO_MANY_CONNECTIONS');
    expect(refused.error?.data?.message).toMatch(/Too many open connections/);
    // Those already open keep working.
    const first = opened[0].socket;
    expect(await request<JoinResult>(first, 'board:join', { boardId: board.id })).toMatchObject({ ok: true });
    expect(await move(first)).toMatchObject({ ok: true });
    // Closing one makes room for another.
    opened[1].socket.disconnect();
    await expect.poll(async () => !(await open()).error).toBe(true);
  });

  it('counts each sign-in session on its own', async () => {
    await setup(ADMIN);
    const [a, b] = [await login(), await login()];
    for (let i = 0; i < MAX_CONNECTIONS_PER_CLIENT; i++) expect((await open({}, a)).error).toBeUndefined();
    expect((await open({}, a)).error?.message).toBe('TOO_MANY_CONNECTIONS');
    const other = await open({}, b);
    expect(other.error).toBeUndefined();
    expect(await request<JoinResult>(other.socket, 'board:join', { boardId: board.id })).toMatchObject({ ok: true });
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate', () => {
    const b = new TokenBucket({ burst: 3, perSecond: 2 }, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(250)).toBe(false);
    expect(b.take(500)).toBe(true);
    expect(b.take(500)).toBe(false);
    // Never more than the burst, however long it waited.
    expect([b.take(60_000), b.take(60_000), b.take(60_000), b.take(60_000)]).toEqual([true, true, true, false]);
  });
});

describe('ConnectionLimiter', () => {
  it('counts per key and releases once', () => {
    const l = new ConnectionLimiter(2, 3);
    const r1 = l.acquire('session:k', '1')!;
    expect(l.acquire('session:k', '2')).not.toBeNull();
    expect(l.acquire('session:k', '3')).toBeNull();
    expect(l.acquire('session:other', '3')).not.toBeNull();
    r1();
    r1();
    expect(l.count('session:k')).toBe(1);
    expect(l.acquire('session:k', '3')).not.toBeNull();
    // An address (open install) has its own, larger cap.
    for (const id of ['1', '2', '3']) expect(l.acquire('address:1.2.3.4', id)).not.toBeNull();
    expect(l.acquire('address:1.2.3.4', '4')).toBeNull();
  });
});

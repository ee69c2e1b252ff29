import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloneBoard, newOpId, type BoardEvent, type BoardState } from '../../src/lib/domain';
import type { CommandResult, JoinResult } from '../../src/lib/protocol';
import { connected, request, startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
let board: BoardState;

beforeEach(async () => {
  t = await startTestApp();
  const created = await t.app.service.createBoard({ name: 'Sync' }, { actor: { id: 't', name: 'T' }, source: 'api' });
  if (!created.ok) throw new Error('board');
  board = created.board;
  for (const title of ['A', 'B', 'C']) {
    await t.app.service.execute(
      created.board.id,
      { type: 'createCard', opId: newOpId(), title, columnId: created.board.columns[0].id },
      { actor: { id: 't', name: 'T' }, source: 'api' }
    );
  }
  board = cloneBoard((await t.app.service.getBoard(created.board.id))!);
});
afterEach(async () => t.close());

function collect(socket: ReturnType<TestApp['client']>) {
  const events: BoardEvent[] = [];
  socket.on('board:events', (m) => events.push(...m.events));
  return events;
}

const card = (title: string) => Object.values(board.cards).find((c) => c.title === title)!;

describe('Socket.IO gateway', () => {
  it('fans a move out to every client in the board room, with revision, source and actor', async () => {
    const a = t.client({ name: 'Ann', clientId: 'ann' });
    const b = t.client({ name: 'Bob', clientId: 'bob' });
    const outsider = t.client();
    const seenB = collect(b);
    const seenOutsider = collect(outsider);
    await Promise.all([connected(a), connected(b), connected(outsider)]);
    const ja = await request<JoinResult>(a, 'board:join', { boardId: board.id, since: board.revision });
    await request<JoinResult>(b, 'board:join', { boardId: board.id, since: board.revision });
    expect(ja).toMatchObject({ ok: true, revision: board.revision });
    const opId = newOpId();
    const res = await request<CommandResult>(a, 'board:command', {
      boardId: board.id,
      opId,
      type: 'moveCard',
      cardId: card('A').id,
      toColumnId: board.columns[1].id,
      source: 'drag'
    });
    expect(res).toMatchObject({ ok: true, revision: board.revision + 1 });
    await expect.poll(() => seenB.length).toBe(1);
    expect(seenB[0]).toMatchObject({
      type: 'cardMoved',
      cardId: card('A').id,
      toColumnId: board.columns[1].id,
      revision: board.revision + 1,
      source: 'drag',
      actor: { id: 'ann', name: 'Ann' },
      opId
    });
    expect(seenOutsider).toEqual([]);
  });

  it('applies a duplicate opId once and answers the repeat with the first result', async () => {
    const a = t.client();
    await connected(a);
    await request(a, 'board:join', { boardId: board.id });
    const msg = { boardId: board.id, opId: newOpId(), type: 'moveCard', cardId: card('B').id, toColumnId: board.columns[2].id };
    const [r1, r2] = await Promise.all([request<CommandResult>(a, 'board:command', msg), request<CommandResult>(a, 'board:command', msg)]);
    const r3 = await request<CommandResult>(a, 'board:command', msg);
    expect(r1).toMatchObject({ ok: true });
    expect(r2).toEqual(r1);
    expect(r3).toEqual(r1);
    const events = await t.app.service.eventsSince(board.id, board.revision);
    expect(events).toHaveLength(1);
  });

  it('catches a client up from its last revision, or sends a snapshot when it has none', async () => {
    const a = t.client();
    await connected(a);
    await request(a, 'board:join', { boardId: board.id });
    for (const title of ['A', 'B']) {
      await request(a, 'board:command', {
        boardId: board.id,
        opId: newOpId(),
        type: 'moveCard',
        cardId: card(title).id,
        toColumnId: board.columns[3].id
      });
    }
    const late = t.client();
    const lateEvents = collect(late);
    const snapshots: BoardState[] = [];
    late.on('board:snapshot', (m) => snapshots.push(m.board));
    await connected(late);
    const j = await request<JoinResult>(late, 'board:join', { boardId: board.id, since: board.revision });
    expect(j).toMatchObject({ ok: true, revision: board.revision + 2 });
    expect(lateEvents.map((e) => e.revision)).toEqual([board.revision + 1, board.revision + 2]);
    expect(snapshots).toEqual([]);
    const fresh = t.client();
    const freshSnaps: BoardState[] = [];
    fresh.on('board:snapshot', (m) => freshSnaps.push(m.board));
    await connected(fresh);
    await request(fresh, 'board:join', { boardId: board.id });
    expect(freshSnaps).toHaveLength(1);
    expect(freshSnaps[0].revision).toBe(board.revision + 2);
    expect(freshSnaps[0].order[board.columns[3].id]).toEqual([card('A').id, card('B').id]);
  });

  it('rejects bad payloads with an error ack while the connection and other clients keep working', async () => {
    const bad = t.client();
    const good = t.client();
    const seenGood = collect(good);
    await Promise.all([connected(bad), connected(good)]);
    await request(bad, 'board:join', { boardId: board.id });
    await request(good, 'board:join', { boardId: board.id });
    const garbage: unknown[] = [
      null,
      42,
      'move',
      [],
      { boardId: board.id },
      { boardId: board.id, type: 'moveCard' },
      { boardId: board.id, opId: 'short', type: 'moveCard', cardId: card('A').id, toColumnId: board.columns[1].id },
      { boardId: board.id, opId: newOpId(), type: 'explode' },
      { boardId: board.id, opId: newOpId(), type: 'moveCard', cardId: card('A').id, toColumnId: board.columns[1].id, extra: 1 },
      { boardId: board.id, opId: newOpId(), type: 'createCard', title: 'x'.repeat(5_000) },
      { boardId: board.id, opId: newOpId(), type: 'moveCard', cardId: '../../etc', toColumnId: board.columns[1].id },
      { boardId: '<script>', opId: newOpId(), type: 'moveCard', cardId: card('A').id, toColumnId: board.columns[1].id },
      { boardId: board.id, opId: newOpId(), type: 'moveCard', cardId: card('A').id, toColumnId: 'l_nope' }
    ];
    for (const g of garbage) {
      const r = await request<CommandResult>(bad, 'board:command', g);
      expect(r.ok, JSON.stringify(g)).toBe(false);
      if (!r.ok) expect(r.error.code).toMatch(/^(INVALID|NOT_FOUND|NOT_JOINED)$/);
    }
    // no ack function, unknown events, bad join: ignored without harm
    const raw = bad as unknown as { emit: (...args: unknown[]) => void };
    raw.emit('board:command', {
      boardId: board.id,
      opId: newOpId(),
      type: 'moveCard',
      cardId: card('C').id,
      toColumnId: board.columns[1].id,
      source: 'hacker'
    });
    raw.emit('nonsense', { x: 1 }, () => {});
    expect(await request<JoinResult>(bad, 'board:join', { boardId: 5 })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    expect(await request<JoinResult>(bad, 'board:join', { boardId: 'b_unknown' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' }
    });
    expect(bad.connected).toBe(true);
    expect((await t.app.service.getBoard(board.id))!.revision).toBe(board.revision);
    // the good client is unaffected
    const r = await request<CommandResult>(good, 'board:command', {
      boardId: board.id,
      opId: newOpId(),
      type: 'moveCard',
      cardId: card('C').id,
      toColumnId: board.columns[4].id
    });
    expect(r).toMatchObject({ ok: true, revision: board.revision + 1 });
    await expect.poll(() => seenGood.length).toBe(1);
  });

  it('closes only the connection that sends an oversized message', async () => {
    const big = t.client();
    const other = t.client();
    await Promise.all([connected(big), connected(other)]);
    await request(other, 'board:join', { boardId: board.id });
    const closed = new Promise<string>((resolve) => big.once('disconnect', (reason) => resolve(reason)));
    big.io.opts.reconnection = false;
    big.emit('board:command', { boardId: board.id, blob: 'x'.repeat(200_000) }, () => {});
    expect(await closed).toBe('transport close');
    const r = await request<CommandResult>(other, 'board:command', {
      boardId: board.id,
      opId: newOpId(),
      type: 'moveCard',
      cardId: card('A').id,
      toColumnId: board.columns[1].id
    });
    expect(r.ok).toBe(true);
  });

  it('rate-limits a flood of commands on one connection without affecting others', async () => {
    const flood = t.client();
    await connected(flood);
    await request(flood, 'board:join', { boardId: board.id });
    const results = await Promise.all(
      Array.from({ length: 400 }, () =>
        request<CommandResult>(flood, 'board:command', { boardId: board.id, opId: newOpId(), type: 'renameBoard', name: 'Flood' }, 20_000)
      )
    );
    const limited = results.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED').length;
    expect(limited).toBeGreaterThan(0);
    expect(limited).toBeLessThan(400);
  });

  it('refuses a WebSocket from a page on another origin', async () => {
    const { io } = await import('socket.io-client');
    const s = io(t.url, { transports: ['websocket'], extraHeaders: { origin: 'http://evil.example' }, reconnection: false });
    const error = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
    expect(error).toBeInstanceOf(Error);
    expect(s.connected).toBe(false);
    s.close();
  });

  it('shows who is viewing a board', async () => {
    const a = t.client({ name: 'Ann', clientId: 'ann' });
    const b = t.client({ name: 'Bob', clientId: 'bob' });
    const presence: string[][] = [];
    a.on('board:presence', (p) => presence.push(p.viewers.map((v) => v.name).sort()));
    await Promise.all([connected(a), connected(b)]);
    await request(a, 'board:join', { boardId: board.id });
    const j = await request<JoinResult>(b, 'board:join', { boardId: board.id });
    expect(j).toMatchObject({ ok: true, viewers: 2 });
    await expect.poll(() => presence.at(-1)).toEqual(['Ann', 'Bob']);
    b.disconnect();
    await expect.poll(() => presence.at(-1)).toEqual(['Ann']);
  });
});

/**
 * The protocol version: a page sends its own when it joins a board and the server answers with
 * its own. A page from an older build stops and asks to be reloaded, instead of failing on an
 * event type it does not know; so does a page refused one connection too many.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneBoard, newOpId, type BoardEvent, type BoardState } from '../../src/lib/domain';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, type JoinResult } from '../../src/lib/protocol';
import { SyncClient, memoryPendingStore, type RevokeReason } from '../../src/lib/sync/client';
import { ScriptedBoard } from '../storage/board-events';
import { connected, request, startTestApp, type TestApp } from '../helpers/app';

describe('the server side', () => {
  let t: TestApp;
  let boardId: string;
  beforeAll(async () => {
    t = await startTestApp();
    const created = await t.app.service.createBoard({ name: 'Versions' }, { actor: { id: 'a', name: 'A' }, source: 'api' });
    if (!created.ok) throw new Error(created.rejection.message);
    boardId = created.board.id;
  });
  afterAll(async () => t.close());

  it('answers a join with its protocol version', async () => {
    const s = t.client();
    await connected(s);
    const r = await request<JoinResult>(s, 'board:join', { boardId, protocol: PROTOCOL_VERSION });
    expect(r).toMatchObject({ ok: true, protocol: PROTOCOL_VERSION });
    // Pages older than the version exchange send none, and still join.
    expect(await request<JoinResult>(s, 'board:join', { boardId })).toMatchObject({ ok: true, protocol: PROTOCOL_VERSION });
  });

  it('refuses a page older than it still serves with OUTDATED, naming its own version', async () => {
    const s = t.client();
    await connected(s);
    const r = await request<JoinResult>(s, 'board:join', { boardId, protocol: MIN_PROTOCOL_VERSION - 1 });
    expect(r).toMatchObject({ ok: false, error: { code: 'OUTDATED', details: { protocol: PROTOCOL_VERSION } } });
    expect(r.ok ? '' : r.error.message).toMatch(/updated.*reload/i);
    expect(await request<JoinResult>(s, 'board:join', { boardId, protocol: 'one' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID' }
    });
  });
});

/** A stand-in server that answers joins as told and can send anything. */
async function fakeServer(onJoin: (ack: (r: JoinResult) => void, board: BoardState) => void, board: BoardState, refuse?: string) {
  const httpServer = http.createServer();
  const io = new Server(httpServer);
  if (refuse) io.use((_socket, next) => next(new Error(refuse)));
  const joins: unknown[] = [];
  io.on('connection', (socket) => {
    socket.on('board:join', (msg: unknown, ack: (r: JoinResult) => void) => {
      joins.push(msg);
      onJoin(ack, board);
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return { io, url, joins, close: () => new Promise<void>((resolve) => io.close(() => resolve())) };
}

function clientFor(url: string, board: BoardState) {
  const socket = connect(url, { transports: ['websocket'], reconnection: false });
  const revoked: RevokeReason[] = [];
  const client = new SyncClient({
    socket: socket as never,
    board: cloneBoard(board),
    store: memoryPendingStore(),
    onRevoked: (r) => revoked.push(r)
  });
  client.start();
  return { socket, client, revoked };
}

describe('the page side', () => {
  const scripted = new ScriptedBoard('Fake', ['To do', 'Done']);
  scripted.addCard('One');
  const board = scripted.state;

  it('sends its version when it joins, and stops asking to reload when the server is newer', async () => {
    const server = await fakeServer((ack, b) => ack({ ok: true, revision: b.revision, viewers: 1, protocol: PROTOCOL_VERSION + 1 }), board);
    const { client, revoked } = clientFor(server.url, board);
    await expect.poll(() => revoked).toEqual(['outdated']);
    expect(server.joins[0]).toMatchObject({ boardId: board.id, protocol: PROTOCOL_VERSION });
    client.stop();
    await server.close();
  });

  it('stops, without throwing or changing the board, on an event type it does not know', async () => {
    const server = await fakeServer((ack, b) => ack({ ok: true, revision: b.revision, viewers: 1, protocol: PROTOCOL_VERSION }), board);
    const { client, revoked } = clientFor(server.url, board);
    await expect.poll(() => client.status).toBe('live');
    const unknown = {
      ...scripted.events[1],
      type: 'laneAdded',
      revision: board.revision + 1,
      opId: newOpId(),
      lane: { id: 'r_1', name: 'Expedite' }
    } as unknown as BoardEvent;
    server.io.emit('board:events', { boardId: board.id, events: [unknown] });
    await expect.poll(() => revoked).toEqual(['outdated']);
    expect(client.core.revision).toBe(board.revision);
    expect(client.view.cards[scripted.lastCardId()].title).toBe('One');
    client.stop();
    await server.close();
  });

  it('keeps following a server of the same version', async () => {
    const server = await fakeServer((ack, b) => ack({ ok: true, revision: b.revision, viewers: 1, protocol: PROTOCOL_VERSION }), board);
    const { client, revoked } = clientFor(server.url, board);
    await expect.poll(() => client.status).toBe('live');
    const rename = {
      ...scripted.events[1],
      type: 'boardRenamed',
      name: 'Renamed',
      revision: board.revision + 1,
      opId: newOpId()
    } as unknown as BoardEvent;
    server.io.emit('board:events', { boardId: board.id, events: [rename] });
    await expect.poll(() => client.view.name).toBe('Renamed');
    expect(revoked).toEqual([]);
    client.stop();
    await server.close();
  });

  it('stops with a clear reason when the server refuses one connection too many', async () => {
    const server = await fakeServer(() => undefined, board, 'TOO_MANY_CONNECTIONS');
    const { client, revoked } = clientFor(server.url, board);
    await expect.poll(() => revoked).toEqual(['connections']);
    client.stop();
    await server.close();
  });
});

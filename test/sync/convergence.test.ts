/**
 * Several SyncClients on real sockets move cards at random, drop off and come back while
 * still moving (offline moves queue up), and must end showing exactly the server's board,
 * with every command applied at most once. fast-check makes the scripts and shrinks a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cloneBoard, newOpId, type BoardState, type CardId, type ColumnId } from '../../src/lib/domain';
import { SyncClient, memoryPendingStore } from '../../src/lib/sync/client';
import { connected, startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

type Action =
  | { kind: 'move'; client: number; card: number; column: number; neighbour: number; before: boolean }
  | { kind: 'drop'; client: number }
  | { kind: 'back'; client: number }
  | { kind: 'pause'; ms: number };

const CLIENTS = 3;
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      client: fc.nat(CLIENTS - 1),
      card: fc.nat(11),
      column: fc.nat(3),
      neighbour: fc.nat(11),
      before: fc.boolean()
    })
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), client: fc.nat(CLIENTS - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('back' as const), client: fc.nat(CLIENTS - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 1, max: 15 }) }) }
);

async function seedBoard(): Promise<BoardState> {
  const actor = { id: 'seed', name: 'Seed' };
  const created = await t.app.service.createBoard(
    { name: 'Converge', columns: [{ name: 'A' }, { name: 'B' }, { name: 'C', wipLimit: 2 }, { name: 'D' }] },
    { actor, source: 'api' }
  );
  if (!created.ok) throw new Error(created.rejection.message);
  for (let i = 0; i < 12; i++) {
    await t.app.service.execute(
      created.board.id,
      { type: 'createCard', opId: newOpId(), title: `Card ${i}`, columnId: created.board.columns[i % 2].id },
      { actor, source: 'api' }
    );
  }
  return cloneBoard((await t.app.service.getBoard(created.board.id))!);
}

const orderOf = (s: BoardState) => s.columns.map((c) => [c.id, ...s.order[c.id]]);

async function runScript(actions: Action[]) {
  const board = await seedBoard();
  const cards = Object.keys(board.cards) as CardId[];
  const columns = board.columns.map((c) => c.id as ColumnId);
  const clients = Array.from({ length: CLIENTS }, (_, i) => {
    const socket = t.client({ name: `User ${i}`, clientId: `u${i}` });
    const client = new SyncClient({ socket, board, store: memoryPendingStore(), ackTimeoutMs: 2_000 });
    client.start();
    return { socket, client };
  });
  await Promise.all(clients.map((c) => connected(c.socket)));
  await expect.poll(() => clients.every((c) => c.client.status === 'live')).toBe(true);
  const sent: string[] = [];
  for (const a of actions) {
    if (a.kind === 'pause') await new Promise((r) => setTimeout(r, a.ms));
    else if (a.kind === 'drop') clients[a.client].socket.disconnect();
    else if (a.kind === 'back') clients[a.client].socket.connect();
    else {
      const { client } = clients[a.client];
      const neighbour = cards[a.neighbour];
      const command = {
        type: 'moveCard' as const,
        opId: newOpId(),
        cardId: cards[a.card],
        toColumnId: columns[a.column],
        override: true,
        ...(a.before ? { beforeCardId: neighbour } : { afterCardId: neighbour })
      };
      sent.push(command.opId);
      void client.dispatch(command, 'drag');
    }
  }
  for (const c of clients) if (!c.socket.connected) c.socket.connect();
  const server = () => t.app.service.getBoard(board.id);
  await expect
    .poll(
      async () => {
        const s = (await server())!;
        return clients.every((c) => c.client.pendingCount === 0 && c.client.core.revision === s.revision);
      },
      { timeout: 20_000 }
    )
    .toBe(true);
  const truth = (await server())!;
  for (const c of clients) {
    expect(orderOf(c.client.view)).toEqual(orderOf(truth));
    expect(c.client.view.cards).toEqual(truth.cards);
  }
  const events = (await t.app.service.eventsSince(board.id, 0))!;
  const opIds = events.map((e) => e.opId).filter((id) => sent.includes(id));
  expect(new Set(opIds).size).toBe(opIds.length); // each command applied at most once
  for (const c of clients) {
    c.client.stop();
    c.socket.disconnect();
  }
}

describe('convergence', () => {
  it('clients with random moves, disconnects and offline queues converge to the server state', async () => {
    await fc.assert(fc.asyncProperty(fc.array(actionArb, { minLength: 10, maxLength: 60 }), runScript), { numRuns: 6 });
  });

  it('a client that was offline for many moves catches up and sends its own queue once', async () => {
    const actions: Action[] = [{ kind: 'drop', client: 0 }];
    for (let i = 0; i < 20; i++)
      actions.push({
        kind: 'move',
        client: i % 2 === 0 ? 0 : 1,
        card: i % 12,
        column: i % 4,
        neighbour: (i * 7) % 12,
        before: i % 3 === 0
      });
    actions.push({ kind: 'pause', ms: 20 }, { kind: 'back', client: 0 });
    await runScript(actions);
  });
});

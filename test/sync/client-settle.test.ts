/**
 * SyncClient tells its owner when a command settles without events (the server accepted it,
 * but there was nothing to change): the pending count shown to the person must drop to 0.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cloneBoard, newOpId, type CardId } from '../../src/lib/domain';
import { SyncClient, memoryPendingStore } from '../../src/lib/sync/client';
import { connected, startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

it('reports a change when an accepted command with no events leaves the queue', async () => {
  const actor = { id: 'seed', name: 'Seed' };
  const created = await t.app.service.createBoard({ name: 'Settle' }, { actor, source: 'api' });
  if (!created.ok) throw new Error(created.rejection.message);
  await t.app.service.execute(created.board.id, { type: 'createCard', opId: newOpId(), title: 'Live card' }, { actor, source: 'api' });
  const board = cloneBoard((await t.app.service.getBoard(created.board.id))!);
  const cardId = Object.keys(board.cards)[0] as CardId;

  const socket = t.client({ name: 'Ann', clientId: 'ann' });
  const seen: number[] = [];
  const client = new SyncClient({ socket, board, store: memoryPendingStore(), onChange: () => seen.push(client.pendingCount) });
  client.start();
  await connected(socket);
  await expect.poll(() => client.status).toBe('live');

  // Restoring a card that is not archived is accepted and changes nothing.
  const answer = await client.dispatch({ type: 'restoreCard', opId: newOpId(), cardId }, 'ui');
  expect(answer).toMatchObject({ ok: true, events: [] });
  expect(client.pendingCount).toBe(0);
  expect(seen.at(-1)).toBe(0);
  client.stop();
});

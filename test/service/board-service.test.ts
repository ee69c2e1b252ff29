import { describe, expect, it } from 'vitest';
import { BoardService } from '../../server/board-service';
import { MemoryStorage } from '../../server/storage/memory';
import type { Accepted } from '../../server/storage/types';
import { newOpId, type BoardEvent, type BoardId, type CardId, type ColumnId } from '../../src/lib/domain';

const ctx = { actor: { id: 'u1', name: 'Ann' }, source: 'drag' as const };

/** Memory storage whose next appends can be made to fail, like a full disk. */
/** A store whose next writes are accepted, but then fail before they are durable (a full disk). */
class FlakyStorage extends MemoryStorage {
  failNext = 0;
  override async appendDecided(
    boardId: BoardId,
    revision: number,
    decide: (missed: BoardEvent[]) => BoardEvent[] | null
  ): Promise<Accepted> {
    if (this.failNext > 0) {
      this.failNext--;
      decide([]);
      const durable = Promise.reject(new Error('disk full'));
      durable.catch(() => undefined);
      return { durable };
    }
    return super.appendDecided(boardId, revision, decide);
  }
}

async function setup(storage = new MemoryStorage()) {
  await storage.open();
  const service = new BoardService(storage);
  const created = await service.createBoard({ name: 'S', columns: [{ name: 'A' }, { name: 'B' }] }, ctx);
  if (!created.ok) throw new Error('board');
  const boardId = created.board.id;
  const [a, b] = created.board.columns.map((c) => c.id as ColumnId);
  const cards: CardId[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await service.execute(boardId, { type: 'createCard', opId: newOpId(), title: `C${i}`, columnId: a }, ctx);
    if (!r.ok) throw new Error('card');
    cards.push((r.events[0] as { card: { id: CardId } }).card.id);
  }
  return { storage, service, boardId, a, b, cards };
}

describe('board service', () => {
  it('orders concurrent commands into one gapless revision sequence', async () => {
    const { service, boardId, b, cards } = await setup();
    const start = (await service.getBoard(boardId))!.revision;
    const results = await Promise.all(
      cards.flatMap((cardId) =>
        [0, 1, 2].map(() => service.execute(boardId, { type: 'moveCard', opId: newOpId(), cardId, toColumnId: b }, ctx))
      )
    );
    const revisions = results.flatMap((r) => (r.ok ? r.events.map((e) => e.revision) : [])).sort((x, y) => x - y);
    expect(revisions).toEqual(Array.from({ length: revisions.length }, (_, i) => start + i + 1));
    const events = await service.eventsSince(boardId, 0);
    expect(events!.map((e) => e.revision)).toEqual(Array.from({ length: events!.length }, (_, i) => i + 1));
  });

  it('stamps events with source, actor, time and opId, and broadcasts only durable events', async () => {
    const { service, boardId, b, cards } = await setup();
    const seen: BoardEvent[] = [];
    service.onEvents((_, events) => seen.push(...events));
    const opId = newOpId();
    const r = await service.execute(boardId, { type: 'moveCard', opId, cardId: cards[0], toColumnId: b }, ctx);
    expect(r.ok && r.events[0]).toMatchObject({ type: 'cardMoved', source: 'drag', actor: { id: 'u1', name: 'Ann' }, opId });
    expect(seen).toHaveLength(1);
    expect(Date.parse(seen[0].at)).not.toBeNaN();
  });

  it('answers a repeated opId, even one still in flight, with the first result', async () => {
    const { service, boardId, b, cards } = await setup();
    const command = { type: 'moveCard' as const, opId: newOpId(), cardId: cards[1], toColumnId: b };
    const [r1, r2] = await Promise.all([service.execute(boardId, command, ctx), service.execute(boardId, command, ctx)]);
    expect(r2).toEqual(r1);
    // after a restart the memory of opIds is rebuilt from the log
    const fresh = new BoardService(service.storage);
    expect(await fresh.execute(boardId, command, ctx)).toEqual(r1);
    expect((await fresh.getBoard(boardId))!.revision).toBe(r1.ok ? r1.revision : -1);
  });

  it('a failed append fails the commands decided on top of it and reloads the truth', async () => {
    const storage = new FlakyStorage();
    const { service, boardId, b, cards } = await setup(storage);
    const before = (await service.getBoard(boardId))!.revision;
    storage.failNext = 1;
    const first = service.execute(boardId, { type: 'moveCard', opId: newOpId(), cardId: cards[0], toColumnId: b }, ctx);
    await expect(first).rejects.toThrow('disk full');
    const board = (await service.getBoard(boardId))!;
    expect(board.revision).toBe(before);
    expect(board.order[b]).toEqual([]);
    const retry = await service.execute(boardId, { type: 'moveCard', opId: newOpId(), cardId: cards[0], toColumnId: b }, ctx);
    expect(retry).toMatchObject({ ok: true, revision: before + 1 });
  });

  it('refuses a command on a card changed after the given base revision (STALE)', async () => {
    const { service, boardId, a, b, cards } = await setup();
    const base = (await service.getBoard(boardId))!.revision;
    await service.execute(
      boardId,
      { type: 'moveCard', opId: newOpId(), cardId: cards[2], toColumnId: b },
      { ...ctx, actor: { id: 'u2', name: 'Bob' } }
    );
    const stale = await service.execute(
      boardId,
      { type: 'moveCard', opId: newOpId(), cardId: cards[2], toColumnId: a },
      { ...ctx, baseRevision: base }
    );
    expect(stale).toMatchObject({ ok: false, rejection: { code: 'STALE', details: { changedBy: 'Bob' } } });
    const other = await service.execute(
      boardId,
      { type: 'moveCard', opId: newOpId(), cardId: cards[3], toColumnId: b },
      { ...ctx, baseRevision: base }
    );
    expect(other.ok).toBe(true);
  });

  it('gives every board, column and card a code unique in the install', async () => {
    const { service } = await setup();
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const r = await service.createBoard({ name: `B${i}` }, ctx);
      if (!r.ok) throw new Error('board');
      for (const c of [r.board.code, ...r.board.columns.map((col) => col.code)]) {
        expect(codes.has(c)).toBe(false);
        codes.add(c);
      }
    }
    expect(codes.size).toBe(20 * 6);
  });
});

/**
 * The storage contract: what every Storage (memory, lowdb, PostgreSQL) must do, as one suite.
 * Run it from a test file with a factory for the store under test:
 *
 *   storageContract('lowdb', async () => ({ storage, reopen, cleanup }));
 *
 * - `storage` is open and empty;
 * - `reopen()` (for durable stores) closes the current instance and returns a new, open one
 *   over the same data;
 * - `capabilities` says which promises the store makes: `durable` (it has `reopen`), and the
 *   store's own declared capabilities (`shared`, `pipelined`), which the suite checks it
 *   declares. Tests of a promise a store does not make are not registered for it, rather than
 *   registered and skipped.
 * - `cleanup()` closes whatever instance is open and deletes the data.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newCardId, newOpId, randomCode, replay, type BoardEvent, type Code, type EventOf } from '../../src/lib/domain';
import { RevisionConflict, type CodeOwner, type Storage } from '../../server/storage/types';
import { atRevision, ScriptedBoard } from './board-events';

export interface StorageHarness {
  storage: Storage;
  reopen?: () => Promise<Storage>;
  cleanup: () => Promise<void>;
}

export interface StorageCapabilities {
  durable: boolean;
  shared: boolean;
  pipelined: boolean;
}

export function storageContract(name: string, makeStorage: () => Promise<StorageHarness>, capabilities: StorageCapabilities): void {
  const itIf = (promised: boolean) => (promised ? it : () => undefined);
  describe(`${name}: storage contract`, () => {
    let harness: StorageHarness;
    let storage: Storage;

    beforeEach(async () => {
      harness = await makeStorage();
      storage = harness.storage;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('declares its capabilities', () => {
      expect(storage.capabilities).toEqual({ shared: capabilities.shared, pipelined: capabilities.pipelined });
    });

    it('appendDecided hands decide what the caller lacks and appends what it returns', async () => {
      const board = new ScriptedBoard();
      await storage.append(board.id, [board.created]);
      const seenAt = board.state.revision;
      const later = [...board.addCard('One'), ...board.addCard('Two')];
      await storage.append(board.id, later);
      const calls: BoardEvent[][] = [];
      // Nothing to append: nothing changes, and it is durable at once.
      const none = await storage.appendDecided(board.id, seenAt, (missed) => (calls.push(missed), null));
      await none.durable;
      expect(calls).toEqual([later]);
      const mine = board.addCard('Three');
      const accepted = await storage.appendDecided(board.id, seenAt, (missed) => (calls.push(missed), mine));
      await accepted.durable;
      expect(calls[1]).toEqual(later);
      // With an up-to-date copy there is nothing missed.
      await (
        await storage.appendDecided(board.id, board.state.revision, (missed) => (calls.push(missed), null))
      ).durable;
      expect(calls[2]).toEqual([]);
      await expectStored(board);
    });

    it('appendDecided refuses events that do not continue the board, like append', async () => {
      const board = new ScriptedBoard();
      await storage.append(board.id, [board.created]);
      const card = board.addCard('One');
      const wrong = card.map((e) => ({ ...e, revision: e.revision + 5 }));
      await expect(storage.appendDecided(board.id, 1, () => wrong)).rejects.toBeInstanceOf(RevisionConflict);
      expect(await storage.eventsSince(board.id, 0)).toEqual([board.created]);
    });

    it('findOp answers the events one opId produced on one board', async () => {
      const board = new ScriptedBoard();
      await storage.append(board.id, [board.created]);
      const card = board.addCard('One');
      await storage.append(board.id, card);
      expect(await storage.findOp(board.id, card[0].opId)).toEqual(card);
      expect(await storage.findOp(board.id, newOpId())).toEqual([]);
      expect(await storage.findOp(new ScriptedBoard().id, card[0].opId)).toEqual([]);
    });

    itIf(capabilities.pipelined)('appendDecided accepts at the call and makes appends durable in call order', async () => {
      const board = new ScriptedBoard();
      await storage.append(board.id, [board.created]);
      const durable: number[] = [];
      const waits: Promise<void>[] = [];
      for (let i = 0; i < 5; i++) {
        const events = board.addCard(`Card ${i}`);
        // Accepted before the previous one is durable: the next can follow at once.
        const accepted = await storage.appendDecided(board.id, board.state.revision - 1, () => events);
        waits.push(accepted.durable.then(() => void durable.push(events[0].revision)));
      }
      await Promise.all(waits);
      expect(durable).toEqual([2, 3, 4, 5, 6]);
      await expectStored(board);
    });

    /** Appends a scripted board's events one append per event, as the board service would. */
    async function appendEach(board: ScriptedBoard, events: BoardEvent[] = board.events): Promise<void> {
      for (const e of events) await storage.append(board.id, [e]);
    }

    /** The store holds exactly the board's events, and its state is their fold. */
    async function expectStored(board: ScriptedBoard): Promise<void> {
      const events = await storage.eventsSince(board.id, 0);
      expect(events).toEqual(board.events);
      const state = await storage.loadBoard(board.id);
      expect(state).toEqual(replay(board.id, events));
      expect(state).toEqual(board.state);
    }

    async function snapshotOf(board: ScriptedBoard) {
      return {
        state: await storage.loadBoard(board.id),
        events: await storage.eventsSince(board.id, 0),
        boards: await storage.listBoards()
      };
    }

    function cardCreated(events: BoardEvent[]): EventOf<'cardCreated'> {
      const e = events.find((x) => x.type === 'cardCreated');
      if (!e || e.type !== 'cardCreated') throw new Error('no cardCreated event');
      return e;
    }

    it('creates a board: its boardCreated event is revision 1', async () => {
      const board = new ScriptedBoard('Launch', ['Backlog', 'Doing']);
      expect(await storage.loadBoard(board.id)).toBeNull();
      expect(await storage.eventsSince(board.id, 0)).toEqual([]);

      await storage.append(board.id, [board.created]);

      const state = await storage.loadBoard(board.id);
      expect(state).toEqual(replay(board.id, [board.created]));
      expect(state).toMatchObject({ id: board.id, name: 'Launch', revision: 1 });
      expect(state?.columns.map((c) => c.name)).toEqual(['Backlog', 'Doing']);
      expect(await storage.eventsSince(board.id, 0)).toEqual([board.created]);
      expect(await storage.listBoards()).toEqual([
        {
          id: board.id,
          code: board.state.code,
          name: 'Launch',
          revision: 1,
          createdAt: board.created.at,
          updatedAt: board.created.at,
          cardCount: 0
        }
      ]);
    });

    it('starts a board only with boardCreated at revision 1', async () => {
      const board = new ScriptedBoard();
      const [card] = board.addCard('Too early');

      await expect(storage.append(board.id, [card])).rejects.toBeInstanceOf(RevisionConflict);
      await expect(storage.append(board.id, [atRevision(card, 1)])).rejects.toThrow();
      expect(await storage.loadBoard(board.id)).toBeNull();
      expect(await storage.listBoards()).toEqual([]);

      await storage.append(board.id, [board.created]);
      await expect(storage.append(board.id, [atRevision(board.created, 2)])).rejects.toThrow();
      expect((await storage.loadBoard(board.id))?.revision).toBe(1);
    });

    it('appends continue the revision, one or several events at a time', async () => {
      const board = new ScriptedBoard();
      await storage.append(board.id, [board.created]);
      await storage.append(board.id, board.addCard('Write the spec'));
      const spec = board.lastCardId();
      const several = [...board.addCard('Review'), ...board.addCard('Ship', 1), ...board.move(spec, 2)];
      await storage.append(board.id, several);

      expect((await storage.loadBoard(board.id))?.revision).toBe(5);
      expect((await storage.eventsSince(board.id, 0)).map((e) => e.revision)).toEqual([1, 2, 3, 4, 5]);
      await expectStored(board);
    });

    it('appending no events changes nothing', async () => {
      const board = new ScriptedBoard();
      await storage.append(board.id, [board.created]);
      await storage.append(board.id, []);
      await storage.append(new ScriptedBoard().id, []);
      expect(await storage.listBoards()).toHaveLength(1);
      await expectStored(board);
    });

    it('refuses a gap or a repeated revision with RevisionConflict, changing nothing', async () => {
      const board = new ScriptedBoard();
      await storage.append(board.id, [board.created, ...board.addCard('One'), ...board.addCard('Two')]);
      const before = await snapshotOf(board);
      const next = board.addCard('Three');

      const gap = await storage.append(board.id, [atRevision(next[0], 5)]).catch((e: unknown) => e);
      expect(gap).toBeInstanceOf(RevisionConflict);
      expect(gap).toMatchObject({ boardId: board.id, expected: 4, got: 5 });

      const repeat = await storage.append(board.id, [atRevision(next[0], 3)]).catch((e: unknown) => e);
      expect(repeat).toBeInstanceOf(RevisionConflict);
      expect(repeat).toMatchObject({ boardId: board.id, expected: 4, got: 3 });

      // A batch is all or nothing: a gap inside it keeps its valid first event out too.
      const inner = await storage.append(board.id, [next[0], atRevision(next[0], 6)]).catch((e: unknown) => e);
      expect(inner).toBeInstanceOf(RevisionConflict);

      const other = new ScriptedBoard();
      await expect(storage.append(board.id, [atRevision(other.created, 4)])).rejects.toThrow();

      expect(await snapshotOf(board)).toEqual(before);
      // None of the refused appends kept a revision or a code reserved.
      await storage.append(board.id, next);
      expect((await storage.loadBoard(board.id))?.revision).toBe(4);
      expect(await storage.findCode(cardCreated(next).card.code)).toEqual({
        kind: 'card',
        boardId: board.id,
        cardId: cardCreated(next).card.id
      });
    });

    it('lets only one of several concurrent appends for the same revision succeed', async () => {
      const board = new ScriptedBoard();
      await storage.append(board.id, [board.created]);
      const first = cardCreated(board.addCard('Mine'));
      const rivals: BoardEvent[] = [first];
      for (let i = 0; i < 9; i++) {
        rivals.push({ ...first, opId: newOpId(), card: { ...first.card, id: newCardId(), code: randomCode(8), title: `Rival ${i}` } });
      }

      const results = await Promise.allSettled(rivals.map((e) => storage.append(board.id, [e])));

      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [rivals[i]] : []));
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RevisionConflict);
      const stored = await storage.eventsSince(board.id, 0);
      expect(stored).toEqual([board.created, won[0]]);
      expect(await storage.loadBoard(board.id)).toEqual(replay(board.id, stored));
    });

    // Only stores that check and order appends at the call promise this (capabilities.pipelined).
    itIf(capabilities.pipelined)('completes overlapping appends to one board in call order', async () => {
      expect(storage.capabilities.pipelined).toBe(true);
      const board = new ScriptedBoard();
      await storage.append(board.id, [board.created]);
      for (let i = 0; i < 6; i++) board.addCard(`Card ${i}`);
      const completed: number[] = [];

      await Promise.all(board.events.slice(1).map((e) => storage.append(board.id, [e]).then(() => completed.push(e.revision))));

      expect(completed).toEqual([2, 3, 4, 5, 6, 7]);
      await expectStored(board);
    });

    it('loadBoard is the fold of the events, as a copy the caller may change', async () => {
      const board = new ScriptedBoard('Ops', ['Todo', 'Doing', 'Review', 'Done']);
      await storage.append(board.id, [board.created]);
      const cards = [];
      for (let i = 0; i < 6; i++) {
        await storage.append(board.id, board.addCard(`Card ${i}`, i % 2));
        cards.push(board.lastCardId());
      }
      await appendEach(board, [
        ...board.move(cards[0], 1),
        ...board.move(cards[1], 3),
        ...board.move(cards[2], 1),
        ...board.run({ type: 'updateCard', cardId: cards[3], changes: { title: 'Renamed', tags: ['ops', 'urgent'], estimate: 3 } }),
        ...board.run({ type: 'archiveCard', cardId: cards[4] }),
        ...board.run({ type: 'restoreCard', cardId: cards[4], toColumnId: board.column(3) }),
        ...board.run({ type: 'archiveCard', cardId: cards[5] }),
        ...board.run({ type: 'addColumn', name: 'Blocked', index: 1 }),
        ...board.run({ type: 'renameColumn', columnId: board.column(0), name: 'Backlog' }),
        ...board.run({ type: 'moveColumn', columnId: board.column(4), toIndex: 0 }),
        ...board.run({ type: 'setWipLimit', columnId: board.column(2), wipLimit: 3, hard: true }),
        ...board.run({ type: 'removeColumn', columnId: board.column(1) }),
        ...board.run({ type: 'renameBoard', name: 'Operations' }),
        ...board.run({ type: 'markPrinted', cardIds: [cards[0], cards[1]], layout: 'a4-8' })
      ]);
      await expectStored(board);

      const copy = await storage.loadBoard(board.id);
      if (!copy) throw new Error('board missing');
      copy.name = 'Changed';
      copy.revision = 999;
      copy.cards[cards[0]].title = 'Changed';
      copy.cards[cards[0]].tags.push('changed');
      copy.columns.pop();
      copy.columns[0].name = 'Changed';
      for (const ids of Object.values(copy.order)) ids.length = 0;
      expect(await storage.loadBoard(board.id)).toEqual(board.state);
    });

    it('keeps no reference to appended events or to events it returned', async () => {
      const board = new ScriptedBoard();
      await storage.append(board.id, [board.created]);
      const appended = board.addCard('Original title');
      await storage.append(board.id, appended);
      const expected = structuredClone(appended);
      cardCreated(appended).card.title = 'Changed after append';
      cardCreated(appended).card.tags.push('changed');

      const read = await storage.eventsSince(board.id, 1);
      cardCreated(read).card.title = 'Changed after read';

      expect(await storage.eventsSince(board.id, 1)).toEqual(expected);
      expect((await storage.loadBoard(board.id))?.cards[cardCreated(expected).card.id].title).toBe('Original title');
    });

    it('lists every board with its revision and live card count', async () => {
      const a = new ScriptedBoard('Alpha');
      await storage.append(a.id, [a.created, ...a.addCard('a1'), ...a.addCard('a2'), ...a.addCard('a3')]);
      await storage.append(a.id, a.run({ type: 'archiveCard', cardId: a.lastCardId() }));
      const b = new ScriptedBoard('Beta');
      await storage.append(b.id, [b.created]);
      const c = new ScriptedBoard('Gamma');
      await storage.append(c.id, [c.created, ...c.addCard('c1')]);
      await storage.append(c.id, c.move(c.lastCardId(), 2));

      const summary = (board: ScriptedBoard, cardCount: number) => ({
        id: board.id,
        code: board.state.code,
        name: board.state.name,
        revision: board.state.revision,
        createdAt: board.created.at,
        updatedAt: board.events[board.events.length - 1].at,
        cardCount
      });
      const byId = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : 1);
      expect((await storage.listBoards()).sort(byId)).toEqual([summary(a, 2), summary(b, 0), summary(c, 1)].sort(byId));
    });

    it('eventsSince returns the events after a revision, at most limit of them', async () => {
      const board = new ScriptedBoard();
      for (let i = 0; i < 5; i++) board.addCard(`Card ${i}`);
      for (let i = 0; i < 4; i++) board.move(board.lastCardId(), (i % 2) + 1);
      await appendEach(board);
      const revisions = async (since: number, limit?: number) => (await storage.eventsSince(board.id, since, limit)).map((e) => e.revision);

      expect(board.events).toHaveLength(10);
      expect(await storage.eventsSince(board.id, 0)).toEqual(board.events);
      expect(await storage.eventsSince(board.id, 4)).toEqual(board.events.slice(4));
      expect(await revisions(4, 3)).toEqual([5, 6, 7]);
      expect(await revisions(0, 1)).toEqual([1]);
      expect(await revisions(9, 100)).toEqual([10]);
      expect(await revisions(3, 0)).toEqual([]);
      expect(await revisions(10)).toEqual([]);
      expect(await revisions(25)).toEqual([]);
      expect(await storage.eventsSince(new ScriptedBoard().id, 0)).toEqual([]);
    });

    it('keeps the complete history of a long-lived board', async () => {
      const board = new ScriptedBoard();
      board.addCard('Busy card');
      const card = board.lastCardId();
      for (let i = 0; i < 298; i++) board.move(card, (i % 2) + 1);
      await appendEach(board);

      expect(await storage.eventsSince(board.id, 0)).toEqual(board.events);
      expect(await storage.eventsSince(board.id, 100, 50)).toEqual(board.events.slice(100, 150));
      expect(await storage.eventsSince(board.id, 63, 3)).toEqual(board.events.slice(63, 66));
      expect(await storage.eventsSince(board.id, 290)).toEqual(board.events.slice(290));
      expect(await storage.loadBoard(board.id)).toEqual(board.state);
    });

    it('finds board, column and card codes, also after the card is archived and the column removed', async () => {
      const board = new ScriptedBoard('Codes', ['Todo', 'Doing', 'Done']);
      await storage.append(board.id, [board.created]);
      const card = cardCreated(board.addCard('Archive me'));
      await storage.append(board.id, [card]);
      await storage.append(board.id, board.run({ type: 'archiveCard', cardId: card.card.id }));
      const removed = board.state.columns[1];
      await storage.append(board.id, board.run({ type: 'removeColumn', columnId: removed.id }));
      const added = board.run({ type: 'addColumn', name: 'Later' });
      await storage.append(board.id, added);
      const other = new ScriptedBoard('Other');
      await storage.append(other.id, [other.created, ...other.addCard('Elsewhere')]);

      expect(await storage.findCode(board.state.code)).toEqual({ kind: 'board', boardId: board.id });
      expect(await storage.findCode(removed.code)).toEqual({ kind: 'column', boardId: board.id, columnId: removed.id });
      const later = board.state.columns[board.state.columns.length - 1];
      expect(await storage.findCode(later.code)).toEqual({ kind: 'column', boardId: board.id, columnId: later.id });
      expect(await storage.findCode(card.card.code)).toEqual({ kind: 'card', boardId: board.id, cardId: card.card.id });
      expect(await storage.findCode(other.state.code)).toEqual({ kind: 'board', boardId: other.id });
      const otherCard = cardCreated(other.events);
      expect(await storage.findCode(otherCard.card.code)).toEqual({ kind: 'card', boardId: other.id, cardId: otherCard.card.id });
      expect(await storage.findCode('ZZZZZZZZ' as Code)).toBeNull();
    });

    it('never issues a code twice', async () => {
      const board = new ScriptedBoard();
      await storage.append(board.id, [board.created]);
      const card = cardCreated(board.addCard('Holder'));
      await storage.append(board.id, [card]);
      const thief = new ScriptedBoard();
      const stolen = { ...thief.created, code: card.card.code } as BoardEvent;

      await expect(storage.append(thief.id, [stolen])).rejects.toThrow();
      expect(await storage.loadBoard(thief.id)).toBeNull();
      expect(await storage.findCode(card.card.code)).toEqual({ kind: 'card', boardId: board.id, cardId: card.card.id });
    });

    itIf(capabilities.durable)('keeps everything across a reopen', async () => {
      if (!harness.reopen) throw new Error('a durable store needs reopen() in its harness');
      const boards = [new ScriptedBoard('One'), new ScriptedBoard('Two', ['A', 'B'])];
      for (const board of boards) {
        board.addCard('First');
        board.addCard('Second', 1);
        board.move(board.lastCardId(), 0);
        board.run({ type: 'archiveCard', cardId: board.lastCardId() });
        board.run({ type: 'removeColumn', columnId: board.column(1) });
        await appendEach(board);
      }
      const listed = await storage.listBoards();

      storage = await harness.reopen();
      expect(await storage.listBoards()).toEqual(listed);
      for (const board of boards) {
        await expectStored(board);
        for (const [code, owner] of codesOf(board)) expect(await storage.findCode(code)).toEqual(owner);
      }

      const [one] = boards;
      const next = one.addCard('After reopen');
      await expect(storage.append(one.id, [atRevision(next[0], one.state.revision - 1)])).rejects.toBeInstanceOf(RevisionConflict);
      await storage.append(one.id, next);
      storage = await harness.reopen();
      for (const board of boards) await expectStored(board);
    });

    it('holds many boards side by side', async () => {
      const boards = Array.from({ length: 60 }, (_, i) => new ScriptedBoard(`Board ${i}`));
      for (const board of boards) {
        board.addCard('Task');
        board.addCard('Other task');
        board.move(board.lastCardId(), 2);
      }
      await Promise.all(boards.map((board) => appendEach(board)));

      const listed = await storage.listBoards();
      expect(listed.map((s) => s.id).sort()).toEqual(boards.map((b) => b.id).sort());
      for (const s of listed) expect(s).toMatchObject({ revision: 4, cardCount: 2 });
      for (const board of boards) await expectStored(board);
    });
  });
}

/** Every code a scripted board issued, with its owner. */
function codesOf(board: ScriptedBoard): [Code, CodeOwner][] {
  return board.events.flatMap((e): [Code, CodeOwner][] => {
    switch (e.type) {
      case 'boardCreated':
        return [
          [e.code, { kind: 'board', boardId: board.id }],
          ...e.columns.map((c): [Code, CodeOwner] => [c.code, { kind: 'column', boardId: board.id, columnId: c.id }])
        ];
      case 'columnAdded':
        return [[e.column.code, { kind: 'column', boardId: board.id, columnId: e.column.id }]];
      case 'cardCreated':
        return [[e.card.code, { kind: 'card', boardId: board.id, cardId: e.card.id }]];
      default:
        return [];
    }
  });
}

/**
 * Ids that name Object.prototype's properties (`__proto__`, `constructor`, `prototype`,
 * `toString`…) are only ever keys: refused where the id pattern applies, and harmless in the
 * board's records where it does not. Every test ends by checking that Object.prototype is clean
 * and that strict schemas (the ones sign-in and every write go through) still pass.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ID_PATTERN,
  cloneBoard,
  decide,
  emptyBoard,
  evolve,
  newCardId,
  newColumnId,
  newOpId,
  randomCode,
  reviveBoard,
  type BoardEvent,
  type BoardState,
  type Card,
  type CardId,
  type Command,
  type DecideContext
} from '../../src/lib/domain';
import type { BoardJson } from '../../src/lib/protocol';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../../server/import/kanbridge-file';
import { connected, request, startTestApp, type TestApp } from '../helpers/app';
import { api } from '../helpers/server';
import { ScriptedBoard } from '../storage/board-events';

const INHERITED = ['__proto__', 'constructor', 'prototype'];
const OTHER_INHERITED = ['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];
const ctx: DecideContext = { newCardId, newColumnId, newCode: () => randomCode(8) };

function prototypeIsClean() {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(CLEAN);
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
}
const CLEAN = Object.getOwnPropertyNames(Object.prototype).sort();
afterEach(prototypeIsClean);

function board(): ScriptedBoard {
  const b = new ScriptedBoard('Proto', ['To do', 'Done']);
  b.addCard('Real card');
  return b;
}

describe('ids and board records', () => {
  it('the id pattern refuses the names objects inherit, and still takes every id Kanbridge makes', () => {
    for (const name of INHERITED) expect(ID_PATTERN.test(name), name).toBe(false);
    for (const ok of ['c_k3j9x0q2m1ab', 'b_demo', '__proto', 'proto__', 'constructors', 'a', 'x'.repeat(64)])
      expect(ID_PATTERN.test(ok), ok).toBe(true);
    expect(ID_PATTERN.test('x'.repeat(65))).toBe(false);
  });

  it('board records have no prototype, also after a clone and after JSON', () => {
    const b = board();
    for (const state of [emptyBoard(b.id), b.state, cloneBoard(b.state), reviveBoard(JSON.parse(JSON.stringify(b.state)) as BoardState)]) {
      expect(Object.getPrototypeOf(state.cards)).toBeNull();
      expect(Object.getPrototypeOf(state.order)).toBeNull();
    }
    expect(cloneBoard(b.state).cards[b.lastCardId()].title).toBe('Real card');
  });

  it('decide answers NOT_FOUND for card ids that name inherited properties', () => {
    const b = board();
    const to = b.column(1);
    for (const id of [...INHERITED, ...OTHER_INHERITED] as CardId[]) {
      const commands: Command[] = [
        { type: 'moveCard', opId: newOpId(), cardId: id, toColumnId: to },
        { type: 'updateCard', opId: newOpId(), cardId: id, changes: { title: 'x' } },
        { type: 'archiveCard', opId: newOpId(), cardId: id },
        { type: 'restoreCard', opId: newOpId(), cardId: id },
        { type: 'markPrinted', opId: newOpId(), cardIds: [id], layout: 'a4' }
      ];
      for (const c of commands) {
        const d = decide(b.state, c, ctx);
        expect(d.ok, `${c.type} ${id}`).toBe(false);
        if (!d.ok) expect(d.rejection.code).toBe('NOT_FOUND');
      }
      // A neighbour that is no card is ignored, as any unknown neighbour is.
      const real = b.lastCardId();
      const moved = decide(b.state, { type: 'moveCard', opId: newOpId(), cardId: real, toColumnId: to, beforeCardId: id }, ctx);
      expect(moved.ok).toBe(true);
    }
  });

  it('evolve refuses an event for a card the board lacks and leaves the board exactly as it was', () => {
    const b = board();
    const before = JSON.stringify(b.state);
    for (const id of [...INHERITED, ...OTHER_INHERITED, 'c_missing']) {
      const meta = {
        boardId: b.id,
        revision: b.state.revision + 1,
        at: '2026-01-01T00:00:00.000Z',
        source: 'api',
        actor: { id: 'u', name: 'U' },
        opId: newOpId()
      } as const;
      const events = [
        { ...meta, type: 'cardUpdated', cardId: id, changes: { title: 'polluted' } },
        { ...meta, type: 'cardMoved', cardId: id, fromColumnId: b.column(0), toColumnId: b.column(1), rank: 'a0' },
        { ...meta, type: 'cardArchived', cardId: id, columnId: b.column(0) }
      ] as BoardEvent[];
      for (const e of events) {
        expect(() => evolve(b.state, e)).toThrow(/unknown card/);
        expect(JSON.stringify(b.state)).toBe(before);
      }
    }
  });

  it('a printing event that lists ids the board never held marks the real cards and skips the rest', () => {
    const b = board();
    const real = b.lastCardId();
    const e = {
      boardId: b.id,
      revision: b.state.revision + 1,
      at: '2026-01-01T00:00:00.000Z',
      source: 'print',
      actor: { id: 'u', name: 'U' },
      opId: newOpId(),
      type: 'cardsPrinted',
      cardIds: ['__proto__', 'constructor', real],
      layout: 'a4'
    } as BoardEvent;
    evolve(b.state, e);
    expect(b.state.cards[real].printedRevision).toBe(e.revision);
    expect(({} as Card).printedRevision).toBeUndefined();
  });

  it('an update event carrying an own __proto__ key writes only card fields', () => {
    const b = board();
    const real = b.lastCardId();
    const changes = JSON.parse('{"title":"Renamed","__proto__":{"polluted":true},"archived":true}') as Record<string, unknown>;
    evolve(b.state, {
      boardId: b.id,
      revision: b.state.revision + 1,
      at: '2026-01-01T00:00:00.000Z',
      source: 'api',
      actor: { id: 'u', name: 'U' },
      opId: newOpId(),
      type: 'cardUpdated',
      cardId: real,
      changes
    } as BoardEvent);
    const card = b.state.cards[real];
    expect(card.title).toBe('Renamed');
    expect(card.archived).toBe(false);
    expect(Object.getPrototypeOf(card)).toBe(Object.prototype);
    expect((card as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('over HTTP and Socket.IO', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  async function liveBoard(): Promise<BoardJson> {
    const created = await api<BoardJson>(t.url, 'POST', '/api/boards', { name: 'Target', columns: [{ name: 'To do' }, { name: 'Done' }] });
    expect(created.status).toBe(201);
    await api(t.url, 'POST', `/api/boards/${created.body.id}/cards`, { title: 'Only card' });
    return (await api<BoardJson>(t.url, 'GET', `/api/boards/${created.body.id}`)).body;
  }

  async function stillWorks() {
    prototypeIsClean();
    const b = await api<BoardJson>(t.url, 'POST', '/api/boards', { name: 'After', columns: [{ name: 'One' }] });
    expect(b.status).toBe(201);
  }

  function exportOf(events: BoardEvent[]) {
    return {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: new Date().toISOString(),
      board: { id: 'b_old', name: 'Old', code: 'AAAAAA', revision: events.length },
      events
    };
  }

  it('refuses a Kanbridge import whose events name __proto__, constructor or prototype, with 400, and pollutes nothing', async () => {
    const b = board();
    const base = b.events[b.events.length - 1];
    for (const id of INHERITED) {
      const tries: Record<string, unknown>[] = [
        { ...base, revision: b.events.length + 1, type: 'cardUpdated', cardId: id, changes: { title: 'polluted' } },
        { ...base, revision: b.events.length + 1, type: 'cardsPrinted', cardIds: [id], layout: 'a4' },
        {
          ...base,
          revision: b.events.length + 1,
          type: 'cardMoved',
          cardId: id,
          fromColumnId: b.column(0),
          toColumnId: b.column(1),
          rank: 'a1'
        }
      ];
      for (const extra of tries) {
        const res = await fetch(`${t.url}/api/import?format=kanbridge`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(exportOf([...b.events, extra as unknown as BoardEvent]))
        });
        expect(res.status, `${String(extra.type)} ${id}`).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_FILE');
        prototypeIsClean();
      }
    }
    await stillWorks();
  });

  it('refuses commands naming inherited ids over HTTP with 400 and stores nothing', async () => {
    const live = await liveBoard();
    for (const id of INHERITED) {
      for (const c of [
        { type: 'markPrinted', cardIds: [id], layout: 'a4' },
        { type: 'updateCard', cardId: id, changes: { title: 'x' } },
        { type: 'moveCard', cardId: id, toColumnId: live.columns[1].id }
      ]) {
        const res = await api<{ error: { code: string } }>(t.url, 'POST', `/api/boards/${live.id}/commands`, { opId: newOpId(), ...c });
        expect(res.status, `${c.type} ${id}`).toBe(400);
        expect(res.body.error.code).toBe('INVALID');
      }
    }
    expect((await api<BoardJson>(t.url, 'GET', `/api/boards/${live.id}`)).body.revision).toBe(live.revision);
    await stillWorks();
  });

  it('answers INVALID (not INTERNAL) over the socket, keeps memory and log in step, and the next writer succeeds', async () => {
    const live = await liveBoard();
    const attacker = t.client();
    const writer = t.client();
    await Promise.all([connected(attacker), connected(writer)]);
    await request(attacker, 'board:join', { boardId: live.id });
    await request(writer, 'board:join', { boardId: live.id });
    for (const id of [...INHERITED, 'toString']) {
      const ack = await request<{ ok: boolean; error?: { code: string } }>(attacker, 'board:command', {
        boardId: live.id,
        opId: newOpId(),
        type: 'moveCard',
        cardId: id,
        toColumnId: live.columns[1].id
      });
      expect(ack.ok, id).toBe(false);
      expect(ack.error?.code).toBe(id === 'toString' ? 'NOT_FOUND' : 'INVALID');
    }
    const card = live.cards.find((c) => c.title === 'Only card')!;
    const moved = await request<{ ok: boolean; revision: number }>(writer, 'board:command', {
      boardId: live.id,
      opId: newOpId(),
      type: 'moveCard',
      cardId: card.id,
      toColumnId: live.columns[1].id
    });
    expect(moved).toMatchObject({ ok: true, revision: live.revision + 1 });
    const events = await api<{ events: BoardEvent[] }>(t.url, 'GET', `/api/boards/${live.id}/events?since=0`);
    expect(events.status).toBe(200);
    expect(events.body.events.at(-1)?.revision).toBe(live.revision + 1);
    const rest = await api(t.url, 'POST', `/api/boards/${live.id}/commands`, {
      opId: newOpId(),
      type: 'moveCard',
      cardId: card.id,
      toColumnId: live.columns[0].id
    });
    expect(rest.status).toBe(200);
    await stillWorks();
  });
});

/**
 * ScannerSession driving a real BoardSync on a fake socket: scans and taps become moves,
 * camera reads are debounced, undo moves cards back, and an offline phone queues its moves.
 * Fake timers and a fake clock throughout; the camera, the WIP question and fetch are fakes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newOpId, type BoardState, type CardId, type ColumnId } from '../../src/lib/domain';
import { encodePayload } from '../../src/lib/qr/payload';
import { ScannerSession, type SessionDeps } from '../../src/lib/scanner/session.svelte';
import type { WipQuestion } from '../../src/lib/scanner/describe';
import type { Cue } from '../../src/lib/scanner/feedback';
import { BoardSync } from '../../src/lib/sync/board-sync.svelte';
import { memoryPendingStore } from '../../src/lib/sync/client';
import { makeBoard, run } from '../domain/fixtures';
import { fakeBrowser, FakeServer, type FakeSocket } from './fakes';

const io = vi.hoisted(() => ({ next: null as unknown }));
vi.mock('socket.io-client', () => ({
  io: (opts: { auth: Record<string, unknown> }) => {
    (io.next as { auth: unknown }).auth = opts.auth;
    return io.next;
  }
}));

const ORIGIN = 'https://kanbridge.test';
let board: BoardState;
let server: FakeServer;
let socket: FakeSocket;
let sync: BoardSync;
let cues: Cue[];
let questions: WipQuestion[];
let answer: boolean;
let fetcher: ReturnType<typeof vi.fn>;

const col = (name: string) => board.columns.find((c) => c.name === name)!;
const card = (title: string) => Object.values(board.cards).find((c) => c.title === title)!;
const cardQr = (title: string) => encodePayload(ORIGIN, { kind: 'card', code: card(title).code });
const signQr = (name: string) => encodePayload(ORIGIN, { kind: 'column', code: col(name).code });
const shown = () => Object.fromEntries(sync.columns.map((c) => [c.name, c.cards.map((k) => k.title)]));
const sent = () =>
  server.received.map((s) => ({
    title: Object.values(server.state.cards).find((c) => c.id === (s.command as { cardId?: string }).cardId)?.title,
    to: board.columns.find((c) => c.id === (s.command as { toColumnId?: string }).toColumnId)?.name,
    source: s.source
  }));

/** Lets the session's input chain run to its end (it is promise-based; timers are fake). */
const idle = () => new Promise<void>((resolve) => setImmediate(resolve));

function session(deps: Partial<SessionDeps> = {}, mode?: 'batch' | 'tap' | 'walk'): ScannerSession {
  return new ScannerSession(
    sync,
    {
      cue: (c) => void cues.push(c),
      ask: async (q) => {
        questions.push(q);
        return answer;
      },
      fetch: fetcher as unknown as typeof fetch,
      now: () => Date.now(),
      ready: Promise.resolve(),
      ...deps
    },
    mode
  );
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(new Date('2026-02-02T09:00:00Z'));
  fakeBrowser();
  const { state } = makeBoard([{ name: 'Backlog' }, { name: 'Doing', wipLimit: 2 }, { name: 'Done' }]);
  board = state;
  for (const title of ['A', 'B', 'C']) run(board, { type: 'createCard', opId: newOpId(), title, columnId: col('Backlog').id });
  run(board, { type: 'createCard', opId: newOpId(), title: 'D', columnId: col('Doing').id });
  server = new FakeServer(board);
  socket = server.socket();
  io.next = socket;
  sync = new BoardSync(board);
  sync.start({ name: 'Phone', clientId: 'phone' }, memoryPendingStore());
  cues = [];
  questions = [];
  answer = true;
  fetcher = vi.fn(async () => new Response('{}', { status: 404 }));
});

afterEach(() => {
  sync.stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('card then column', () => {
  it('collects scanned cards in the tray and moves them all when a column sign is scanned', async () => {
    const s = session();
    s.camera([cardQr('A')]);
    await idle();
    s.camera([cardQr('B')]);
    await idle();
    expect(s.tray.map((t) => [t.card.title, t.column.name, t.via])).toEqual([
      ['A', 'Backlog', 'camera'],
      ['B', 'Backlog', 'camera']
    ]);
    expect(s.feed.map((f) => f.detail)).toEqual(['In Backlog · 2 in the tray', 'In Backlog · 1 in the tray']);
    s.camera([signQr('Done')]);
    await idle();
    expect(sent()).toEqual([
      { title: 'A', to: 'Done', source: 'scan' },
      { title: 'B', to: 'Done', source: 'scan' }
    ]);
    expect(server.received.map((r) => r.baseRevision)).toEqual([board.revision, board.revision]);
    expect(shown()).toEqual({ Backlog: ['C'], Doing: ['D'], Done: ['A', 'B'] });
    expect(s.tray).toEqual([]);
    expect(s.feed[0]).toMatchObject({ tone: 'ok', title: '2 cards Backlog → Done', detail: 'A, B', moved: [card('A').id, card('B').id] });
    expect(cues).toEqual(['pick', 'pick', 'move']);
  });

  it('sends typed codes and column taps as manual scans', async () => {
    const s = session({}, 'tap');
    s.typed(card('C').code.toLowerCase());
    s.tapColumn(col('Done').id);
    await idle();
    expect(sent()).toEqual([{ title: 'C', to: 'Done', source: 'scan-manual' }]);
    expect(s.feed[0]).toMatchObject({ title: 'C', detail: 'Backlog → Done' });
  });

  it('asks for a card first when a column comes with an empty tray', async () => {
    const s = session();
    s.tapColumn(col('Done').id);
    await idle();
    expect(server.received).toEqual([]);
    expect(s.feed[0]).toMatchObject({ tone: 'warn', title: 'Done', detail: 'Scan a card first, then this sign' });
  });

  it('walks a column: every card scanned after its sign moves there, one already in it stays', async () => {
    const s = session({}, 'walk');
    s.camera([cardQr('A')]);
    await idle();
    expect(s.feed[0]).toMatchObject({ detail: 'Scan the column sign first, then its cards' });
    s.camera([signQr('Doing')]);
    await idle();
    expect(s.walkColumn?.name).toBe('Doing');
    s.camera([cardQr('D')]);
    await idle();
    expect(s.feed[0]).toMatchObject({ title: 'D', detail: 'Already in Doing' });
    s.camera([cardQr('B')]);
    await idle();
    expect(sent()).toEqual([{ title: 'B', to: 'Doing', source: 'scan' }]);
  });

  it('does nothing with foreign, archived or unknown codes but says what they are', async () => {
    const s = session();
    s.camera(['https://example.com/?q=1']);
    await idle();
    expect(s.feed[0]).toMatchObject({ title: 'Not a Kanbridge code' });
    s.typed('ZZZZZZ');
    await idle();
    expect(fetcher).toHaveBeenCalledWith('/api/codes/ZZZZZZ', expect.anything());
    expect(s.feed[0]).toMatchObject({ title: 'Unknown code', detail: 'No card or sign has the code ZZZZZZ' });
    expect(server.received).toEqual([]);
  });

  it('does not move an archived card or the board sign', async () => {
    server.remote({ type: 'archiveCard', opId: newOpId(), cardId: card('C').id as CardId });
    const s = session();
    s.typed(card('C').code);
    s.camera([encodePayload(ORIGIN, { kind: 'board', code: board.code })]);
    s.tapColumn(col('Done').id);
    await idle();
    expect(s.feed.map((f) => f.title)).toEqual(['Done', 'This board’s sign', 'C']);
    expect(s.feed[2].detail).toBe('Archived: restore it on the board to move it');
    expect(server.received).toEqual([]);
  });

  it('waits for the board to be ready before handling any input', async () => {
    let ready!: () => void;
    const s = session({ ready: new Promise<void>((r) => (ready = r)) });
    s.typed(card('A').code);
    s.tapColumn(col('Done').id);
    await idle();
    expect(s.feed).toEqual([]);
    ready();
    await idle();
    expect(sent()).toEqual([{ title: 'A', to: 'Done', source: 'scan-manual' }]);
  });
});

describe('camera debounce', () => {
  it('counts a code held in view once, and again only after it was out of view for two seconds', async () => {
    const s = session();
    for (let i = 0; i < 20; i++) {
      s.camera([cardQr('A')]);
      vi.advanceTimersByTime(100);
    }
    await idle();
    expect(s.feed).toHaveLength(1);
    // Last seen 100 ms ago; 1 999 ms after that it is still in view.
    vi.advanceTimersByTime(1_899);
    s.camera([cardQr('A')]);
    await idle();
    expect(s.feed).toHaveLength(1);
    vi.advanceTimersByTime(2_000);
    s.camera([cardQr('A')]);
    await idle();
    expect(s.feed.map((f) => f.detail)).toEqual(['Already in the tray', 'In Backlog · 1 in the tray']);
  });

  it('treats typed codes as always fresh', async () => {
    const s = session();
    s.typed(card('A').code);
    s.typed(card('A').code);
    await idle();
    expect(s.feed).toHaveLength(2);
  });
});

describe('WIP limit', () => {
  it('asks once for a batch that goes past a soft limit and sends the moves past it with override', async () => {
    const s = session();
    s.typed(card('A').code);
    s.typed(card('B').code);
    s.typed(card('C').code);
    s.tapColumn(col('Doing').id);
    await idle();
    expect(questions.map((q) => q.title)).toEqual(['Doing is at its WIP limit']);
    expect(server.received.map((r) => (r.command as { override?: boolean }).override ?? false)).toEqual([false, true, true]);
    expect(shown().Doing).toEqual(['D', 'A', 'B', 'C']);
    expect(cues.filter((c) => c === 'warn')).toHaveLength(1);
  });

  it('moves nothing when the answer is no and puts the cards back in the tray', async () => {
    answer = false;
    const s = session();
    s.typed(card('A').code);
    s.typed(card('B').code);
    s.tapColumn(col('Doing').id);
    await idle();
    expect(server.received).toEqual([]);
    expect(s.tray.map((t) => t.card.title)).toEqual(['A', 'B']);
    expect(s.feed[0]).toMatchObject({ tone: 'warn', title: 'Not moved to Doing' });
  });

  it('does not ask about a hard limit: the cards past it stay put and the feed says why', async () => {
    server.remote({ type: 'setWipLimit', opId: newOpId(), columnId: col('Doing').id as ColumnId, wipLimit: 2, hard: true });
    const s = session();
    s.typed(card('A').code);
    s.typed(card('B').code);
    s.tapColumn(col('Doing').id);
    await idle();
    expect(questions).toEqual([]);
    expect(sent().map((m) => m.title)).toEqual(['A']);
    expect(s.feed[0]).toMatchObject({ title: 'A', detail: 'Backlog → Doing · 1 card not moved: Doing is at its hard limit of 2' });
  });

  it('drops camera reads while the question is open', async () => {
    let reply!: (yes: boolean) => void;
    const s = session({
      ask: (q) => {
        questions.push(q);
        return new Promise((r) => (reply = r));
      }
    });
    s.typed(card('A').code);
    s.typed(card('B').code);
    s.tapColumn(col('Doing').id);
    await idle();
    expect(s.asking).toBe(true);
    s.camera([cardQr('C')]);
    reply(true);
    await idle();
    expect(s.asking).toBe(false);
    expect(s.tray).toEqual([]);
    expect(sent().map((m) => m.title)).toEqual(['A', 'B']);
    // Seen while asking, so still in view: the debounce keeps it from firing now.
    s.camera([cardQr('C')]);
    await idle();
    expect(s.tray).toEqual([]);
  });
});

describe('undo', () => {
  it('moves the batch back between its old neighbours within ten seconds', async () => {
    const s = session();
    s.typed(card('B').code);
    s.tapColumn(col('Done').id);
    await idle();
    server.confirm();
    expect(s.undoEntry).not.toBeNull();
    vi.advanceTimersByTime(9_999);
    s.undo();
    await idle();
    const back = server.received[1].command;
    expect(back).toMatchObject({
      type: 'moveCard',
      cardId: card('B').id,
      toColumnId: col('Backlog').id,
      afterCardId: card('A').id,
      beforeCardId: card('C').id,
      override: true
    });
    expect(back.opId).not.toBe(server.received[0].command.opId);
    expect(shown().Backlog).toEqual(['A', 'B', 'C']);
    expect(s.feed[0]).toMatchObject({ title: 'Undone: B', detail: 'Back in Backlog' });
    expect(s.undoEntry).toBeNull();
  });

  it('is gone after ten seconds', async () => {
    const s = session();
    s.typed(card('B').code);
    s.tapColumn(col('Done').id);
    await idle();
    vi.advanceTimersByTime(10_000);
    expect(s.undoEntry).toBeNull();
    s.undo();
    await idle();
    expect(server.received).toHaveLength(1);
  });

  it('leaves a card someone else moved on where they put it', async () => {
    const s = session();
    s.typed(card('A').code);
    s.typed(card('B').code);
    s.tapColumn(col('Done').id);
    await idle();
    server.confirm();
    server.confirm();
    server.remote({ type: 'moveCard', opId: newOpId(), cardId: card('A').id as CardId, toColumnId: col('Doing').id as ColumnId });
    s.undo();
    await idle();
    expect(sent().slice(2)).toEqual([{ title: 'B', to: 'Backlog', source: 'scan-manual' }]);
    expect(s.feed[0]).toMatchObject({ title: 'Undone: B', detail: 'Back in Backlog · 1 moved on since, left there' });
  });

  it('keeps the move that can be undone on screen beside the latest toast', async () => {
    const s = session();
    s.typed(card('A').code);
    s.tapColumn(col('Done').id);
    await idle();
    const moved = s.toasts.at(-1)!;
    expect(moved.undo).toBeDefined();
    s.typed('not a code');
    s.typed('also not');
    await idle();
    expect(s.toasts.map((t) => t.title)).toEqual(['A', 'Not a Kanbridge code']);
    vi.advanceTimersByTime(4_000);
    expect(s.toasts.map((t) => t.title)).toEqual(['A']);
    vi.advanceTimersByTime(6_000);
    expect(s.toasts).toEqual([]);
  });
});

describe('offline', () => {
  it('queues scan moves while offline and sends them, with the revision the phone had, on reconnect', async () => {
    const s = session();
    socket.drop();
    s.typed(card('A').code);
    s.tapColumn(col('Done').id);
    await idle();
    expect(server.received).toEqual([]);
    expect(sync.pendingCards.has(card('A').id)).toBe(true);
    expect(shown().Done).toEqual(['A']);
    expect(s.feed[0]).toMatchObject({ title: 'A', moved: [card('A').id] });
    socket.connect();
    expect(server.received.map((r) => [r.command.type, r.baseRevision])).toEqual([['moveCard', board.revision]]);
  });

  it('sends a second move of a card whose first is still waiting without a base revision', async () => {
    const s = session({}, 'tap');
    socket.drop();
    s.typed(card('A').code);
    s.tapColumn(col('Done').id);
    s.typed(card('A').code);
    s.tapColumn(col('Doing').id);
    await idle();
    socket.connect();
    expect(server.received.map((r) => r.baseRevision)).toEqual([board.revision, undefined]);
  });

  it('explains a queued move the server refused as stale, and offers to move it anyway', async () => {
    const s = session();
    socket.drop();
    s.typed(card('A').code);
    s.tapColumn(col('Done').id);
    await idle();
    socket.connect();
    server.remote({ type: 'moveCard', opId: newOpId(), cardId: card('A').id as CardId, toColumnId: col('Doing').id as ColumnId });
    server.refuse({ code: 'STALE', message: 'Someone changed this card after your view of it', details: { changedBy: 'Bob' } });
    expect(sync.notices).toEqual([]);
    const item = s.feed[0];
    expect(item).toMatchObject({ tone: 'error', title: 'A', detail: 'Not moved to Done: Bob changed it, after your scan' });
    expect(item.action?.label).toBe('Move to Done anyway');
    item.action!.run();
    await idle();
    const retry = server.received.at(-1)!;
    expect(retry.command).toMatchObject({ cardId: card('A').id, toColumnId: col('Done').id });
    expect(retry.command.opId).not.toBe(server.received[0].command.opId);
    expect(retry.baseRevision).toBe(server.state.revision);
  });

  it('offers to go over the limit when a queued move is refused at it', async () => {
    const s = session();
    s.typed(card('A').code);
    s.tapColumn(col('Doing').id);
    await idle();
    server.refuse({ code: 'WIP_LIMIT', message: 'Doing is at its limit of 2; confirm to go over' });
    expect(s.feed[0]).toMatchObject({ detail: 'Not moved: Doing is at its limit' });
    s.feed[0].action!.run();
    await idle();
    expect(server.received.at(-1)!.command).toMatchObject({ cardId: card('A').id, override: true });
  });
});

describe('watching scan moves', () => {
  it('says when someone else moves a scanned card on, once', async () => {
    const s = session();
    s.typed(card('A').code);
    s.tapColumn(col('Done').id);
    await idle();
    server.confirm();
    server.remote({ type: 'moveCard', opId: newOpId(), cardId: card('A').id as CardId, toColumnId: col('Doing').id as ColumnId });
    s.remoteChanged(sync.flashing);
    expect(s.feed[0]).toMatchObject({ title: 'A', detail: 'Moved on to Doing by someone else after your scan' });
    const length = s.feed.length;
    s.remoteChanged(sync.flashing);
    expect(s.feed).toHaveLength(length);
  });

  it('stops watching after ten minutes', async () => {
    const s = session();
    s.typed(card('A').code);
    s.tapColumn(col('Done').id);
    await idle();
    server.confirm();
    vi.advanceTimersByTime(10 * 60_000 + 1);
    server.remote({ type: 'moveCard', opId: newOpId(), cardId: card('A').id as CardId, toColumnId: col('Doing').id as ColumnId });
    const length = s.feed.length;
    s.remoteChanged(sync.flashing);
    expect(s.feed).toHaveLength(length);
  });

  it('hands rejections back to the board when disposed', async () => {
    const s = session();
    expect(sync.explainRejection).not.toBeNull();
    s.dispose();
    expect(sync.explainRejection).toBeNull();
  });
});

describe('outlines', () => {
  it('names what the camera sees', () => {
    const s = session();
    expect(s.outline(cardQr('A'))).toEqual({ tone: 'ok', label: 'A' });
    expect(s.outline(signQr('Done'))).toEqual({ tone: 'column', label: 'Done' });
    expect(s.outline(encodePayload(ORIGIN, { kind: 'board', code: board.code }))).toEqual({ tone: 'column', label: 'This board' });
    expect(s.outline('hello')).toEqual({ tone: 'warn', label: 'Not a Kanbridge code' });
  });
});

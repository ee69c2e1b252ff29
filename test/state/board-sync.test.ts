/**
 * BoardSync on a fake socket: the optimistic view, WIP confirmations, remote highlights,
 * notices and gestures, with every server answer given by the test (fake timers throughout).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newOpId, type BoardState, type CardId, type ColumnId, type Command } from '../../src/lib/domain';
import { PROTOCOL_VERSION } from '../../src/lib/protocol';
import { memoryPendingStore } from '../../src/lib/sync/client';
import { BoardSync } from '../../src/lib/sync/board-sync.svelte';
import { makeBoard, run } from '../domain/fixtures';
import { fakeBrowser, FakeServer, type FakeSocket } from './fakes';

const io = vi.hoisted(() => ({ next: null as unknown, calls: [] as unknown[] }));
vi.mock('socket.io-client', () => ({
  io: (opts: { auth: Record<string, unknown> }) => {
    io.calls.push(opts);
    (io.next as { auth: unknown }).auth = opts.auth;
    return io.next;
  }
}));

let board: BoardState;
let server: FakeServer;
let socket: FakeSocket;
let browser: ReturnType<typeof fakeBrowser>;
const me = { name: 'Ann', clientId: 'ann' };

function col(name: string): ColumnId {
  return board.columns.find((c) => c.name === name)!.id;
}
function cardId(title: string): CardId {
  return Object.values(board.cards).find((c) => c.title === title)!.id;
}
/** Card titles per column name, as the page shows them. */
function shown(sync: BoardSync): Record<string, string[]> {
  return Object.fromEntries(sync.columns.map((c) => [c.name, c.cards.map((k) => k.title)]));
}
function move(
  title: string,
  to: string,
  extra: Partial<Extract<Command, { type: 'moveCard' }>> = {}
): Extract<Command, { type: 'moveCard' }> {
  return { type: 'moveCard', opId: newOpId(), cardId: cardId(title), toColumnId: col(to), ...extra };
}

function started(opts: { store?: ReturnType<typeof memoryPendingStore> } = {}): BoardSync {
  const sync = new BoardSync(board);
  sync.start(me, opts.store ?? memoryPendingStore());
  return sync;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-02-02T09:00:00Z'));
  browser = fakeBrowser();
  const { state } = makeBoard([{ name: 'Backlog' }, { name: 'Doing', wipLimit: 2 }, { name: 'Done' }]);
  board = state;
  for (const title of ['A', 'B', 'C']) run(board, { type: 'createCard', opId: newOpId(), title, columnId: col('Backlog') });
  run(board, { type: 'createCard', opId: newOpId(), title: 'D', columnId: col('Doing') });
  server = new FakeServer(board);
  socket = server.socket();
  io.next = socket;
  io.calls = [];
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('BoardSync before it connects', () => {
  it('renders the board it was given and refuses commands until started', async () => {
    const sync = new BoardSync(board);
    expect(shown(sync)).toEqual({ Backlog: ['A', 'B', 'C'], Doing: ['D'], Done: [] });
    expect(sync.name).toBe('Test board');
    expect(await sync.run(move('A', 'Done'), 'ui')).toEqual({
      ok: false,
      cancelled: false,
      code: 'NOT_READY',
      message: 'The board is still loading'
    });
  });

  it('connects with the identity in the handshake and goes live once joined', () => {
    const sync = started();
    expect(io.calls).toEqual([expect.objectContaining({ auth: { name: 'Ann', clientId: 'ann' }, autoConnect: false })]);
    expect(socket.emitted[0]).toEqual({
      event: 'board:join',
      msg: { boardId: board.id, since: board.revision, protocol: PROTOCOL_VERSION }
    });
    expect(sync.status).toBe('live');
    expect(sync.connection).toBe('live');
  });
});

describe('optimistic moves', () => {
  it('shows a move at once, marks its card pending, and keeps it when the server confirms', async () => {
    const sync = started();
    const command = move('A', 'Done');
    expect(await sync.run(command, 'ui')).toEqual({ ok: true });
    expect(shown(sync)).toEqual({ Backlog: ['B', 'C'], Doing: ['D'], Done: ['A'] });
    expect(sync.pendingCount).toBe(1);
    expect([...sync.pendingCards]).toEqual([cardId('A')]);
    expect(server.inbox.map((s) => [s.command.opId, s.source])).toEqual([[command.opId, 'ui']]);

    server.confirm();
    expect(shown(sync)).toEqual({ Backlog: ['B', 'C'], Doing: ['D'], Done: ['A'] });
    expect(sync.pendingCount).toBe(0);
    expect(sync.pendingCards.size).toBe(0);
    expect(sync.confirmedRevision).toBe(server.state.revision);
    // Our own move, echoed back to the room, is not someone else's change.
    expect(sync.flashing.size).toBe(0);
    expect(sync.notices).toEqual([]);
  });

  it('rolls a refused move back and says why in a notice', async () => {
    const sync = started();
    await sync.run(move('B', 'Done'), 'ui');
    expect(shown(sync).Done).toEqual(['B']);
    server.refuse({ code: 'STALE', message: 'Someone changed this card after your view of it' });
    expect(shown(sync)).toEqual({ Backlog: ['A', 'B', 'C'], Doing: ['D'], Done: [] });
    expect(sync.pendingCount).toBe(0);
    expect(sync.notices.map((n) => [n.text, n.action])).toEqual([
      ['Not saved: Someone changed this card after your view of it', undefined]
    ]);
  });

  it('lets the page explain a refusal in its own words instead of the generic notice', async () => {
    const sync = started();
    const explained: string[] = [];
    sync.explainRejection = (p, e) => {
      explained.push(`${p.command.type}:${e.code}`);
      return true;
    };
    await sync.run(move('B', 'Done'), 'scan');
    server.refuse({ code: 'STALE', message: 'changed' });
    expect(explained).toEqual(['moveCard:STALE']);
    expect(sync.notices).toEqual([]);
  });

  it('hands out copies: changing what it rendered does not change the board', async () => {
    const sync = started();
    sync.columns[0].cards[0].title = 'scribbled';
    await sync.run(move('C', 'Done'), 'ui');
    expect(sync.find(cardId('A'))?.card.title).toBe('A');
  });

  it('finds live and archived cards with their column', async () => {
    const sync = started();
    await sync.run({ type: 'archiveCard', opId: newOpId(), cardId: cardId('B') }, 'ui');
    expect(sync.find(cardId('A'))).toMatchObject({ card: { title: 'A' }, column: { name: 'Backlog' } });
    expect(sync.find(cardId('B'))).toMatchObject({ card: { title: 'B', archived: true }, column: { name: 'Backlog' } });
    expect(sync.archived.map((c) => c.title)).toEqual(['B']);
    expect(sync.find('c_nope')).toBeNull();
  });
});

describe('WIP soft limit', () => {
  it('asks before going over, and sends the confirmed move as a new command with override', async () => {
    const sync = started();
    await sync.run(move('A', 'Doing'), 'ui');
    server.confirm();
    const asked: string[] = [];
    const command = move('B', 'Doing');
    const r = await sync.run(command, 'drag', async (error) => {
      asked.push(error.code);
      return true;
    });
    expect(r).toEqual({ ok: true });
    expect(asked).toEqual(['WIP_LIMIT']);
    expect(server.inbox).toHaveLength(1);
    const sent = server.inbox[0].command;
    expect(sent).toMatchObject({ type: 'moveCard', cardId: cardId('B'), override: true });
    expect(sent.opId).not.toBe(command.opId);
    expect(shown(sync).Doing).toEqual(['D', 'A', 'B']);
  });

  it('sends nothing when the person declines', async () => {
    const sync = started();
    await sync.run(move('A', 'Doing'), 'ui');
    server.confirm();
    const r = await sync.run(move('B', 'Doing'), 'drag', async () => false);
    expect(r).toEqual({ ok: false, cancelled: true });
    expect(server.inbox).toEqual([]);
    expect(shown(sync).Doing).toEqual(['D', 'A']);
  });

  it('without a confirm, answers the refusal itself', async () => {
    const sync = started();
    await sync.run(move('A', 'Doing'), 'ui');
    server.confirm();
    const r = await sync.run(move('B', 'Doing'), 'ui');
    expect(r).toMatchObject({ ok: false, cancelled: false, code: 'WIP_LIMIT' });
    expect(server.inbox).toEqual([]);
  });

  it('offers to go over when the server refuses at the limit, as a new command', async () => {
    const sync = started();
    const command = move('A', 'Doing');
    await sync.run(command, 'ui');
    server.refuse({ code: 'WIP_LIMIT', message: 'Doing is at its WIP limit (2); confirm to go over' });
    expect(sync.notices).toHaveLength(1);
    const notice = sync.notices[0];
    expect(notice.text).toBe('Not saved: Doing is at its WIP limit (2)');
    expect(notice.action?.label).toBe('Go over the limit');
    notice.action!.run();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.inbox).toHaveLength(1);
    expect(server.inbox[0].command).toMatchObject({ cardId: cardId('A'), toColumnId: col('Doing'), override: true });
    expect(server.inbox[0].command.opId).not.toBe(command.opId);
  });
});

describe('remote changes', () => {
  it('applies someone else’s move and highlights the card for a moment', async () => {
    const sync = started();
    server.remote(move('C', 'Done'));
    expect(shown(sync).Done).toEqual(['C']);
    expect([...sync.flashing]).toEqual([cardId('C')]);
    await vi.advanceTimersByTimeAsync(1_599);
    expect([...sync.flashing]).toEqual([cardId('C')]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sync.flashing.size).toBe(0);
  });

  it('keeps a card lit while it keeps changing, then lets it go', async () => {
    const sync = started();
    server.remote(move('C', 'Done'));
    await vi.advanceTimersByTimeAsync(1_000);
    server.remote(move('A', 'Done'));
    await vi.advanceTimersByTimeAsync(600);
    expect([...sync.flashing]).toEqual([cardId('A')]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sync.flashing.size).toBe(0);
  });

  it('shows the others on the board, the same person once', () => {
    const sync = started();
    socket.receive('board:presence', {
      boardId: board.id,
      viewers: [
        { id: 'ann', name: 'Ann' },
        { id: 'bob', name: 'Bob' }
      ]
    });
    expect(sync.viewers).toHaveLength(2);
    expect(sync.others).toEqual([{ id: 'bob', name: 'Bob' }]);
  });

  it('parks server updates during a drag and shows them when it ends', () => {
    const sync = started();
    sync.beginGesture('pointer');
    const a = sync.columns[0].cards[0];
    sync.setItems(col('Backlog'), sync.columns[0].cards.slice(1));
    sync.setItems(col('Done'), [a]);
    server.remote(move('C', 'Doing'));
    // The drag library's items stay as they are: replacing them mid-drag swallows the drop.
    expect(shown(sync)).toEqual({ Backlog: ['B', 'C'], Doing: ['D'], Done: ['A'] });
    expect(sync.columns.find((c) => c.name === 'Done')?.count).toBe(1);
    sync.endGesture();
    expect(shown(sync)).toEqual({ Backlog: ['A', 'B'], Doing: ['D', 'C'], Done: [] });
  });

  it('stops for good when access is revoked', async () => {
    const sync = started();
    socket.receive('board:revoked', { boardId: board.id });
    expect(sync.revoked).toBe('board');
    expect(socket.connected).toBe(false);
    await sync.run(move('A', 'Done'), 'ui');
    expect(server.inbox).toEqual([]);
  });
});

describe('drops', () => {
  it('sends one move placing the card between its new neighbours, then ends the gesture', async () => {
    const sync = started();
    sync.beginGesture('pointer');
    const [a, b, c] = sync.columns[0].cards;
    sync.setItems(col('Backlog'), [a, c]);
    sync.setItems(col('Done'), [b]);
    await sync.drop(b.id, col('Done'), 'drag', async () => true);
    expect(server.inbox).toHaveLength(1);
    expect(server.inbox[0]).toMatchObject({ source: 'drag', command: { type: 'moveCard', cardId: b.id, toColumnId: col('Done') } });
    expect(server.inbox[0].command).not.toHaveProperty('afterCardId');
    expect(sync.gesture).toBeNull();

    sync.beginGesture('keyboard');
    const [a2, c2] = sync.columns[0].cards;
    sync.setItems(col('Backlog'), [c2]);
    sync.setItems(col('Done'), [sync.columns[2].cards[0], a2]);
    await sync.drop(a2.id, col('Done'), 'keyboard', async () => true);
    expect(server.inbox[1].command).toMatchObject({ cardId: a2.id, afterCardId: b.id });
    expect(server.inbox[1].command).not.toHaveProperty('beforeCardId');
    expect(shown(sync)).toEqual({ Backlog: ['C'], Doing: ['D'], Done: ['B', 'A'] });
  });

  it('sends nothing for a card dropped back where it was', async () => {
    const sync = started();
    sync.beginGesture('pointer');
    await sync.drop(cardId('B'), col('Backlog'), 'drag', async () => true);
    expect(server.inbox).toEqual([]);
    expect(sync.gesture).toBeNull();
  });

  it('puts the card back when a drop over the WIP limit is declined', async () => {
    const sync = started();
    await sync.run(move('A', 'Doing'), 'ui');
    server.confirm();
    sync.beginGesture('pointer');
    const [b, c] = sync.columns[0].cards;
    sync.setItems(col('Backlog'), [c]);
    sync.setItems(col('Doing'), [...sync.columns[1].cards, b]);
    await sync.drop(b.id, col('Doing'), 'drag', async () => false);
    expect(server.inbox).toEqual([]);
    expect(sync.notices).toEqual([]);
    expect(shown(sync)).toEqual({ Backlog: ['B', 'C'], Doing: ['D', 'A'], Done: [] });
  });

  it('says why when a drop is refused on this view', async () => {
    board.columns.find((c) => c.name === 'Doing')!.wipHard = true;
    server = new FakeServer(board);
    socket = server.socket();
    io.next = socket;
    const sync = started();
    await sync.run(move('A', 'Doing'), 'ui');
    sync.beginGesture('pointer');
    const [b, c] = sync.columns[0].cards;
    sync.setItems(col('Backlog'), [c]);
    sync.setItems(col('Doing'), [...sync.columns[1].cards, b]);
    await sync.drop(b.id, col('Doing'), 'drag', async () => true);
    expect(server.inbox).toHaveLength(1);
    expect(sync.notices).toHaveLength(1);
    expect(sync.notices[0].text).toMatch(/limit/i);
  });
});

describe('notices', () => {
  it('expire after six seconds, twelve with an action, and at most four are kept', async () => {
    const sync = started();
    sync.notify('one');
    sync.notify('two', { label: 'Undo', run: () => {} });
    expect(sync.notices.map((n) => n.text)).toEqual(['one', 'two']);
    await vi.advanceTimersByTimeAsync(5_999);
    expect(sync.notices.map((n) => n.text)).toEqual(['one', 'two']);
    await vi.advanceTimersByTimeAsync(1);
    expect(sync.notices.map((n) => n.text)).toEqual(['two']);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(sync.notices).toEqual([]);
    for (const text of ['a', 'b', 'c', 'd', 'e']) sync.notify(text);
    expect(sync.notices.map((n) => n.text)).toEqual(['b', 'c', 'd', 'e']);
    sync.dismiss(sync.notices[1].id);
    expect(sync.notices.map((n) => n.text)).toEqual(['b', 'd', 'e']);
  });

  it('are cancelled with the board: no timer fires after stop', async () => {
    const sync = started();
    sync.notify('one');
    sync.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('notices that offer something', () => {
  it('an "Undo" of an archive goes away once someone else restored the card', async () => {
    const sync = started();
    await sync.run({ type: 'archiveCard', opId: newOpId(), cardId: cardId('A') }, 'ui');
    server.confirm();
    sync.notify('Archived “A”', { label: 'Undo', run: () => {}, possible: (view) => view.cards[cardId('A')]?.archived === true });
    sync.notify('plain');
    server.remote({ type: 'moveCard', opId: newOpId(), cardId: cardId('B'), toColumnId: col('Done') });
    expect(sync.notices.map((n) => n.text)).toEqual(['Archived “A”', 'plain']);
    server.remote({ type: 'restoreCard', opId: newOpId(), cardId: cardId('A'), toColumnId: col('Backlog') });
    expect(sync.notices.map((n) => n.text)).toEqual(['plain']);
  });

  it('"Go over the limit" goes away once someone else moved the card there', async () => {
    const sync = started();
    await sync.run(move('A', 'Doing'), 'ui');
    server.refuse({ code: 'WIP_LIMIT', message: 'Doing is at its limit of 2; confirm to go over' });
    expect(sync.notices.map((n) => n.action?.label)).toEqual(['Go over the limit']);
    server.remote(move('A', 'Doing', { override: true }));
    expect(sync.notices).toEqual([]);
  });
});

describe('a drag toward a column at its hard limit', () => {
  it('marks the column as refusing for the whole gesture, and keeps its count', () => {
    const sync = started();
    server.remote({ type: 'setWipLimit', opId: newOpId(), columnId: col('Doing'), wipLimit: 1, hard: true });
    sync.beginGesture('pointer', cardId('A'));
    expect([...sync.refusing]).toEqual([col('Doing')]);
    const a = sync.columns[0].cards[0];
    const d = sync.columns[1].cards[0];
    sync.setItems(col('Backlog'), sync.columns[0].cards.slice(1));
    sync.setItems(col('Doing'), [d, a]);
    expect(sync.columns[1]).toMatchObject({ count: 1, wip: 'full' });
    sync.endGesture();
    expect(sync.refusing.size).toBe(0);
  });

  it('a card already in that column, or a soft limit, refuses nothing', () => {
    const sync = started();
    sync.beginGesture('pointer', cardId('A'));
    expect(sync.refusing.size).toBe(0);
    sync.endGesture();
    server.remote({ type: 'setWipLimit', opId: newOpId(), columnId: col('Doing'), wipLimit: 1, hard: true });
    sync.beginGesture('keyboard', cardId('D'));
    expect(sync.refusing.size).toBe(0);
  });
});

describe('offline', () => {
  it('queues moves while the connection is down and resends them, in order, once joined again', async () => {
    const store = memoryPendingStore();
    const sync = started({ store });
    socket.drop();
    expect(sync.status).toBe('reconnecting');
    const first = move('A', 'Done');
    const second = move('B', 'Done');
    await sync.run(first, 'ui');
    await sync.run(second, 'ui');
    expect(server.inbox).toEqual([]);
    expect(sync.pendingCount).toBe(2);
    expect(store.load(board.id).map((p) => p.command.opId)).toEqual([first.opId, second.opId]);
    socket.connect();
    expect(sync.status).toBe('live');
    expect(server.inbox.map((s) => s.command.opId)).toEqual([first.opId, second.opId]);
    server.confirm();
    server.confirm();
    expect(sync.pendingCount).toBe(0);
    expect(store.load(board.id)).toEqual([]);
    expect(shown(sync).Done).toEqual(['A', 'B']);
  });

  it('resends what a closed tab left queued', () => {
    const store = memoryPendingStore();
    const queued = move('C', 'Done');
    store.save(board.id, [{ boardId: board.id, command: queued, source: 'ui', queuedAt: '2026-02-02T08:00:00.000Z' }]);
    const sync = started({ store });
    expect(shown(sync).Done).toEqual(['C']);
    expect(server.inbox.map((s) => s.command.opId)).toEqual([queued.opId]);
  });

  it('believes the browser about being offline, and reconnects at once when it is back', () => {
    const sync = started();
    browser.goOffline();
    expect(sync.connection).toBe('offline');
    socket.drop();
    socket.connect.mockClear();
    browser.goOnline();
    expect(socket.connect).toHaveBeenCalledTimes(1);
    expect(sync.connection).toBe('live');
  });

  it('stops listening to the browser once stopped', () => {
    const sync = started();
    sync.stop();
    browser.goOffline();
    expect(sync.connection).toBe('live');
  });
});

describe('the connection', () => {
  it('says offline after the second failed reconnect attempt, and live once joined again', () => {
    const sync = started();
    socket.drop();
    socket.reconnectAttempt(1);
    expect(sync.connection).toBe('reconnecting');
    socket.reconnectAttempt(2);
    expect(sync.connection).toBe('offline');
    socket.connect();
    expect(sync.connection).toBe('live');
  });

  it('tries a command refused for a passing reason again a second later, with the same opId', async () => {
    const sync = started();
    const command = move('A', 'Done');
    await sync.run(command, 'ui');
    server.refuse({ code: 'RATE_LIMITED', message: 'Slow down' });
    expect(sync.pendingCount).toBe(1);
    expect(shown(sync).Done).toEqual(['A']);
    expect(sync.notices).toEqual([]);
    await vi.advanceTimersByTimeAsync(999);
    expect(server.inbox).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.inbox.map((s) => s.command.opId)).toEqual([command.opId]);
    server.confirm();
    expect(sync.pendingCount).toBe(0);
  });

  it('stops when the server will not let this viewer join any more', () => {
    server.joinAnswer = () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'No access' } });
    const sync = started();
    expect(sync.revoked).toBe('board');
  });

  it('stops when the server hangs up on the session', () => {
    const sync = started();
    socket.drop('io server disconnect');
    expect(sync.revoked).toBe('session');
    socket.connect();
    expect(socket.emitted.filter((e) => e.event === 'board:join')).toHaveLength(1);
  });

  it('takes a snapshot when it missed events while away', () => {
    const sync = started();
    socket.drop();
    // Someone moves a card while this browser is away; the join answers with a snapshot.
    server.remote(move('C', 'Done'));
    expect(shown(sync).Done).toEqual([]);
    socket.connect();
    expect(shown(sync).Done).toEqual(['C']);
    expect(sync.confirmedRevision).toBe(server.state.revision);
  });
});

describe('a new display name', () => {
  it('reconnects with the new name so that presence learns it, and only when it changed', () => {
    const sync = started();
    const joins = () => socket.emitted.filter((e) => e.event === 'board:join').length;
    sync.reidentify(me);
    expect(joins()).toBe(1);
    sync.reidentify({ name: 'Annie', clientId: 'ann' });
    expect(socket.auth).toEqual({ name: 'Annie', clientId: 'ann' });
    expect(joins()).toBe(2);
  });
});

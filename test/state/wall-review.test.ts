/**
 * WallReview against a fake wall-scans API (fetch is replaced): reading a photo, ticking and
 * unticking the planned moves, applying them, and confirming the ones refused at a soft limit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newOpId, type BoardState, type CardId, type ColumnId } from '../../src/lib/domain';
import { WallReview } from '../../src/lib/components/wall/wall-review.svelte';
import type { FoundCode, MoveResult, WallApplyResult, WallScan } from '../../src/lib/wall/types';
import { makeBoard, run } from '../domain/fixtures';

let board: BoardState;
let requests: { url: string; type: string | null; body: unknown }[];
/** What the fake server answers next for an upload and for an apply. */
let onUpload: () => Response | Promise<Response>;
let onApply: (moves: CardId[], override: boolean) => Response | Promise<Response>;

const col = (name: string) => board.columns.find((c) => c.name === name)!.id as ColumnId;
const id = (title: string) => Object.values(board.cards).find((c) => c.title === title)!.id as CardId;
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const photo = () => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'wall.png', { type: 'image/png' });
const corners = [
  { x: 0, y: 0 },
  { x: 1, y: 0 },
  { x: 1, y: 1 },
  { x: 0, y: 1 }
] as FoundCode['corners'];

function scan(): WallScan {
  const code = (title: string, status: FoundCode['status']): FoundCode => ({
    kind: 'card',
    code: board.cards[id(title)].code,
    text: title,
    corners,
    status,
    cardId: id(title)
  });
  return {
    scanId: 'ws_1',
    revision: board.revision,
    width: 100,
    height: 100,
    codes: [
      code('A', 'moves'),
      code('B', 'moves'),
      code('C', 'moves'),
      code('D', 'agrees'),
      { kind: 'unknown', code: null, text: 'wifi', corners, status: 'unknown' }
    ],
    columns: [],
    cards: [],
    notSeen: [],
    plan: [
      { cardId: id('A'), fromColumnId: col('Backlog'), toColumnId: col('Doing') },
      { cardId: id('B'), fromColumnId: col('Backlog'), toColumnId: col('Doing') },
      { cardId: id('C'), fromColumnId: col('Backlog'), toColumnId: col('Done') }
    ]
  };
}

function applied(results: MoveResult[]): Response {
  const body: WallApplyResult = { scanId: 'ws_1', revision: board.revision + 1, results };
  return json(200, body);
}

beforeEach(() => {
  board = makeBoard([{ name: 'Backlog' }, { name: 'Doing', wipLimit: 1 }, { name: 'Done' }]).state;
  for (const title of ['A', 'B', 'C']) run(board, { type: 'createCard', opId: newOpId(), title, columnId: col('Backlog') });
  run(board, { type: 'createCard', opId: newOpId(), title: 'D', columnId: col('Done') });
  requests = [];
  onUpload = () => json(201, scan());
  onApply = (moves) => applied(moves.map((cardId) => ({ cardId, status: 'applied' })));
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const type = new Headers(init.headers).get('content-type');
      const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : init.body;
      requests.push({ url, type, body });
      if (url.endsWith('/apply')) {
        const { moves, override } = body as { moves: CardId[]; override?: boolean };
        return onApply(moves, override ?? false);
      }
      return onUpload();
    })
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

async function reviewing(): Promise<WallReview> {
  const review = new WallReview(() => board);
  await review.read(photo());
  expect(review.phase).toBe('review');
  return review;
}

describe('reading a photo', () => {
  it('uploads it, shows it, and starts with every planned move ticked', async () => {
    let answer!: (r: Response) => void;
    onUpload = () => new Promise((r) => (answer = r));
    const review = new WallReview(() => board);
    const file = photo();
    const reading = review.read(file);
    expect(review.phase).toBe('reading');
    expect(review.photoUrl).toMatch(/^blob:/);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(review.phase).toBe('reading');
    answer(json(201, scan()));
    await reading;
    expect(requests).toEqual([{ url: `/api/boards/${board.id}/wall-scans`, type: 'image/png', body: file }]);
    expect(review.phase).toBe('review');
    expect([...review.kept].sort()).toEqual([id('A'), id('B'), id('C')].sort());
    expect(review.counts).toEqual({ ok: 1, move: 3, off: 0, bad: 1 });
    expect(review.moveOf(id('C'))).toMatchObject({ toColumnId: col('Done') });
    expect(review.moveOf(id('D'))).toBeUndefined();
  });

  it('goes back to choosing a photo with the server’s words when it is refused', async () => {
    onUpload = () => json(422, { error: { code: 'NO_CODES', message: 'No codes were found on this photo' } });
    const review = new WallReview(() => board);
    await review.read(photo());
    expect(review.phase).toBe('idle');
    expect(review.error).toEqual({ code: 'NO_CODES', message: 'No codes were found on this photo' });
    expect(review.scan).toBeNull();
  });

  it('says when the server cannot be reached', async () => {
    onUpload = () => Promise.reject(new TypeError('fetch failed'));
    const review = new WallReview(() => board);
    await review.read(photo());
    expect(review.phase).toBe('idle');
    expect(review.error?.code).toBe('NETWORK');
  });

  it('refuses a file that is not a photo without uploading it', async () => {
    const review = new WallReview(() => board);
    await review.read(new File(['hello'], 'notes.txt', { type: 'text/plain' }));
    expect(requests).toEqual([]);
    expect(review.phase).toBe('idle');
    expect(review.error?.code).toBe('NOT_AN_IMAGE');
  });

  it('lets go of the previous photo when another is read, or on reset', async () => {
    const revoke = vi.spyOn(URL, 'revokeObjectURL');
    const review = await reviewing();
    const first = review.photoUrl!;
    await review.read(photo());
    expect(revoke).toHaveBeenCalledWith(first);
    const second = review.photoUrl!;
    review.toggle(id('A'));
    review.reset();
    expect(revoke).toHaveBeenCalledWith(second);
    expect(review).toMatchObject({ phase: 'idle', photoUrl: null, scan: null, error: null, results: [], focus: null });
    expect(review.kept.size).toBe(0);
  });
});

describe('ticking moves', () => {
  it('unticks and ticks a move again, and the photo’s colours follow', async () => {
    const review = await reviewing();
    review.toggle(id('B'));
    expect(review.kept.has(id('B'))).toBe(false);
    expect(review.counts).toEqual({ ok: 1, move: 2, off: 1, bad: 1 });
    review.toggle(id('B'));
    expect(review.kept.has(id('B'))).toBe(true);
    expect(review.counts).toEqual({ ok: 1, move: 3, off: 0, bad: 1 });
  });

  it('cannot change the ticks once applied', async () => {
    const review = await reviewing();
    await review.apply();
    review.toggle(id('A'));
    expect(review.kept.has(id('A'))).toBe(true);
  });
});

describe('applying', () => {
  it('sends only the ticked moves and reports each one’s fate in plan order', async () => {
    onApply = (moves) =>
      applied(
        [...moves]
          .reverse()
          .map((cardId) =>
            cardId === id('A')
              ? { cardId, status: 'stale', code: 'STALE', message: 'Changed since the photo' }
              : { cardId, status: 'applied' }
          )
      );
    const review = await reviewing();
    review.toggle(id('B'));
    const applying = review.apply();
    expect(review.phase).toBe('applying');
    await applying;
    expect(requests[1]).toEqual({
      url: `/api/boards/${board.id}/wall-scans/ws_1/apply`,
      type: 'application/json',
      body: { moves: [id('A'), id('C')] }
    });
    expect(review.phase).toBe('applied');
    expect(review.results.map((r) => [r.cardId, r.status])).toEqual([
      [id('A'), 'stale'],
      [id('C'), 'applied']
    ]);
    expect(review.resultOf.get(id('C'))?.status).toBe('applied');
    // A went red (stale), B stays grey (unticked), C turned green.
    expect(review.counts).toEqual({ ok: 2, move: 0, off: 1, bad: 2 });
    expect(review.confirmable).toEqual([]);
  });

  it('sends nothing when every move is unticked', async () => {
    const review = await reviewing();
    for (const m of review.scan!.plan) review.toggle(m.cardId);
    await review.apply();
    expect(requests).toHaveLength(1);
    expect(review.phase).toBe('review');
  });

  it('stays in review with the ticks kept when the apply fails, so it can be tried again', async () => {
    onApply = () => json(409, { error: { code: 'SCAN_EXPIRED', message: 'This photo was read too long ago; read it again' } });
    const review = await reviewing();
    review.toggle(id('C'));
    await review.apply();
    expect(review.phase).toBe('review');
    expect(review.error).toEqual({ code: 'SCAN_EXPIRED', message: 'This photo was read too long ago; read it again' });
    expect([...review.kept].sort()).toEqual([id('A'), id('B')].sort());
    onApply = (moves) => applied(moves.map((cardId) => ({ cardId, status: 'applied' })));
    await review.apply();
    expect(review.phase).toBe('applied');
    expect(review.error).toBeNull();
  });

  it('confirms the moves refused at a soft limit with the same scan, and keeps the other results', async () => {
    onApply = (moves) =>
      applied(
        moves.map((cardId) =>
          cardId === id('B')
            ? { cardId, status: 'refused', code: 'WIP_LIMIT', message: 'Doing is at its limit of 1' }
            : { cardId, status: 'applied' }
        )
      );
    const review = await reviewing();
    await review.apply();
    expect(review.confirmable).toEqual([id('B')]);
    onApply = (moves) => applied(moves.map((cardId) => ({ cardId, status: 'applied' })));
    await review.apply(true);
    expect(requests[2].body).toEqual({ moves: [id('B')], override: true });
    expect(review.results.map((r) => [r.cardId, r.status])).toEqual([
      [id('A'), 'applied'],
      [id('B'), 'applied'],
      [id('C'), 'applied']
    ]);
    expect(review.confirmable).toEqual([]);
    expect(review.counts).toEqual({ ok: 4, move: 0, off: 0, bad: 1 });
  });

  it('does nothing before a photo was read', async () => {
    const review = new WallReview(() => board);
    await review.apply();
    expect(requests).toEqual([]);
    expect(review.phase).toBe('idle');
  });
});

describe('names', () => {
  it('names cards and columns from the live board, and says when they are gone', () => {
    const review = new WallReview(() => board);
    expect(review.title(id('A'))).toBe('A');
    expect(review.title('c_new' as CardId)).toBe('A card added since the page was opened');
    expect(review.columnName(col('Doing'))).toBe('Doing');
    expect(review.columnName('l_gone')).toBe('a removed column');
  });
});

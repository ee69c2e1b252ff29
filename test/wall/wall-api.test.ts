/**
 * Wall photo sync through the HTTP API, on synthetic photos of real printed cards and signs
 * (from the server's own print API), seen at an angle, in perspective, soft, noisy and JPEG
 * compressed (fixtures/team-wall.ts has the scenario). Photos are made once for the file.
 */
import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardJson } from '../../src/lib/protocol';
import type { Corners, Point, WallApplyResult, WallScan } from '../../src/lib/wall/types';
import { startTestApp, type TestApp } from '../helpers/app';
import type { WallPhoto } from './fixtures/photo';
import { BOARD_SIGN } from './fixtures/printed';
import {
  COLUMNS,
  FOREIGN,
  NOT_SEEN,
  PLAN,
  WALL,
  WIFI,
  WIFI_TEXT,
  createTeamBoards,
  fetchPdfs,
  jsonApi,
  teamPrints,
  teamWallPhoto,
  type Api,
  type TeamBoards
} from './fixtures/team-wall';

let t: TestApp;
let api: Api;
let boards: TeamBoards;
let photo: WallPhoto;
let scan: WallScan;

/** Uploads bytes as a wall photo. */
async function upload(
  boardId: string,
  body: Uint8Array,
  type = 'image/jpeg'
): Promise<{ status: number; body: WallScan & { error?: { code: string; message: string } } }> {
  const res = await fetch(`${t.url}/api/boards/${boardId}/wall-scans`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: new Uint8Array(body)
  });
  return { status: res.status, body: await res.json() };
}

const name = (id: string) => Object.entries(boards.cards).find(([, v]) => v === id)?.[0] ?? id;

beforeAll(async () => {
  t = await startTestApp({ publicUrl: 'http://192.168.1.20:3000' });
  api = jsonApi(t.url);
  boards = await createTeamBoards(api);
  const prints = await teamPrints(await fetchPdfs(t.url, boards));
  photo = await teamWallPhoto(prints, {
    width: 3000,
    height: 2250,
    rotateDeg: 8,
    keystone: 0.1,
    keystoneSide: 'top',
    blur: 1.0,
    noise: 6,
    jpegQuality: 85
  });
  const res = await upload(boards.boardId, photo.jpeg);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  scan = res.body;
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe('reading a wall photo', () => {
  it('finds every code once, with corners on the print in the photo', () => {
    const expected = [...COLUMNS, BOARD_SIGN, ...Object.values(WALL).flat()];
    expect(scan.codes).toHaveLength(expected.length);
    for (const key of expected) {
      const quad = photo.quads.get(key)!;
      const hits = scan.codes.filter((c) => inside(centre(c.corners), quad));
      expect(hits, `code on ${key}`).toHaveLength(1);
    }
    expect(scan.width).toBe(3000);
    expect(scan.height).toBe(2250);
  });

  it('places every card in its column, top to bottom, and lists the cards the photo did not show', () => {
    for (const column of COLUMNS) {
      const placed = scan.cards.filter((c) => c.columnId === boards.columns[column]).sort((a, b) => a.index - b.index);
      expect(
        placed.map((c) => name(c.cardId)),
        column
      ).toEqual(WALL[column].filter((k) => k !== FOREIGN && k !== WIFI));
    }
    expect(scan.columns.map((c) => c.columnId)).toEqual(COLUMNS.map((c) => boards.columns[c]));
    expect(scan.notSeen.map(name)).toEqual(NOT_SEEN);
    expect(scan.revision).toBeGreaterThan(0);
  });

  it('plans exactly the moves that make the board match the wall', () => {
    expect(scan.plan).toEqual(
      PLAN.map(([card, from, to, after]) => ({
        cardId: boards.cards[card],
        fromColumnId: boards.columns[from],
        toColumnId: boards.columns[to],
        afterCardId: boards.cards[after]
      }))
    );
    const moving = scan.codes
      .filter((c) => c.status === 'moves')
      .map((c) => name(c.cardId!))
      .sort();
    expect(moving).toEqual(PLAN.map(([card]) => card).sort());
    expect(scan.codes.find((c) => c.cardId === boards.cards.r3)?.note).toBe('Ready → Doing');
    expect(scan.codes.find((c) => c.cardId === boards.cards.a3)?.note).toBe('Reorder in Backlog');
    expect(scan.codes.filter((c) => c.status === 'agrees')).toHaveLength(scan.codes.length - PLAN.length - 2);
  });

  it('reports another board’s card and a stranger’s QR code in red, and never acts on them', () => {
    const foreign = scan.codes.find((c) => inside(centre(c.corners), photo.quads.get(FOREIGN)!))!;
    expect(foreign).toMatchObject({ kind: 'card', status: 'foreign', note: 'Card on “Marketing”' });
    expect(foreign.cardId).toBeUndefined();
    const wifi = scan.codes.find((c) => c.text === WIFI_TEXT)!;
    expect(wifi).toMatchObject({ kind: 'unknown', code: null, status: 'unknown' });
    expect(scan.plan.map((m) => m.cardId)).not.toContain(boards.otherCardId);
  });

  it('keeps the scan for a while: it can be fetched again', async () => {
    const again = await api<WallScan>('GET', `/api/boards/${boards.boardId}/wall-scans/${scan.scanId}`);
    expect(again.status).toBe(200);
    expect(again.body.plan).toEqual(scan.plan);
  });
});

describe('applying a scan', () => {
  it('moves the kept cards as source "wall", refuses past the WIP limit, flags cards moved since the photo, and is idempotent', async () => {
    const { cards, columns, boardId } = boards;
    // After the photo, someone moves a3 to Review: the photo is older than that move.
    const other = await api<{ revision: number }>('POST', `/api/boards/${boardId}/commands`, {
      opId: 'op-someone-else-1',
      type: 'moveCard',
      cardId: cards.a3,
      toColumnId: columns.Review
    });
    expect(other.status).toBe(200);

    // n1's move is unticked.
    const moves = [cards.a3, cards.r3, cards.v1];
    const first = await api<WallApplyResult>('POST', `/api/boards/${boardId}/wall-scans/${scan.scanId}/apply`, { moves });
    expect(first.status).toBe(200);
    const byCard = Object.fromEntries(first.body.results.map((r) => [name(r.cardId), r]));
    expect(byCard.a3).toMatchObject({ status: 'stale', code: 'STALE' });
    expect(byCard.r3).toMatchObject({ status: 'applied' });
    expect(byCard.v1).toMatchObject({ status: 'refused', code: 'WIP_LIMIT' });
    expect(byCard.v1.message).toMatch(/Doing is at its limit of 3/);
    expect(byCard.n1).toBeUndefined();

    const board = (await api<BoardJson>('GET', `/api/boards/${boardId}`)).body;
    const inColumn = (c: keyof typeof columns) => board.cards.filter((x) => x.columnId === columns[c]).map((x) => name(x.id));
    expect(inColumn('Doing')).toEqual(['d1', 'r3', 'd2']);
    expect(inColumn('Review')).toEqual(['v1', 'v2', 'a3']);
    expect(inColumn('Done')).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    expect(board.revision).toBe(first.body.revision);

    const events = (
      await api<{ events: { type: string; source: string; cardId?: string }[] }>(
        'GET',
        `/api/boards/${boardId}/events?since=${other.body.revision}`
      )
    ).body.events;
    expect(events.map((e) => [e.type, e.source, name(e.cardId ?? '')])).toEqual([['cardMoved', 'wall', 'r3']]);

    // The same request again (a double click): nothing new happens, the answers are the same.
    const second = await api<WallApplyResult>('POST', `/api/boards/${boardId}/wall-scans/${scan.scanId}/apply`, { moves });
    expect(second.body).toEqual(first.body);
    expect((await api<BoardJson>('GET', `/api/boards/${boardId}`)).body.revision).toBe(first.body.revision);

    // Confirming past the soft limit moves v1 after d2, where the wall has it.
    const confirmed = await api<WallApplyResult>('POST', `/api/boards/${boardId}/wall-scans/${scan.scanId}/apply`, {
      moves: [cards.v1],
      override: true
    });
    expect(confirmed.body.results).toEqual([{ cardId: cards.v1, status: 'applied' }]);
    const after = (await api<BoardJson>('GET', `/api/boards/${boardId}`)).body;
    expect(after.cards.filter((x) => x.columnId === columns.Doing).map((x) => name(x.id))).toEqual(['d1', 'r3', 'd2', 'v1']);
  });

  it('refuses moves the scan did not plan, and scans it does not know', async () => {
    const bad = await api<{ error: { code: string } }>('POST', `/api/boards/${boards.boardId}/wall-scans/${scan.scanId}/apply`, {
      moves: [boards.cards.d1]
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID');
    const gone = await api<{ error: { code: string } }>('POST', `/api/boards/${boards.boardId}/wall-scans/ws_nosuchscan00/apply`, {
      moves: []
    });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('SCAN_NOT_FOUND');
    // A scan belongs to its board.
    const elsewhere = await api<{ error: { code: string } }>('POST', `/api/boards/${boards.otherBoardId}/wall-scans/${scan.scanId}/apply`, {
      moves: []
    });
    expect(elsewhere.status).toBe(404);
  });
});

describe('bad uploads', () => {
  const refused = async (
    res: Promise<{ status: number; body: { error?: { code: string; message: string } } }>,
    status: number,
    code: string
  ) => {
    const r = await res;
    expect(r.status).toBe(status);
    expect(r.body.error?.code).toBe(code);
    expect(r.body.error?.message).toBeTruthy();
    return r.body.error!.message;
  };

  it('not an image, whatever the content-type says', async () => {
    await refused(upload(boards.boardId, Buffer.from('this is a photo, honest'), 'image/jpeg'), 415, 'NOT_AN_IMAGE');
    await refused(upload(boards.boardId, Buffer.from('%PDF-1.7\n%…'), 'image/png'), 415, 'NOT_AN_IMAGE');
    await refused(upload(boards.boardId, Buffer.alloc(0)), 400, 'EMPTY_BODY');
  });

  it('a damaged JPEG', async () => {
    await refused(
      upload(boards.boardId, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)])),
      422,
      'UNREADABLE_IMAGE'
    );
  });

  it('too many bytes', async () => {
    const big = Buffer.alloc(26 * 1024 * 1024, 1);
    big.set([0xff, 0xd8, 0xff], 0);
    await refused(upload(boards.boardId, big), 413, 'TOO_LARGE');
  });

  it('too many pixels: a real 41-megapixel photo', async () => {
    const huge = await sharp({ create: { width: 8000, height: 5125, channels: 3, background: '#8a96a3' } })
      .jpeg({ quality: 50 })
      .toBuffer();
    const message = await refused(upload(boards.boardId, huge), 413, 'TOO_MANY_PIXELS');
    expect(message).toMatch(/41\.0 megapixels; at most 40/);
  });

  it('a decompression bomb: a few bytes of PNG declaring 100,000 × 100,000 pixels', async () => {
    const bomb = pngDeclaring(100_000, 100_000);
    expect(bomb.length).toBeLessThan(200);
    const message = await refused(upload(boards.boardId, bomb, 'image/png'), 413, 'TOO_MANY_PIXELS');
    expect(message).toMatch(/10,000 megapixels/);
  });

  it('a photo with no codes', async () => {
    const blank = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#9aa4ae' } })
      .jpeg()
      .toBuffer();
    await refused(upload(boards.boardId, blank), 422, 'NO_CODES');
  });

  it('a photo of another board’s wall says whose it is', async () => {
    // The other board's card, cut out of the wall photo: a photo with its codes only.
    const crop = await sharp(photo.jpeg)
      .extract(bounds([photo.quads.get(FOREIGN)!]))
      .jpeg()
      .toBuffer();
    const message = await refused(upload(boards.boardId, crop), 422, 'NOT_THIS_BOARD');
    expect(message).toMatch(/“Marketing”/);
  });

  it('an unknown board', async () => {
    await refused(upload('b_nosuchboard', photo.jpeg), 404, 'NOT_FOUND');
  });
});

/** A valid PNG signature and header declaring `width` × `height`, with a token of data. */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0))
  ]);
}

function centre(c: Corners): Point {
  return { x: (c[0].x + c[1].x + c[2].x + c[3].x) / 4, y: (c[0].y + c[1].y + c[2].y + c[3].y) / 4 };
}

/** Whether p lies inside the convex quad q. */
function inside(p: Point, q: Corners): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i],
      b = q[(i + 1) % 4];
    const s = Math.sign((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x));
    if (s !== 0 && sign !== 0 && s !== sign) return false;
    if (s !== 0) sign = s;
  }
  return true;
}

function bounds(quads: Corners[]): { left: number; top: number; width: number; height: number } {
  const pts = quads.flat();
  const left = Math.floor(Math.min(...pts.map((p) => p.x))) - 40,
    top = Math.floor(Math.min(...pts.map((p) => p.y))) - 40;
  const right = Math.ceil(Math.max(...pts.map((p) => p.x))) + 40,
    bottom = Math.ceil(Math.max(...pts.map((p) => p.y))) + 40;
  return { left, top, width: right - left, height: bottom - top };
}

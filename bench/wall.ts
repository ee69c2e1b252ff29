/**
 * Wall photo sync: a 12 MP synthetic photo of a wall of 40 codes (34 real printed a4-8 cards with
 * 24 mm QR codes, 5 column signs, the board sign; 7° tilt, keystone, blur σ 1.2, sensor noise,
 * JPEG 85: a slightly soft phone photo), read by the wall pipeline (server/wall/passes.ts, in
 * its worker thread as the server runs it) against one plain zxing pass over the whole photo,
 * the baseline a first attempt would use. Codes found, time, cards placed in the right lane
 * and order, and the peak RSS of a process reading the photo. Ratios and counts, not asserts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { SYSTEM_ACTOR, cardsInOrder, newOpId, type CardId, type ColumnId } from '../src/lib/domain';
import { loadZxingNode } from '../src/lib/qr/decoder-node';
import { analyseWall } from '../src/lib/wall/analyse';
import { BoardService } from '../server/board-service';
import { MemoryStorage } from '../server/storage/memory';
import { WallDecoder } from '../server/wall/decoder';
import { photographWall } from '../test/wall/fixtures/photo';
import { BOARD_SIGN, rasterise, renderBoardPdfs } from '../test/wall/fixtures/printed';
import { layoutScene, type LaneSpec } from '../test/wall/fixtures/scene';

const PUBLIC_URL = 'http://192.168.1.20:3000';
const WIDTHS = [130, 160, 230, 150, 140];
const SIZES = { pxPerMm: 3.9, columnSignScale: 0.4, boardSignScale: 0.25 };
const ctx = { actor: SYSTEM_ACTOR, source: 'api' as const };
const run = promisify(execFile);

export async function benchWall(): Promise<Record<string, number>> {
  const storage = new MemoryStorage();
  await storage.open();
  const service = new BoardService(storage);
  const created = await service.createBoard(
    { name: 'Bench wall', columns: ['Backlog', 'Ready', 'Doing', 'Review', 'Done'].map((name) => ({ name })) },
    ctx
  );
  if (!created.ok) throw new Error(created.rejection.message);
  const boardId = created.board.id;
  for (let i = 0; i < 34; i++) {
    await service.execute(
      boardId,
      {
        type: 'createCard',
        opId: newOpId(),
        title: `Bench card ${i + 1}: a title of ordinary length`,
        columnId: created.board.columns[0].id
      },
      ctx
    );
  }
  const board = (await service.getBoard(boardId))!;
  const cards = cardsInOrder(board);

  // The wall: cards dealt over the five lanes (the middle one two cards wide).
  const truth = new Map<ColumnId, CardId[]>();
  cards.forEach((c, i) => {
    const col = board.columns[(i * 3) % 5].id;
    truth.set(col, [...(truth.get(col) ?? []), c.id]);
  });
  const prints = await rasterise(await renderBoardPdfs(board, cards, PUBLIC_URL), SIZES);
  const lanes: LaneSpec[] = board.columns.map((c, i) => ({
    sign: c.id,
    widthMm: WIDTHS[i],
    items: truth.get(c.id) ?? [],
    stacks: i === 2 ? 2 : 1
  }));
  const print = (k: string) => prints.get(k)!;
  const scene = layoutScene({ lanes, boardSign: BOARD_SIGN, seed: 3 }, print);
  const photo = await photographWall(scene, print, SIZES.pxPerMm, {
    width: 4000,
    height: 3000,
    rotateDeg: 7,
    keystone: 0.08,
    blur: 1.2,
    noise: 8,
    jpegQuality: 85
  });
  const codes = scene.placed.length;

  // Baseline: decode, one plain zxing pass over the whole photo.
  const read = await loadZxingNode();
  let started = performance.now();
  const { data, info } = await sharp(photo.jpeg).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const plain = await read(
    { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height },
    { formats: ['QRCodeModel2'], maxNumberOfSymbols: 255, tryHarder: true }
  );
  const plainMs = performance.now() - started;
  const plainFound = new Set(plain.filter((r) => r.isValid).map((r) => r.text)).size;

  // The pipeline, as the server runs it: in its worker (the first photo also starts the worker).
  const decoder = new WallDecoder({ timeoutMs: 300_000 });
  started = performance.now();
  const decoded = await decoder.decode(new Uint8Array(photo.jpeg), 40_000_000);
  const pipelineMs = performance.now() - started;
  started = performance.now();
  await decoder.decode(new Uint8Array(photo.jpeg), 40_000_000);
  const warmMs = performance.now() - started;
  await decoder.close();
  const server = await serverPeak(photo.jpeg);

  const analysis = analyseWall(board, decoded.found);
  let placedRight = 0;
  for (const [col, ids] of truth) {
    const got = analysis.lanes.get(col) ?? [];
    ids.forEach((id, i) => (placedRight += got[i] === id ? 1 : 0));
  }
  const passes = Object.fromEntries(decoded.passes.map((p) => [`pipeline pass ${p.name}: codes added`, p.added]));

  return {
    'codes on the wall': codes,
    'pipeline: codes found': decoded.found.length,
    'pipeline: ms (worker start included)': Math.round(pipelineMs),
    'pipeline: ms (warm worker)': Math.round(warmMs),
    ...passes,
    'baseline plain pass: codes found': plainFound,
    'baseline plain pass: ms': Math.round(plainMs),
    'pipeline / baseline time': Math.round((warmMs / plainMs) * 10) / 10,
    'cards placed in the right lane and order': placedRight,
    'cards on the wall': cards.length,
    'peak RSS MB, a fresh process reading the photo (worker included)': server.peakMb,
    'RSS MB of that process before reading': server.idleMb
  };
}

/**
 * Peak memory of reading one photo, as a server process would: a fresh Node process loads the
 * decoder, reads the photo in its worker, and reports its peak RSS (this bench process has
 * drawn the photo too, so its own peak says nothing about the server).
 */
async function serverPeak(jpeg: Buffer): Promise<{ peakMb: number; idleMb: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kanbridge-bench-wall-'));
  try {
    const file = path.join(dir, 'wall.jpg');
    await writeFile(file, jpeg);
    const decoder = pathToFileURL(path.resolve('server/wall/decoder.ts')).href;
    const script = [
      `import { readFileSync } from 'node:fs';`,
      `import { WallDecoder } from ${JSON.stringify(decoder)};`,
      `const idle = process.memoryUsage().rss / 1024;`,
      `const d = new WallDecoder({ timeoutMs: 300000 });`,
      `await d.decode(new Uint8Array(readFileSync(${JSON.stringify(file)})), 40000000);`,
      `await d.close();`,
      // VmHWM, not resourceUsage().maxRSS: Linux keeps the latter across exec (the runner's size).
      `const peak = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);`,
      `console.log(JSON.stringify({ idle, peak }));`
    ].join('\n');
    const child = path.join(dir, 'read.mjs');
    await writeFile(child, script);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child]);
    const { idle, peak } = JSON.parse(stdout.trim().split('\n').pop()!) as { idle: number; peak: number };
    return { peakMb: Math.round(peak / 1024), idleMb: Math.round(idle / 1024) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

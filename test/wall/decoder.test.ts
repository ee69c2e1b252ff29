/**
 * The decode worker's failures stay in the worker: a photo that hangs is cut off by the
 * timeout, a worker that dies or faults in zxing's WebAssembly is replaced, the server's own
 * thread carries on, and the next photo is read by a fresh worker. Plus the real worker on
 * files that are no image.
 */
import path from 'node:path';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DecodeError, WallDecoder } from '../../server/wall/decoder';

const faulty = new WallDecoder({ timeoutMs: 4_000, workerFile: path.join(__dirname, 'fixtures', 'faulty-worker.ts'), maxWaiting: 2 });
const real = new WallDecoder({ timeoutMs: 30_000 });

afterAll(async () => {
  await Promise.all([faulty.close(), real.close()]);
});

const bytes = (s: string) => new TextEncoder().encode(s);

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    expect(err).toBeInstanceOf(DecodeError);
    return (err as DecodeError).reason;
  }
}

describe('decode worker', () => {
  it('a worker serves photo after photo', async () => {
    expect((await faulty.decode(bytes('ok'), 1)).width).toBe(1);
    expect((await faulty.decode(bytes('ok'), 1)).width).toBe(2);
  });

  it('a hanging decode times out, and the next photo gets a fresh worker', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50);
    expect(await reason(faulty.decode(bytes('hang'), 1))).toBe('timeout');
    clearInterval(timer);
    // The server's thread kept running all along.
    expect(ticks).toBeGreaterThan(10);
    expect((await faulty.decode(bytes('ok'), 1)).width).toBe(1);
  });

  it('a worker that exits, or faults in WebAssembly, is replaced', async () => {
    expect(await reason(faulty.decode(bytes('exit'), 1))).toBe('crashed');
    expect((await faulty.decode(bytes('ok'), 1)).width).toBe(1);
    expect((await faulty.decode(bytes('ok'), 1)).width).toBe(2);
    expect(await reason(faulty.decode(bytes('wasm'), 1))).toBe('crashed');
    expect((await faulty.decode(bytes('ok'), 1)).width).toBe(1);
  });

  it('photos queue one at a time; beyond the queue it is busy', async () => {
    const running = faulty.decode(bytes('hang'), 1);
    const queued = [faulty.decode(bytes('ok'), 1), faulty.decode(bytes('ok'), 1)];
    expect(await reason(faulty.decode(bytes('ok'), 1))).toBe('busy');
    expect(await reason(running)).toBe('timeout');
    expect((await Promise.all(queued)).map((p) => p.width)).toEqual([1, 2]);
  });

  it('the real worker turns a photo upright by its EXIF orientation: corners are in the picture as shown', async () => {
    // A QR code in the top left of a 900×600 picture, stored turned a quarter to the left
    // with EXIF orientation 6 ("turn right to show"), as phones held upright store photos.
    const qr = await QRCode.toBuffer('HTTP://192.168.1.20:3000/C/7K3M9Q', { margin: 4, width: 200 });
    const upright = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#fff' } })
      .composite([{ input: qr, left: 40, top: 30 }])
      .png()
      .toBuffer();
    const stored = await sharp(upright).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer();
    expect((await sharp(stored).metadata()).width).toBe(600);
    const photo = await real.decode(new Uint8Array(stored), 40_000_000);
    expect(photo).toMatchObject({ width: 900, height: 600 });
    expect(photo.found.map((f) => f.text)).toEqual(['HTTP://192.168.1.20:3000/C/7K3M9Q']);
    const c = photo.found[0].corners;
    const centre = { x: (c[0].x + c[1].x + c[2].x + c[3].x) / 4, y: (c[0].y + c[1].y + c[2].y + c[3].y) / 4 };
    expect(centre.x).toBeCloseTo(140, -1);
    expect(centre.y).toBeCloseTo(130, -1);
    // Top-left corner first: the code reads upright.
    expect(c[0].x).toBeLessThan(c[1].x);
    expect(c[0].y).toBeLessThan(c[3].y);
  });

  it('the real worker calls bytes that are no image unreadable, and a pixel limit refuses big ones', async () => {
    expect(await reason(real.decode(bytes('not an image'), 40_000_000))).toBe('unreadable');
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect(await reason(real.decode(new Uint8Array(png), 50_000))).toBe('unreadable');
    const ok = await real.decode(new Uint8Array(png), 60_000);
    expect(ok).toMatchObject({ width: 300, height: 200, found: [] });
  });
});

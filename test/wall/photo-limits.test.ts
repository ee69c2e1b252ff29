/**
 * Photo size limits that must hold before any pixel is decoded: at most MAX_PHOTO_PIXELS in all
 * and at most MAX_PHOTO_SIDE in each direction. A 40,000,000 × 1 PNG is exactly within the pixel
 * count, a few dozen KB compressed, and took seconds and hundreds of MB to read before the side
 * limit; it is refused at the door (intake.ts) and by the decoder itself (passes.ts).
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadBarcodes } from '../../src/lib/qr/decoder';
import { inspectPhoto, MAX_PHOTO_PIXELS, MAX_PHOTO_SIDE, PhotoRefused } from '../../server/wall/intake';
import { decodeWallPhoto, UnreadableImage } from '../../server/wall/passes';
import { startTestApp, type TestApp } from '../helpers/app';

let sliver: Buffer;

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .greyscale()
    .png({ compressionLevel: 9 })
    .toBuffer();

async function refusal(bytes: Uint8Array): Promise<PhotoRefused> {
  try {
    await inspectPhoto(bytes);
  } catch (err) {
    if (err instanceof PhotoRefused) return err;
    throw err;
  }
  throw new Error('the photo was accepted');
}

beforeAll(async () => {
  sliver = await png(40_000_000, 1);
}, 60_000);

describe('a photo too wide or too high', () => {
  it('a 40,000,000 × 1 PNG is small and within the pixel count, so only the side limit stops it', () => {
    expect(sliver.length).toBeLessThan(200 * 1024);
    expect(40_000_000 * 1).toBeLessThanOrEqual(MAX_PHOTO_PIXELS);
  });

  it('is refused by its header with 413 TOO_LARGE_SIDE', async () => {
    const err = await refusal(sliver);
    expect(err.status).toBe(413);
    expect(err.code).toBe('TOO_LARGE_SIDE');
    expect(err.message).toMatch(/40,000,000 × 1 pixels; at most 12,000 pixels wide and 12,000 high/);
    expect(err.details).toEqual({ width: 40_000_000, height: 1 });
  });

  it('the limit holds each way, and a photo at the limit passes', async () => {
    expect(MAX_PHOTO_SIDE).toBe(12_000);
    expect((await refusal(await png(MAX_PHOTO_SIDE + 1, 4))).code).toBe('TOO_LARGE_SIDE');
    expect((await refusal(await png(4, MAX_PHOTO_SIDE + 1))).code).toBe('TOO_LARGE_SIDE');
    await expect(inspectPhoto(await png(MAX_PHOTO_SIDE, 4))).resolves.toMatchObject({ type: 'png', width: MAX_PHOTO_SIDE, height: 4 });
    await expect(inspectPhoto(await png(4, MAX_PHOTO_SIDE))).resolves.toMatchObject({ type: 'png', width: 4, height: MAX_PHOTO_SIDE });
  });

  it('the decoder refuses it too, before reading a pixel', async () => {
    let reads = 0;
    const read: ReadBarcodes = async () => {
      reads++;
      return [];
    };
    const decoding = decodeWallPhoto(sliver, read, { maxPixels: MAX_PHOTO_PIXELS });
    await expect(decoding).rejects.toBeInstanceOf(UnreadableImage);
    await expect(decoding).rejects.toThrow(/40000000x1; at most 12000 px a side/);
    expect(reads).toBe(0);
  });
});

describe('uploading one', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers 413 with the usual error body, and the board is untouched', async () => {
    const made = await fetch(`${t.url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Wall', columns: [{ name: 'To do' }] })
    });
    expect(made.status).toBe(201);
    const board = (await made.json()) as { id: string; revision: number };
    const res = await fetch(`${t.url}/api/boards/${board.id}/wall-scans`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: new Uint8Array(sliver)
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error.code).toBe('TOO_LARGE_SIDE');
    expect(body.error.message).toMatch(/at most 12,000 pixels wide/);
    expect(body.error.details).toEqual({ width: 40_000_000, height: 1 });
    const after = (await (await fetch(`${t.url}/api/boards/${board.id}`)).json()) as { revision: number };
    expect(after.revision).toBe(board.revision);
  });
});

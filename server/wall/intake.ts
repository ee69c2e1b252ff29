/**
 * What an uploaded wall photo must be before any pixel of it is decoded: a JPEG or PNG by its
 * own bytes (the content-type header is the client's claim, not a fact), at most 25 MB, and at
 * most 40 megapixels and at most 12,000 pixels wide and high by its header. Both checks read only
 * the header, so a "decompression bomb" (a few KB declaring 100,000 × 100,000 pixels) is refused
 * without being unpacked, and so is a sliver within the pixel count but absurd in one direction
 * (40,000,000 × 1: a few dozen KB that take seconds and hundreds of MB to decode and prepare).
 * The decoder's own limits (passes.ts) are the second guard.
 */
import sharp from 'sharp';

export const MAX_PHOTO_BYTES = 25 * 1024 * 1024;
export const MAX_PHOTO_PIXELS = 40_000_000;
/** Widest and highest photo read: a 40 MP camera's long side is under 8,000 px, a panorama's height is cropped to this. */
export const MAX_PHOTO_SIDE = 12_000;

export type PhotoType = 'jpeg' | 'png';

export class PhotoRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>
  ) {
    super(message);
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The image type the bytes themselves announce, or null. */
export function sniffPhoto(bytes: Uint8Array): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  return null;
}

export interface PhotoHeader {
  type: PhotoType;
  width: number;
  height: number;
}

/** Checks an upload and reads its size from the header; throws PhotoRefused. */
export async function inspectPhoto(bytes: Uint8Array): Promise<PhotoHeader> {
  if (bytes.length === 0) throw new PhotoRefused(400, 'EMPTY_BODY', 'Send the photo as the request body (JPEG or PNG)');
  const type = sniffPhoto(bytes);
  if (!type) throw new PhotoRefused(415, 'NOT_AN_IMAGE', 'This is not a JPEG or PNG photo');
  let width: number, height: number;
  try {
    // Header only: nothing is decoded, so no pixel limit is needed here.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (meta.format !== type) throw new Error(`announced ${type}, read as ${meta.format}`);
    ({ width, height } = meta);
  } catch {
    throw new PhotoRefused(422, 'UNREADABLE_IMAGE', `The ${type.toUpperCase()} file is damaged or incomplete`);
  }
  if (width * height > MAX_PHOTO_PIXELS) {
    const mp = (width * height) / 1e6;
    throw new PhotoRefused(
      413,
      'TOO_MANY_PIXELS',
      `The photo has ${mp >= 1000 ? Math.round(mp).toLocaleString('en') : mp.toFixed(1)} megapixels; at most ${MAX_PHOTO_PIXELS / 1e6} are read`,
      { width, height }
    );
  }
  if (width > MAX_PHOTO_SIDE || height > MAX_PHOTO_SIDE) {
    const px = (n: number) => n.toLocaleString('en');
    throw new PhotoRefused(
      413,
      'TOO_LARGE_SIDE',
      `The photo is ${px(width)} × ${px(height)} pixels; at most ${px(MAX_PHOTO_SIDE)} pixels wide and ${px(MAX_PHOTO_SIDE)} high are read`,
      { width, height }
    );
  }
  return { type, width, height };
}

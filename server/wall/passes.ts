/**
 * Finding every QR code in a wall photo: several zxing passes over differently prepared copies
 * of the photo, merged by code (merge.ts). Runs inside the decode worker (decode-worker.ts).
 *
 * Measured on synthetic wall photos of real printed cards (test/wall/fixtures: 40 codes, cards'
 * QR codes at 2.4–3 px per module, sensor noise, uneven light, JPEG 85), codes found of 40:
 *
 *   photo (4000×3000 unless said)   plain   sharpen 1.5/3   sharpen 2.5/5   both   + cut-outs
 *   7° tilt, keystone, blur 1.2       0          39              40          40        40
 *   12° tilt, blur 1.0               30          40              40          40        40
 *   3° tilt, blur 1.5                 7          40              39          40        40
 *   15° tilt, blur 0.8               25          40              39          40        40
 *   3000×2250, blur 1.0               9          40              39          40        40
 *   flat, blur 0.5                   40          40              40          40        40
 *   2.4 px/module, blur 1.0          38          40              40          40        40
 *   7° tilt, blur 1.6                 5          24              34          34        38
 *
 * So: sharpening (sharp's unsharp mask on the lightness) is the lever, the two strengths cover
 * each other's misses, and a plain pass found nothing either of them missed (on any photo, so
 * it is not run). Upscaling the whole photo 1.5× and sharpening read 38 of 40 on the blurriest
 * photo but cost 5–8 s; cutting out only the symbols zxing located but could not read, and
 * upscaling those ("cut-outs"), gets as far for about 0.2 s. The last two codes there were
 * never located by any pass tried. Tiles over the whole photo did not help (wall-photo recipe).
 */
import sharp, { type Sharp } from 'sharp';
import type { ReaderOptions, ReadResult } from 'zxing-wasm/reader';
import type { ReadBarcodes, RgbaImage } from '../../src/lib/qr/decoder';
import type { Corners, Point } from '../../src/lib/wall/types';
import { MAX_PHOTO_SIDE } from './intake';
import { Findings, centre, diagonal, type Found } from './merge';

export interface PassReport {
  name: string;
  /** Valid codes this pass read. */
  read: number;
  /** Of those, codes no earlier pass had. */
  added: number;
  ms: number;
}

export interface DecodedPhoto {
  /** The photo's size after its EXIF orientation is applied: the frame of every corner. */
  width: number;
  height: number;
  found: Found[];
  passes: PassReport[];
}

export interface DecodeLimits {
  /** Refuse larger images before decoding them (decompression bombs). */
  maxPixels: number;
  /** Refuse images wider or higher than this before decoding them; MAX_PHOTO_SIDE unless said. */
  maxSide?: number;
}

interface Sharpen {
  sigma: number;
  m2: number;
}

/** Whole-photo passes, in order (see the table above). */
const FULL_PASSES: { name: string; sharpen: Sharpen }[] = [
  { name: 'sharpen-1.5', sharpen: { sigma: 1.5, m2: 3 } },
  { name: 'sharpen-2.5', sharpen: { sigma: 2.5, m2: 5 } }
];

/** Cut-out variants for a located but unread symbol, tried until one reads. */
const CUTOUT_VARIANTS: { scale: number; sharpen: Sharpen }[] = [
  { scale: 2, sharpen: { sigma: 3, m2: 3 } },
  { scale: 2, sharpen: { sigma: 2, m2: 3 } },
  { scale: 3, sharpen: { sigma: 4, m2: 4 } }
];
/** A cut-out spans this many times the symbol's diagonal, so its quiet zone is inside. */
const CUTOUT_SPAN = 1.4;
/** More unread symbols than this means a photo too poor to rescue code by code. */
const MAX_CUTOUTS = 60;

// QR Model 2 only (what Kanbridge prints, and what other apps' codes are). Codes on a wall are
// dark on light and the detector finds them at any rotation, so the rotated and inverted
// retries only cost time; downscaling stays on, it helps the large, soft codes of signs.
const FULL_OPTIONS: ReaderOptions = {
  formats: ['QRCodeModel2'],
  maxNumberOfSymbols: 255,
  returnErrors: true,
  tryHarder: true,
  tryRotate: false,
  tryInvert: false
};
const CUTOUT_OPTIONS: ReaderOptions = { ...FULL_OPTIONS, maxNumberOfSymbols: 4, returnErrors: false };

/** The bytes are no image sharp can read, or a larger one than allowed: the upload's fault. */
export class UnreadableImage extends Error {}

export async function decodeWallPhoto(input: Uint8Array, read: ReadBarcodes, limits: DecodeLimits): Promise<DecodedPhoto> {
  const { rgb, width, height } = await decodeImage(input, limits);
  const photo = () => sharp(rgb, { raw: { width, height, channels: 3 } });
  const findings = new Findings();
  const passes: PassReport[] = [];
  const unread: ReadResult[] = [];

  // The next pass's image is prepared (sharp, on libuv's threads) while zxing reads this one.
  const prepare = (p: Sharpen) => greyRgba(photo().sharpen({ sigma: p.sigma, m1: 0, m2: p.m2 }));
  let next = prepare(FULL_PASSES[0].sharpen);
  for (let i = 0; i < FULL_PASSES.length; i++) {
    const started = Date.now();
    const image = await next;
    if (i + 1 < FULL_PASSES.length) next = prepare(FULL_PASSES[i + 1].sharpen);
    const results = await read(image, FULL_OPTIONS);
    let got = 0,
      added = 0;
    for (const r of results) {
      if (!r.isValid) {
        unread.push(r);
        continue;
      }
      got++;
      if (findings.add({ text: r.text, corners: cornersOf(r), pass: FULL_PASSES[i].name })) added++;
    }
    passes.push({ name: FULL_PASSES[i].name, read: got, added, ms: Date.now() - started });
  }

  const started = Date.now();
  let cutoutReads = 0,
    cutoutAdded = 0;
  for (const target of cutoutTargets(unread, findings)) {
    const box = cutoutBox(target, width, height);
    if (!box) continue;
    for (const v of CUTOUT_VARIANTS) {
      const image = photo()
        .extract(box)
        .resize(box.width * v.scale, box.height * v.scale, { kernel: 'cubic' })
        .sharpen({ sigma: v.sharpen.sigma, m1: 0, m2: v.sharpen.m2 });
      const hits = (await read(await greyRgba(image), CUTOUT_OPTIONS)).filter((r) => r.isValid);
      for (const r of hits) {
        cutoutReads++;
        const back = (p: Point): Point => ({ x: box.left + p.x / v.scale, y: box.top + p.y / v.scale });
        const c = cornersOf(r);
        if (findings.add({ text: r.text, corners: [back(c[0]), back(c[1]), back(c[2]), back(c[3])], pass: 'cutout' })) cutoutAdded++;
      }
      if (hits.length) break;
    }
  }
  passes.push({ name: 'cutout', read: cutoutReads, added: cutoutAdded, ms: Date.now() - started });
  return { width, height, found: findings.list, passes };
}

/**
 * Decoded once (EXIF orientation applied, alpha on white, sRGB); every pass starts from it. The
 * header is read first: libvips' pixel limit (limitInputPixels) counts width × height only, so a
 * 40,000,000 × 1 sliver passes it; the side limit is checked here before any pixel is unpacked.
 */
async function decodeImage(input: Uint8Array, limits: DecodeLimits): Promise<{ rgb: Buffer; width: number; height: number }> {
  try {
    const maxSide = limits.maxSide ?? MAX_PHOTO_SIDE;
    const { width, height } = await sharp(input, { limitInputPixels: limits.maxPixels }).metadata();
    if (width > maxSide || height > maxSide) throw new Error(`the image is ${width}x${height}; at most ${maxSide} px a side is read`);
    const { data, info } = await sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new Error(`expected RGB, got ${info.channels} channels for ${info.width}x${info.height}`);
    }
    return { rgb: data, width: info.width, height: info.height };
  } catch (err) {
    throw new UnreadableImage(err instanceof Error ? err.message : String(err));
  }
}

/** Located but unread symbols that no read code covers, one per place. */
function cutoutTargets(unread: ReadResult[], findings: Findings): Corners[] {
  const targets: Corners[] = [];
  for (const r of unread) {
    const c = cornersOf(r);
    const at = centre(c);
    if (findings.covers(at)) continue;
    if (targets.some((t) => Math.hypot(centre(t).x - at.x, centre(t).y - at.y) < diagonal(t) / 2)) continue;
    targets.push(c);
    if (targets.length === MAX_CUTOUTS) break;
  }
  return targets;
}

function cutoutBox(c: Corners, width: number, height: number): { left: number; top: number; width: number; height: number } | null {
  const at = centre(c);
  const half = Math.max(12, (diagonal(c) * CUTOUT_SPAN) / 2);
  const left = Math.max(0, Math.floor(at.x - half)),
    top = Math.max(0, Math.floor(at.y - half));
  const right = Math.min(width, Math.ceil(at.x + half)),
    bottom = Math.min(height, Math.ceil(at.y + half));
  return right - left >= 8 && bottom - top >= 8 ? { left, top, width: right - left, height: bottom - top } : null;
}

/**
 * One grey channel, handed to zxing as RGBA: zxing reads exactly width·height·4 bytes whatever
 * it is given, so the length is checked here (a short buffer makes the wasm read out of bounds).
 */
async function greyRgba(image: Sharp): Promise<RgbaImage> {
  const { data, info } = await image.greyscale().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected one grey channel, got ${info.channels}`);
  const rgba = new Uint8ClampedArray(info.width * info.height * 4);
  for (let i = 0, k = 0; i < data.length; i++, k += 4) {
    rgba[k] = rgba[k + 1] = rgba[k + 2] = data[i];
    rgba[k + 3] = 255;
  }
  if (rgba.length !== info.width * info.height * 4) throw new Error('grey image has the wrong size');
  return { data: rgba, width: info.width, height: info.height };
}

function cornersOf(r: ReadResult): Corners {
  const p = r.position;
  return [p.topLeft, p.topRight, p.bottomRight, p.bottomLeft];
}

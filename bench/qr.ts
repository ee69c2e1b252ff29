/**
 * QR decoding: the pipeline (src/lib/qr/decoder.ts) against jsQR alone, the decoder a scanner
 * would use without this work. Fixture success counts, and per-frame decode time ('frame'
 * effort, as the phone's worker runs it) at 640×480 and 1280×720 on the fixture photos scaled
 * to those sizes and on clean printed-card frames. Ratios, not asserts.
 *
 * The worker's own costs (createImageBitmap, getImageData) are not here: the scanner recipe
 * measured them in Chromium; this is the decode step alone, in Node.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import QRCode from 'qrcode';
import sharp from 'sharp';
import type { RgbaImage } from '../src/lib/qr/decoder';
import { imageToRgba, loadZxingNode, nodeDecoder } from '../src/lib/qr/decoder-node';
import { percentile, round } from './stats';

const FIXTURES = path.resolve('test', 'fixtures', 'qr-photos');
const CARD_PAYLOAD = 'HTTP://KANBAN.LOCAL:3000/C/7K3M9Q';
const SIZES = [
  [640, 480],
  [1280, 720]
] as const;
const CARD_FRAMES = 30;

interface Sample {
  image: RgbaImage;
  text: string;
}

async function fixturePhotos(): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  for (const set of ['qrcode-1', 'qrcode-3', 'qrcode-4']) {
    const manifest = JSON.parse(readFileSync(path.join(FIXTURES, set, 'manifest.json'), 'utf8')) as { file: string; text: string }[];
    for (const { file, text } of manifest) out.push({ file: path.join(FIXTURES, set, file), text });
  }
  return out;
}

/** A photo letterboxed into a w×h frame, as a camera of that resolution would frame it. */
async function scaled(file: string, width: number, height: number): Promise<RgbaImage> {
  const png = await sharp(file).rotate().resize(width, height, { fit: 'contain', background: '#202020' }).png().toBuffer();
  return imageToRgba(png);
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * A printed card held up to the camera: a white card (code plus margin) turned a few degrees,
 * on a dim desk with a little sensor noise. The code spans about a third of the frame height.
 */
function cardFrame(width: number, height: number, seed: number): RgbaImage {
  const rnd = random(seed);
  const q = QRCode.create(CARD_PAYLOAD, { errorCorrectionLevel: 'M' });
  const n = q.modules.size,
    module = height / 3 / n;
  const angle = ((rnd() - 0.5) * 24 * Math.PI) / 180;
  const cos = Math.cos(angle),
    sin = Math.sin(angle);
  const cx = width * (0.35 + 0.3 * rnd()),
    cy = height * (0.35 + 0.3 * rnd());
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x + 0.5 - cx,
        dy = y + 0.5 - cy;
      const u = (cos * dx + sin * dy) / module + n / 2,
        v = (-sin * dx + cos * dy) / module + n / 2;
      let grey = 70 + 20 * Math.sin(x / 90) * Math.cos(y / 70);
      if (u >= -6 && v >= -6 && u < n + 6 && v < n + 10)
        grey = u >= 0 && v >= 0 && u < n && v < n && q.modules.get(Math.floor(v), Math.floor(u)) ? 35 : 215;
      grey += (rnd() - 0.5) * 16;
      const k = (y * width + x) * 4;
      data[k] = grey;
      data[k + 1] = grey;
      data[k + 2] = grey * 0.95; // warm room light
      data[k + 3] = 255;
    }
  }
  return { data, width, height };
}

interface Timing {
  read: number;
  median: number;
  p90: number;
}

async function time(samples: Sample[], decode: (image: RgbaImage) => Promise<string | null>): Promise<Timing> {
  const ms: number[] = [];
  let read = 0;
  for (const s of samples) {
    const t = performance.now();
    const text = await decode(s.image);
    ms.push(performance.now() - t);
    if (text === s.text) read++;
  }
  return { read, median: percentile(ms, 50), p90: percentile(ms, 90) };
}

export async function benchDecoder(): Promise<Record<string, number>> {
  const decoder = nodeDecoder();
  const readZxing = await loadZxingNode();
  const out: Record<string, number> = {};
  const photos = await fixturePhotos();

  // Fixture success counts at full resolution.
  let photo = 0,
    frame = 0,
    zxingAlone = 0,
    jsqrAlone = 0;
  for (const p of photos) {
    const image = await imageToRgba(p.file);
    if ((await decoder.decode(image, { effort: 'photo' })).some((r) => r.text === p.text)) photo++;
    if ((await decoder.decode(image, { effort: 'frame' })).some((r) => r.text === p.text)) frame++;
    if ((await readZxing(image, { formats: ['QRCode'] })).some((r) => r.isValid && r.text === p.text)) zxingAlone++;
    if (jsQR(image.data, image.width, image.height)?.data === p.text) jsqrAlone++;
  }
  Object.assign(out, {
    'fixtures.total': photos.length,
    'fixtures.pipeline.photo': photo,
    'fixtures.pipeline.frame': frame,
    'fixtures.zxingAlone': zxingAlone,
    'fixtures.jsqrAlone': jsqrAlone,
    'fixtures.ratio.pipelineVsJsqr': round(photo / jsqrAlone, 3)
  });

  const pipeline = async (image: RgbaImage) => (await decoder.decode(image, { effort: 'frame' }))[0]?.text ?? null;
  const jsqr = async (image: RgbaImage) => jsQR(image.data, image.width, image.height)?.data ?? null;

  for (const [width, height] of SIZES) {
    const sets: Record<string, Sample[]> = {
      photos: await Promise.all(photos.map(async (p) => ({ image: await scaled(p.file, width, height), text: p.text }))),
      cards: Array.from({ length: CARD_FRAMES }, (_, i) => ({ image: cardFrame(width, height, i + 1), text: CARD_PAYLOAD }))
    };
    // Warm both up (wasm tier-up, JIT) on frames that are not timed.
    for (const s of sets.cards.slice(0, 3)) await Promise.all([pipeline(s.image), jsqr(s.image)]);
    for (const [name, samples] of Object.entries(sets)) {
      const ours = await time(samples, pipeline);
      const base = await time(samples, jsqr);
      const key = `frame${width}x${height}.${name}`;
      Object.assign(out, {
        [`${key}.frames`]: samples.length,
        [`${key}.pipeline.read`]: ours.read,
        [`${key}.pipeline.medianMs`]: round(ours.median),
        [`${key}.pipeline.p90Ms`]: round(ours.p90),
        [`${key}.jsqr.read`]: base.read,
        [`${key}.jsqr.medianMs`]: round(base.median),
        [`${key}.jsqr.p90Ms`]: round(base.p90),
        [`${key}.ratio.medianVsJsqr`]: round(ours.median / base.median, 3),
        [`${key}.ratio.p90VsJsqr`]: round(ours.p90 / base.p90, 3)
      });
    }
  }
  return out;
}

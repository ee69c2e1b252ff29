/**
 * QR decoding pipeline, the same in Node (tests, wall photos on the server) and in the
 * browser's scan worker. Only the way zxing-wasm is loaded differs, so the loader is injected
 * (`decoder-node.ts`, `scan.worker.ts`); nothing here touches the file system or the network.
 *
 * Invariants:
 * - A text is returned only if a decoder's error correction accepted it: zxing results with
 *   `isValid`, or a jsQR result. Image variants change what the decoders see, never what they
 *   accept, so they cannot make up a text.
 * - zxing is asked first in every pass and jsQR only when zxing found nothing there: where they
 *   could disagree (character sets), zxing's answer is the one that comes out.
 * - Corners are in the coordinates of the image passed to `decode`, whatever variant found them,
 *   in the code's own orientation: top-left, top-right, bottom-right, bottom-left.
 *
 * Measured on the 110 real photos in test/fixtures/qr-photos: zxing alone and jsQR alone read
 * 100 each (the same 100); the 10 others are codes printed on fabric whose creases bend the
 * module grid. zxing still locates them but fails the checksum, so `regrid` re-samples the grid
 * with a few movable control points and hands zxing a clean redrawn symbol: that reads all 10.
 */
import jsQR from 'jsqr';
import type { ReaderOptions, ReadResult } from 'zxing-wasm/reader';

export interface Point {
  x: number;
  y: number;
}
/** top-left, top-right, bottom-right, bottom-left (the code's orientation, not the image's). */
export type Corners = [Point, Point, Point, Point];

export interface RgbaImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export type Engine = 'zxing' | 'jsqr';
/**
 * `frame`: one video frame of many (about 10 a second); a miss costs only 100 ms, so stay cheap.
 * `photo`: a single still (upload, test, wall photo); worth trying image variants.
 */
export type Effort = 'frame' | 'photo';

export interface DecodeResult {
  text: string;
  engine: Engine;
  /** Which pass found it, e.g. `original`, `regrid`, `stretch`, `half+regrid`: for tuning. */
  variant: string;
  corners: Corners;
}

export interface DecodeOptions {
  /** Find every code in the image (wall photos) instead of stopping at the first. */
  multi?: boolean;
  effort?: Effort;
}

/** zxing-wasm's `readBarcodes`, bound to a prepared module by the environment's loader. */
export type ReadBarcodes = (image: RgbaImage, options: ReaderOptions) => Promise<ReadResult[]>;

export interface DecoderDeps {
  /** Called once, at creation, so the wasm compiles while the caller does other work. */
  loadZxing: () => Promise<ReadBarcodes>;
}

export interface Decoder {
  decode(image: RgbaImage, options?: DecodeOptions): Promise<DecodeResult[]>;
  /** true once zxing is usable; false if it failed to load (the decoder then uses jsQR only). */
  readonly zxingReady: Promise<boolean>;
}

/** A grey image plus the map from its pixel coordinates back to the caller's image. */
interface Plane {
  grey: Uint8Array;
  width: number;
  height: number;
  name: string;
  toSource: (p: Point) => Point;
}

const identity = (p: Point): Point => ({ x: p.x, y: p.y });

export function createDecoder(deps: DecoderDeps): Decoder {
  const zxing: Promise<ReadBarcodes | null> = deps.loadZxing().catch(() => null);
  const zxingReady = zxing.then((z) => z !== null);

  async function decode(image: RgbaImage, options: DecodeOptions = {}): Promise<DecodeResult[]> {
    checkImage(image);
    const multi = options.multi ?? false;
    const effort = options.effort ?? 'photo';
    const read = await zxing;
    const found = new Results(multi);
    const original = originalPlane(image);

    // Pass 1 on the caller's pixels as they are (zxing reads RGBA itself, no copy needed).
    if (read) await zxingPass(read, original, image, found, effort === 'photo' ? REGRID_PHOTO : REGRID_FRAME, multi);
    if (found.done) return found.list;

    if (effort === 'frame') {
      // jsQR on full-size noisy frames with no code costs 200+ ms (scanner recipe); half size
      // reads the codes a phone frames for scanning in a few ms.
      const small = original.width >= 2 * JSQR_MIN_SIDE && original.height >= 2 * JSQR_MIN_SIDE ? half(original) : original;
      jsqrPass(small, found, 'dontInvert');
      return found.list;
    }

    jsqrPass(original.width * original.height > JSQR_MAX_PIXELS ? half(original) : original, found, 'attemptBoth');
    if (found.done) return found.list;

    for (const make of PHOTO_VARIANTS) {
      const plane = make(original);
      if (!plane) continue;
      if (read) await zxingPass(read, plane, planeToRgba(plane), found, REGRID_PHOTO, multi);
      if (found.done) break;
    }
    return found.list;
  }

  return { decode, zxingReady };
}

/** The grey copy is made on first use: a frame that zxing reads at once never needs it. */
function originalPlane(image: RgbaImage): Plane {
  let grey: Uint8Array | undefined;
  return {
    get grey() {
      return (grey ??= toGrey(image));
    },
    width: image.width,
    height: image.height,
    name: 'original',
    toSource: identity
  };
}

function checkImage(image: RgbaImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0)
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  // zxing reads width*height*4 bytes whatever the buffer holds: a short buffer makes the wasm
  // read out of bounds, so refuse it here rather than crash there.
  if (data.length !== width * height * 4)
    throw new RangeError(`expected ${width * height * 4} bytes of RGBA for ${width}x${height}, got ${data.length}`);
}

/** Collects results, one per code: a second find of the same text at the same place is dropped. */
class Results {
  readonly list: DecodeResult[] = [];
  constructor(private readonly multi: boolean) {}

  get done(): boolean {
    return !this.multi && this.list.length > 0;
  }

  add(r: DecodeResult): void {
    if (this.done) return;
    const c = centre(r.corners);
    const same = this.list.some((o) => o.text === r.text && distance(centre(o.corners), c) < diagonal(o.corners) / 2);
    if (!same) this.list.push(r);
  }

  /** Whether some result already covers this point (a failed candidate zxing also read). */
  covers(p: Point): boolean {
    return this.list.some((o) => distance(centre(o.corners), p) < diagonal(o.corners) / 2);
  }
}

// ---------------------------------------------------------------------------------------------
// zxing

/** Plain QR (Model 2) only: Micro QR and rMQR have weak error correction and no use here. */
const ZXING_BASE: ReaderOptions = { formats: ['QRCodeModel2'], returnErrors: true };

interface RegridPlan {
  /** Control-point grids to try, coarse first (see `regrid`). */
  grids: number[];
}
// Measured on the fixture photos: a 3×3 control grid reads all 10 creased codes; finer grids are
// a second chance for 'photo' only (each try is a few ms at version 3).
const REGRID_FRAME: RegridPlan = { grids: [2] };
const REGRID_PHOTO: RegridPlan = { grids: [2, 3, 4] };
/** Above this, the grid is fine enough for zxing's own sampler, and regrid's cost grows as n². */
const REGRID_MAX_VERSION = 10;

async function zxingPass(
  read: ReadBarcodes,
  plane: Plane,
  rgba: RgbaImage,
  found: Results,
  plan: RegridPlan,
  multi: boolean
): Promise<void> {
  const results = await read(rgba, { ...ZXING_BASE, maxNumberOfSymbols: multi ? 255 : 4 });
  const failed: ReadResult[] = [];
  for (const r of results) {
    if (r.isValid) found.add({ text: r.text, engine: 'zxing', variant: plane.name, corners: mapCorners(zxingCorners(r), plane) });
    else failed.push(r);
  }
  for (const r of failed) {
    if (found.done) return;
    const version = symbolVersion(r);
    const corners = zxingCorners(r);
    if (version === null || version > REGRID_MAX_VERSION || found.covers(plane.toSource(centre(corners)))) continue;
    const grey = r.isInverted ? invertGrey(plane.grey) : plane.grey;
    for (const k of plan.grids) {
      const symbol = regrid({ ...plane, grey }, corners, version, k);
      const hit = (await read(renderSymbol(symbol), REDRAWN_OPTIONS)).find((x) => x.isValid);
      if (hit) {
        found.add({ text: hit.text, engine: 'zxing', variant: joinName(plane.name, 'regrid'), corners: mapCorners(corners, plane) });
        break;
      }
    }
  }
}

/** The redrawn symbol is upright, clean and has a quiet zone: skip zxing's extra searches. */
const REDRAWN_OPTIONS: ReaderOptions = {
  formats: ['QRCodeModel2'],
  maxNumberOfSymbols: 1,
  tryHarder: false,
  tryRotate: false,
  tryInvert: false,
  tryDownscale: false
};

function zxingCorners(r: ReadResult): Corners {
  const p = r.position;
  return [p.topLeft, p.topRight, p.bottomRight, p.bottomLeft];
}

/** The QR version zxing read from a symbol it could not decode (Micro QR's "M3" gives null). */
function symbolVersion(r: ReadResult): number | null {
  try {
    const v = Number((JSON.parse(r.extra) as { Version?: unknown }).Version);
    return Number.isInteger(v) && v >= 1 && v <= 40 ? v : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// jsQR

/** jsQR gives up below about this many pixels across a version 2–3 code. */
const JSQR_MIN_SIDE = 200;
/** jsQR's cost grows steeply with size and noise (1.2 s on a noisy 720p frame); cap it. */
const JSQR_MAX_PIXELS = 1_000_000;

function jsqrPass(plane: Plane, found: Results, inversion: 'dontInvert' | 'attemptBoth'): void {
  const rgba = planeToRgba(plane);
  const q = jsQR(rgba.data, rgba.width, rgba.height, { inversionAttempts: inversion });
  if (!q) return;
  const l = q.location;
  const corners: Corners = [l.topLeftCorner, l.topRightCorner, l.bottomRightCorner, l.bottomLeftCorner];
  // jsQR now and then "reads" noise: seen as an empty text on a sliver of a quad.
  if (q.data === '' || !plausibleQuad(corners)) return;
  found.add({ text: q.data, engine: 'jsqr', variant: plane.name, corners: mapCorners(corners, plane) });
}

/** Convex, and no side under a quarter of the longest: a QR code seen at a sane angle. */
function plausibleQuad(c: Corners): boolean {
  let sign = 0;
  const sides: number[] = [];
  for (let i = 0; i < 4; i++) {
    const a = c[i],
      b = c[(i + 1) % 4],
      d = c[(i + 2) % 4];
    const cross = (b.x - a.x) * (d.y - b.y) - (b.y - a.y) * (d.x - b.x);
    if (cross === 0 || (sign !== 0 && Math.sign(cross) !== sign)) return false;
    sign = Math.sign(cross);
    sides.push(distance(a, b));
  }
  return Math.min(...sides) * 4 >= Math.max(...sides);
}

// ---------------------------------------------------------------------------------------------
// Image variants ('photo' effort, after both engines failed on the original)

type Variant = (original: Plane) => Plane | null;

/** Halving a smaller image leaves a hand-held code too few pixels per module. */
const HALF_MIN_SIDE = 400;

/**
 * Measured on 60 synthetic frames (codes of 2–4 px per module, blur up to 0.8 module, contrast
 * down to 30%, noise, uneven light; 640–2000 px wide), zxing alone reads 29: sharpen adds 6,
 * half 2, stretch 2, all together 8. `double` adds none there but reads one fixture photo that
 * regrid also reads. A global threshold added nothing and made jsQR crawl; inversion is covered
 * by zxing's tryInvert and jsQR's attemptBoth. jsQR is not run on variants: sharpening boosts
 * noise, and noise is what makes jsQR slow.
 */
const PHOTO_VARIANTS: Variant[] = [
  (p) => ({ ...p, grey: unsharp(p.grey, p.width, p.height, 2, 1.5), name: 'sharpen' }),
  (p) => (p.width >= HALF_MIN_SIDE && p.height >= HALF_MIN_SIDE ? half(p) : null),
  (p) => ({ ...p, grey: stretchContrast(p.grey), name: 'stretch' }),
  (p) => (Math.max(p.width, p.height) <= 1000 ? double(p) : null)
];

function joinName(a: string, b: string): string {
  return a === 'original' ? b : `${a}+${b}`;
}

function mapCorners(c: Corners, plane: Plane): Corners {
  return [plane.toSource(c[0]), plane.toSource(c[1]), plane.toSource(c[2]), plane.toSource(c[3])];
}

/** The same weights zxing-wasm uses for its own RGBA → grey step. */
function toGrey({ data, width, height }: RgbaImage): Uint8Array {
  const grey = new Uint8Array(width * height);
  for (let i = 0, k = 0; i < grey.length; i++, k += 4) grey[i] = (306 * data[k] + 601 * data[k + 1] + 117 * data[k + 2] + 512) >> 10;
  return grey;
}

function planeToRgba(plane: Plane): RgbaImage {
  const { grey, width, height } = plane;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, k = 0; i < grey.length; i++, k += 4) {
    data[k] = data[k + 1] = data[k + 2] = grey[i];
    data[k + 3] = 255;
  }
  return { data, width, height };
}

/** Half size by 2×2 averaging (also smooths sensor noise, which is what helps jsQR). */
function half(p: Plane): Plane {
  const width = p.width >> 1,
    height = p.height >> 1,
    src = p.grey,
    w = p.width;
  const grey = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const r0 = 2 * y * w,
      r1 = r0 + w;
    for (let x = 0; x < width; x++) {
      const c = 2 * x;
      grey[y * width + x] = (src[r0 + c] + src[r0 + c + 1] + src[r1 + c] + src[r1 + c + 1] + 2) >> 2;
    }
  }
  return { grey, width, height, name: joinName(p.name, 'half'), toSource: (q) => p.toSource({ x: q.x * 2, y: q.y * 2 }) };
}

/** Double size, bilinear: gives the detectors more pixels per module on small codes. */
function double(p: Plane): Plane {
  const width = p.width * 2,
    height = p.height * 2,
    src = p.grey,
    w = p.width,
    h = p.height;
  const grey = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) / 2 - 0.5),
      y0 = Math.min(h - 1, Math.floor(fy)),
      y1 = Math.min(h - 1, y0 + 1),
      ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, (x + 0.5) / 2 - 0.5),
        x0 = Math.min(w - 1, Math.floor(fx)),
        x1 = Math.min(w - 1, x0 + 1),
        tx = fx - x0;
      const top = src[y0 * w + x0] * (1 - tx) + src[y0 * w + x1] * tx;
      const bottom = src[y1 * w + x0] * (1 - tx) + src[y1 * w + x1] * tx;
      grey[y * width + x] = top * (1 - ty) + bottom * ty + 0.5;
    }
  }
  return { grey, width, height, name: joinName(p.name, 'double'), toSource: (q) => p.toSource({ x: q.x / 2, y: q.y / 2 }) };
}

function invertGrey(grey: Uint8Array): Uint8Array {
  const out = new Uint8Array(grey.length);
  for (let i = 0; i < grey.length; i++) out[i] = 255 - grey[i];
  return out;
}

/** Maps the 1st–99th percentile to 0–255: lifts dim, low-contrast shots. */
function stretchContrast(grey: Uint8Array): Uint8Array {
  const hist = histogram(grey),
    n = grey.length;
  let lo = 0,
    hi = 255;
  for (let i = 0, c = 0; i < 256; i++)
    if ((c += hist[i]) >= n * 0.01) {
      lo = i;
      break;
    }
  for (let i = 255, c = 0; i >= 0; i--)
    if ((c += hist[i]) >= n * 0.01) {
      hi = i;
      break;
    }
  const out = new Uint8Array(n);
  if (hi <= lo) return out.fill(grey[0] ?? 0);
  const s = 255 / (hi - lo);
  for (let i = 0; i < n; i++) out[i] = Math.min(255, Math.max(0, (grey[i] - lo) * s));
  return out;
}

function histogram(grey: Uint8Array): Uint32Array {
  const hist = new Uint32Array(256);
  for (let i = 0; i < grey.length; i++) hist[grey[i]]++;
  return hist;
}

/** Separable box blur of radius r (edges clamp the window). */
function boxBlur(grey: Uint8Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h),
    out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const a = Math.max(0, x - r),
        b = Math.min(w - 1, x + r);
      let s = 0;
      for (let k = a; k <= b; k++) s += grey[row + k];
      tmp[row + x] = s / (b - a + 1);
    }
  }
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      const a = Math.max(0, y - r),
        b = Math.min(h - 1, y + r);
      let s = 0;
      for (let k = a; k <= b; k++) s += tmp[k * w + x];
      out[y * w + x] = s / (b - a + 1);
    }
  }
  return out;
}

/** Unsharp mask: the wall-photo recipe's big lever for slightly soft phone photos. */
function unsharp(grey: Uint8Array, w: number, h: number, r: number, amount: number): Uint8Array {
  const blur = boxBlur(grey, w, h, r);
  const out = new Uint8Array(grey.length);
  for (let i = 0; i < grey.length; i++) out[i] = Math.min(255, Math.max(0, grey[i] + amount * (grey[i] - blur[i])));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Regrid: re-sample a located but unreadable symbol on a bendable grid

interface ModuleGrid {
  size: number;
  /** row-major, 1 = dark */
  modules: Uint8Array;
}

/**
 * zxing samples a symbol through one perspective transform from its corners, so a crease that
 * shifts part of the grid by half a module breaks the checksum. Here the transform is bent by a
 * (k+1)×(k+1) grid of control points, each moved (coordinate descent, a few passes) to where the
 * sampled modules are most decisively dark or light, and where the modules every QR code has
 * (finder, timing and alignment patterns) come out right: those anchor the grid so it cannot
 * slide by a whole module. The result is only a guess at the modules; zxing's error correction
 * decides whether it reads.
 */
function regrid(plane: Plane, corners: Corners, version: number, k: number): ModuleGrid {
  const n = 17 + 4 * version;
  const { grey, width, height } = plane;
  const known = knownModules(version);
  const project = squareToQuad(corners);
  const base: Point[] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) base.push(project((c + 0.5) / n, (r + 0.5) / n));
  const sample = (p: Point) => bilinear(grey, width, height, p.x, p.y);

  // Threshold halfway between the known dark and light modules, as first sampled.
  let dark = 0,
    darkN = 0,
    light = 0,
    lightN = 0;
  for (let i = 0; i < n * n; i++) {
    if (known[i] === 1) {
      dark += sample(base[i]);
      darkN++;
    } else if (known[i] === 0) {
      light += sample(base[i]);
      lightN++;
    }
  }
  const threshold = (dark / darkN + light / lightN) / 2;

  const side = k + 1;
  const dx = new Float64Array(side * side),
    dy = new Float64Array(side * side);
  // Each module's offset is the bilinear blend of its cell's four control points.
  const cellOf = (i: number) => {
    const u = (((i % n) + 0.5) / n) * k,
      v = ((Math.floor(i / n) + 0.5) / n) * k;
    const u0 = Math.min(k - 1, Math.floor(u)),
      v0 = Math.min(k - 1, Math.floor(v));
    return { j: v0 * side + u0, tu: u - u0, tv: v - v0 };
  };
  const cells = Array.from({ length: n * n }, (_, i) => cellOf(i));
  const position = (i: number): Point => {
    const { j, tu, tv } = cells[i];
    const w00 = (1 - tu) * (1 - tv),
      w10 = tu * (1 - tv),
      w01 = (1 - tu) * tv,
      w11 = tu * tv;
    return {
      x: base[i].x + dx[j] * w00 + dx[j + 1] * w10 + dx[j + side] * w01 + dx[j + side + 1] * w11,
      y: base[i].y + dy[j] * w00 + dy[j + 1] * w10 + dy[j + side] * w01 + dy[j + side + 1] * w11
    };
  };
  const score = (modules: number[]) => {
    let s = 0;
    for (const i of modules) {
      const v = sample(position(i)) - threshold;
      // Known modules count double and are signed: a wrong colour there costs.
      s += known[i] === -1 ? Math.abs(v) : known[i] === 1 ? -2 * v : 2 * v;
    }
    return s;
  };
  const touched: number[][] = Array.from({ length: side * side }, () => []);
  for (let i = 0; i < n * n; i++) {
    const { j } = cells[i];
    for (const k of [j, j + 1, j + side, j + side + 1]) touched[k].push(i);
  }

  // Search up to half a module each way, in eighths of a module.
  const moduleSize = diagonal(corners) / Math.SQRT2 / n;
  const step = moduleSize / 8,
    reach = 4;
  for (let pass = 0; pass < 3; pass++) {
    for (let j = 0; j < side * side; j++) {
      const x0 = dx[j],
        y0 = dy[j];
      let best = score(touched[j]),
        bx = x0,
        by = y0;
      for (let a = -reach; a <= reach; a++) {
        for (let b = -reach; b <= reach; b++) {
          if (a === 0 && b === 0) continue;
          dx[j] = x0 + a * step;
          dy[j] = y0 + b * step;
          const s = score(touched[j]);
          if (s > best) [best, bx, by] = [s, dx[j], dy[j]];
        }
      }
      dx[j] = bx;
      dy[j] = by;
    }
  }
  const modules = new Uint8Array(n * n);
  for (let i = 0; i < n * n; i++) modules[i] = sample(position(i)) < threshold ? 1 : 0;
  return { size: n, modules };
}

/** 1 dark, 0 light, -1 data: finder patterns with separators, timing, one alignment, dark module. */
function knownModules(version: number): Int8Array {
  const n = 17 + 4 * version;
  const known = new Int8Array(n * n).fill(-1);
  const set = (r: number, c: number, dark: boolean) => {
    if (r >= 0 && c >= 0 && r < n && c < n) known[r * n + c] = dark ? 1 : 0;
  };
  for (const [r0, c0] of [
    [0, 0],
    [0, n - 7],
    [n - 7, 0]
  ]) {
    for (let r = -1; r <= 7; r++) {
      for (let c = -1; c <= 7; c++) {
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3)); // 0..3 inside, 4 = separator
        set(r0 + r, c0 + c, ring !== 2 && ring !== 4);
      }
    }
  }
  for (let i = 8; i < n - 8; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  // Every version from 2 on has an alignment pattern centred 7 modules in from the bottom right
  // (larger versions have more, left as data here).
  if (version >= 2) {
    for (let r = -2; r <= 2; r++) for (let c = -2; c <= 2; c++) set(n - 7 + r, n - 7 + c, Math.max(Math.abs(r), Math.abs(c)) !== 1);
  }
  set(n - 8, 8, true);
  return known;
}

/** Draws a symbol at 4 px per module with a 4-module quiet zone. */
function renderSymbol({ size, modules }: ModuleGrid): RgbaImage {
  const m = 4,
    quiet = 4,
    side = (size + 2 * quiet) * m;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (!modules[r * size + c]) continue;
      for (let y = 0; y < m; y++) {
        const row = ((r + quiet) * m + y) * side;
        for (let x = 0; x < m; x++) {
          const k = (row + (c + quiet) * m + x) * 4;
          data[k] = data[k + 1] = data[k + 2] = 0;
        }
      }
    }
  }
  return { data, width: side, height: side };
}

/** The perspective map from the unit square (u right, v down) onto the corners. */
function squareToQuad([p0, p1, p2, p3]: Corners): (u: number, v: number) => Point {
  const dx1 = p1.x - p2.x,
    dx2 = p3.x - p2.x,
    dx3 = p0.x - p1.x + p2.x - p3.x;
  const dy1 = p1.y - p2.y,
    dy2 = p3.y - p2.y,
    dy3 = p0.y - p1.y + p2.y - p3.y;
  const den = dx1 * dy2 - dx2 * dy1;
  const g = den === 0 ? 0 : (dx3 * dy2 - dx2 * dy3) / den;
  const h = den === 0 ? 0 : (dx1 * dy3 - dx3 * dy1) / den;
  const a = p1.x - p0.x + g * p1.x,
    b = p3.x - p0.x + h * p3.x,
    c = p0.x;
  const d = p1.y - p0.y + g * p1.y,
    e = p3.y - p0.y + h * p3.y,
    f = p0.y;
  return (u, v) => {
    const z = g * u + h * v + 1;
    return { x: (a * u + b * v + c) / z, y: (d * u + e * v + f) / z };
  };
}

function bilinear(grey: Uint8Array, w: number, h: number, x: number, y: number): number {
  const cx = Math.min(w - 1.001, Math.max(0, x)),
    cy = Math.min(h - 1.001, Math.max(0, y));
  const x0 = Math.floor(cx),
    y0 = Math.floor(cy),
    tx = cx - x0,
    ty = cy - y0,
    i = y0 * w + x0;
  const top = grey[i] + (grey[i + 1] - grey[i]) * tx;
  const bottom = grey[i + w] + (grey[i + w + 1] - grey[i + w]) * tx;
  return top + (bottom - top) * ty;
}

function centre(c: Corners): Point {
  return { x: (c[0].x + c[1].x + c[2].x + c[3].x) / 4, y: (c[0].y + c[1].y + c[2].y + c[3].y) / 4 };
}

function diagonal(c: Corners): number {
  return Math.max(distance(c[0], c[2]), distance(c[1], c[3]));
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

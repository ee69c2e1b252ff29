/**
 * Writes .y4m clips for Chromium's fake camera (`--use-file-for-fake-video-capture=<file>`)
 * without ffmpeg: a plain wall, and in some segments a printed QR code (a white card with its
 * quiet zone, turned a few degrees) in the middle of the frame. Chromium plays the file at its
 * frame rate from the moment the camera opens, and loops it.
 *
 * Format: `YUV4MPEG2 W H F<fps>:1 Ip A1:1 C420jpeg`, then per frame `FRAME\n`, the Y plane
 * (W×H bytes) and the U and V planes ((W/2)×(H/2) bytes each, 128 = no colour).
 */
import fs from 'node:fs/promises';
import QRCode from 'qrcode';

export interface ClipSegment {
  seconds: number;
  /** The QR payload shown in this segment; none shows the bare wall. */
  qr?: string;
}

export interface ClipOptions {
  width?: number;
  height?: number;
  fps?: number;
  /** How far the card is turned, in degrees. */
  angle?: number;
}

/** The clip's frame count per segment, so a test can reason about what plays when. */
export function segmentFrames(segments: readonly ClipSegment[], fps: number): number[] {
  return segments.map((s) => Math.max(1, Math.round(s.seconds * fps)));
}

export async function writeClip(file: string, segments: readonly ClipSegment[], options: ClipOptions = {}): Promise<void> {
  const { width = 640, height = 480, fps = 10, angle = 6 } = options;
  if (width % 2 || height % 2) throw new RangeError('4:2:0 needs an even width and height');
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frames = segmentFrames(segments, fps);
  const rendered = new Map<string, Buffer>();
  const out = await fs.open(file, 'w');
  try {
    await out.write(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    for (const [i, segment] of segments.entries()) {
      const key = segment.qr ?? '';
      let luma = rendered.get(key);
      if (!luma) rendered.set(key, (luma = renderLuma(width, height, segment.qr, angle)));
      const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
      for (let f = 0; f < frames[i]; f++) await out.write(frame);
    }
  } finally {
    await out.close();
  }
}

/** The wall (a soft gradient, as under room light) with the card drawn on it. */
function renderLuma(width: number, height: number, text: string | undefined, angleDeg: number): Buffer {
  const y = Buffer.alloc(width * height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) y[row * width + col] = 150 + Math.round(25 * (col / width) - 15 * (row / height));
  }
  if (text === undefined) return y;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 3;
  // The code takes about half the frame height: a card held at a comfortable distance.
  const module = (height * 0.5) / n;
  const angle = (angleDeg * Math.PI) / 180;
  const cos = Math.cos(angle),
    sin = Math.sin(angle);
  const cx = width / 2,
    cy = height / 2;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const dx = col + 0.5 - cx,
        dy = row + 0.5 - cy;
      const u = (cos * dx + sin * dy) / module + n / 2;
      const v = (-sin * dx + cos * dy) / module + n / 2;
      if (u < -quiet || v < -quiet || u >= n + quiet || v >= n + quiet) continue;
      const dark = u >= 0 && v >= 0 && u < n && v < n && qr.modules.get(Math.floor(v), Math.floor(u));
      y[row * width + col] = dark ? 28 : 228;
    }
  }
  return y;
}

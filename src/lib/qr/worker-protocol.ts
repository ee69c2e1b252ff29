/**
 * Messages between the scanner page and `scan.worker.ts`. The page transfers each frame as an
 * ImageBitmap (no copy, and the pixel readback happens in the worker, off the UI thread); the
 * worker closes it. Keep one frame in flight: send the next after the previous `result`.
 */
import type { DecodeResult, Effort } from './decoder';

export interface ScanRequest {
  type: 'scan';
  /** Echoed in the result, so the page can drop answers to frames it no longer cares about. */
  id: number;
  bitmap: ImageBitmap;
  /** Default 'frame'. */
  effort?: Effort;
  multi?: boolean;
}

export type ToWorker = ScanRequest;

export type FromWorker =
  /** zxing is compiled and warm; sent once, usually while the camera is still opening. */
  | { type: 'ready'; initMs: number }
  /** zxing could not load (say, the wasm was blocked); the worker goes on with jsQR alone. */
  | { type: 'degraded'; message: string }
  | { type: 'result'; id: number; results: DecodeResult[]; ms: number }
  /** The frame could not be decoded at all (not "no code found": that is an empty result). */
  | { type: 'failed'; id: number; message: string };

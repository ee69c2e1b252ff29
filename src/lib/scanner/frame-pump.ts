/**
 * Feeds video frames to the decoding worker: at most one frame in flight and at most one
 * every `intervalMs`, so a slow phone decodes fewer frames instead of falling behind, and the
 * page never waits on a decode. Frames go over as ImageBitmaps (transferred, not copied; the
 * pixel readback happens in the worker), scheduled by requestVideoFrameCallback where the
 * browser has it, so only frames the camera actually delivered are sent.
 */
import { assertNever } from '../domain/events';
import type { DecodeResult } from '../qr/decoder';
import type { FromWorker, ToWorker } from '../qr/worker-protocol';

export interface FrameResult {
  results: DecodeResult[];
  /** Size of the decoded frame (the video's own pixels): corners are in these units. */
  width: number;
  height: number;
}

export type DecoderState = 'loading' | 'ready' | 'degraded';

const STALLED_MS = 3_000;

export interface FramePumpOptions {
  onResult: (r: FrameResult) => void;
  onDecoder: (state: DecoderState) => void;
  intervalMs?: number;
}

export class FramePump {
  readonly #worker: Worker;
  readonly #opts: FramePumpOptions;
  #video: HTMLVideoElement | null = null;
  #handle: { kind: 'video' | 'animation'; id: number } | null = null;
  #busy = false;
  #sentAt = 0;
  #last = -Infinity;
  #id = 0;
  /** Frame size per request id, for the answer. */
  #sizes = new Map<number, { width: number; height: number }>();

  constructor(worker: Worker, opts: FramePumpOptions) {
    this.#worker = worker;
    this.#opts = opts;
    // Set before anything else: 'ready' can arrive before the camera opens.
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.#message(e.data);
  }

  attach(video: HTMLVideoElement): void {
    this.detach();
    this.#video = video;
    this.#schedule();
  }

  detach(): void {
    const video = this.#video;
    this.#video = null;
    const handle = this.#handle;
    this.#handle = null;
    if (!video || !handle) return;
    if (handle.kind === 'video') video.cancelVideoFrameCallback(handle.id);
    else cancelAnimationFrame(handle.id);
  }

  dispose(): void {
    this.detach();
    this.#worker.terminate();
  }

  #schedule(): void {
    const video = this.#video;
    if (!video) return;
    this.#handle =
      'requestVideoFrameCallback' in HTMLVideoElement.prototype
        ? { kind: 'video', id: video.requestVideoFrameCallback((now) => void this.#tick(now)) }
        : { kind: 'animation', id: requestAnimationFrame((now) => void this.#tick(now)) };
  }

  async #tick(now: number): Promise<void> {
    const video = this.#video;
    if (!video) return;
    // A frame the worker never answered (it crashed, or the message was lost) must not stop
    // scanning for good.
    if (this.#busy && now - this.#sentAt > STALLED_MS) this.#busy = false;
    // -5 ms: frame callbacks jitter, and a 10 fps camera should not drop to every other frame.
    if (!this.#busy && now - this.#last >= (this.#opts.intervalMs ?? 100) - 5 && video.videoWidth > 0) {
      this.#busy = true;
      this.#last = now;
      this.#sentAt = now;
      try {
        const bitmap = await createImageBitmap(video);
        const id = ++this.#id;
        this.#sizes.set(id, { width: bitmap.width, height: bitmap.height });
        const message: ToWorker = { type: 'scan', id, bitmap, effort: 'frame' };
        this.#worker.postMessage(message, [bitmap]);
      } catch {
        this.#busy = false;
      }
    }
    this.#schedule();
  }

  #message(m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        return this.#opts.onDecoder('ready');
      case 'degraded':
        return this.#opts.onDecoder('degraded');
      case 'result':
      case 'failed': {
        this.#busy = false;
        const size = this.#sizes.get(m.id);
        this.#sizes.delete(m.id);
        if (m.type === 'result' && size && this.#video) this.#opts.onResult({ results: m.results, ...size });
        return;
      }
      default:
        return assertNever(m);
    }
  }
}

/**
 * Decodes wall photos in a worker thread (decode-worker.ts), so that neither the seconds of
 * CPU a 12 MP photo takes nor a fault in zxing's WebAssembly can stall or take down the server.
 *
 * - One worker, one photo at a time (decoding is CPU-bound; two at once would only halve each),
 *   and at most `maxWaiting` uploads queued behind it; more are refused as busy rather than
 *   held in memory.
 * - A photo that takes longer than `timeoutMs` ends its worker (terminate stops even a wasm
 *   loop); a worker that fails inside zxing or exits is replaced too. The next photo starts a
 *   fresh one.
 * - An idle worker is ended after `idleMs`: zxing's wasm memory only ever grows (a 40 MP
 *   photo leaves hundreds of MB behind), and starting a worker costs well under a second.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ROOT } from '../paths';
import type { DecodedPhoto } from './passes';
import type { DecodeReply, DecodeRequest } from './worker-protocol';

export type DecodeErrorReason = 'unreadable' | 'timeout' | 'crashed' | 'busy';

export class DecodeError extends Error {
  constructor(
    readonly reason: DecodeErrorReason,
    message: string
  ) {
    super(message);
  }
}

export interface DecoderOptions {
  timeoutMs?: number;
  idleMs?: number;
  maxWaiting?: number;
  /** The worker module (a TypeScript file); tests swap in workers that misbehave on purpose. */
  workerFile?: string;
}

const BOOTSTRAP = path.join(ROOT, 'server', 'wall', 'worker-bootstrap.mjs');
const WORKER = path.join(ROOT, 'server', 'wall', 'decode-worker.ts');

interface Job {
  request: DecodeRequest;
  resolve: (photo: DecodedPhoto) => void;
  reject: (err: DecodeError) => void;
}

export class WallDecoder {
  readonly #timeoutMs: number;
  readonly #idleMs: number;
  readonly #maxWaiting: number;
  readonly #workerFile: string;
  #worker: Worker | null = null;
  #current: Job | null = null;
  readonly #waiting: Job[] = [];
  #timer: NodeJS.Timeout | null = null;
  #idle: NodeJS.Timeout | null = null;
  #nextId = 1;

  constructor(options: DecoderOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#idleMs = options.idleMs ?? 60_000;
    this.#maxWaiting = options.maxWaiting ?? 3;
    this.#workerFile = options.workerFile ?? WORKER;
  }

  /** Decodes one photo; the bytes are handed to the worker (the caller must not reuse them). */
  decode(image: Uint8Array, maxPixels: number): Promise<DecodedPhoto> {
    if (this.#current && this.#waiting.length >= this.#maxWaiting) {
      return Promise.reject(new DecodeError('busy', 'Other photos are being read; try again in a moment'));
    }
    return new Promise((resolve, reject) => {
      this.#waiting.push({ request: { id: this.#nextId++, image, maxPixels }, resolve, reject });
      this.#pump();
    });
  }

  /** Ends the worker; queued photos fail as crashed. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    this.#fail(new DecodeError('crashed', 'The decoder was closed'));
    for (const job of this.#waiting.splice(0)) job.reject(new DecodeError('crashed', 'The decoder was closed'));
    if (this.#idle) clearTimeout(this.#idle);
    if (worker) await worker.terminate();
  }

  #pump(): void {
    if (this.#current) return;
    const job = this.#waiting.shift();
    if (this.#idle) clearTimeout(this.#idle);
    if (!job) {
      this.#idle = setTimeout(() => this.#stop(), this.#idleMs);
      this.#idle.unref();
      return;
    }
    this.#current = job;
    const worker = this.#start();
    this.#timer = setTimeout(() => {
      this.#fail(new DecodeError('timeout', `Reading the photo took longer than ${Math.round(this.#timeoutMs / 1000)} s`));
      this.#stop();
      this.#pump();
    }, this.#timeoutMs);
    const bytes = job.request.image;
    // Transfer when the view owns its whole buffer; a view into a larger (pooled) buffer is copied.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    worker.postMessage(job.request, own ? [bytes.buffer as ArrayBuffer] : []);
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    // No inherited Node options: the server's own (an --input-type, a test runner's loader) can
    // keep the worker from starting, and the bootstrap brings the one loader it needs.
    const worker = new Worker(BOOTSTRAP, { workerData: { entry: pathToFileURL(this.#workerFile).href }, execArgv: [] });
    // Never keeps the process alive on its own: a server shutting down does not wait for it.
    worker.unref();
    worker.on('message', (reply: DecodeReply) => this.#reply(reply));
    worker.on('error', (err) => this.#lost(worker, `The decoder failed: ${err.message}`));
    worker.on('exit', (code) => this.#lost(worker, `The decoder stopped (exit code ${code})`));
    this.#worker = worker;
    return worker;
  }

  #reply(reply: DecodeReply): void {
    const job = this.#current;
    if (!job || job.request.id !== reply.id) return;
    this.#clearJob();
    if (reply.ok) {
      job.resolve(reply.photo);
    } else if (reply.failure === 'image') {
      job.reject(new DecodeError('unreadable', reply.message));
    } else {
      // zxing's wasm may be left in a bad state: start over with a fresh worker.
      job.reject(new DecodeError('crashed', reply.message));
      this.#stop();
    }
    this.#pump();
  }

  /** The worker died: fail its job, forget it, go on with the next photo in a new one. */
  #lost(worker: Worker, message: string): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    this.#fail(new DecodeError('crashed', message));
    this.#pump();
  }

  #fail(err: DecodeError): void {
    const job = this.#current;
    this.#clearJob();
    job?.reject(err);
  }

  #clearJob(): void {
    this.#current = null;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #stop(): void {
    const worker = this.#worker;
    this.#worker = null;
    if (worker) void worker.terminate();
  }
}

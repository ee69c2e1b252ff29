/**
 * `POST /api/import?format=kanbridge|trello`: a file in, a new board out. The whole file is
 * parsed and checked before anything is created — JSON, then the format's schema, then the
 * story its contents tell — and the board is then appended (BoardService.createBoardFromHistory),
 * so a refused import leaves nothing behind. The new board gets new ids and codes; its events
 * are stamped with the source `import`.
 *
 * Parsing and checking run in a worker thread (import-worker.ts, prepare.ts), one import at a
 * time, so that a file of 100,000 cards does not stall the server: the event loop only reads
 * the prepared events back, a slice at a time, and appends them. Limits: limits.ts.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Actor, BoardState } from '../../src/lib/domain';
import type { BoardService, HistoricEvent } from '../board-service';
import { ROOT } from '../paths';
import type { ImportReply, ImportRequest } from './import-worker';
import { ImportBusy, ImportError, ImportTooLarge } from './issues';
import { MAX_IMPORT_BYTES, MAX_IMPORT_CARDS, MAX_IMPORT_HEAP_MB, MAX_IMPORTS_WAITING } from './limits';
import { fillCodes, type ImportFormat, type Prepared } from './prepare';

export { IMPORT_FORMATS, parseJsonFile, type ImportFormat } from './prepare';
export { MAX_IMPORT_BYTES, MAX_IMPORT_CARDS };

export interface Imported {
  board: BoardState;
  /** What was shortened or left out on the way in. */
  warnings: string[];
}

const BOOTSTRAP = path.join(ROOT, 'server', 'wall', 'worker-bootstrap.mjs');
const WORKER = path.join(ROOT, 'server', 'import', 'import-worker.ts');

/** The event loop is handed back after this long of reading prepared events. */
const SLICE_MS = 8;

export async function importBoard(
  service: BoardService,
  format: ImportFormat,
  body: Uint8Array,
  actor: Actor,
  now: Date
): Promise<Imported> {
  const prepared = await queue.run({ format, body, actor: { id: actor.id, name: actor.name }, at: now.toISOString() });
  const { codes, warnings } = prepared;
  // Read back, the worker's buffer is let go: nothing below refers to `prepared`.
  let events: HistoricEvent[] | null = await readPrepared(prepared);
  const board = await service.createBoardFromHistory(
    codes,
    (ctx) => {
      const issued = Array.from({ length: codes }, () => ctx.newCode());
      const list = events!;
      events = null;
      for (const h of list) fillCodes(h.body, issued);
      return list;
    },
    'import'
  );
  return { board, warnings };
}

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The worker's newline-delimited events as objects, yielding to the event loop between slices. */
async function readPrepared(prepared: Prepared): Promise<HistoricEvent[]> {
  const bytes = Buffer.from(prepared.lines.buffer, prepared.lines.byteOffset, prepared.lines.byteLength);
  const events: HistoricEvent[] = new Array(prepared.count);
  let started = performance.now();
  let at = 0;
  for (let i = 0; i < prepared.count; i++) {
    const end = bytes.indexOf(10, at);
    events[i] = JSON.parse(bytes.toString('utf8', at, end)) as HistoricEvent;
    at = end + 1;
    if ((i & 255) === 255 && performance.now() - started > SLICE_MS) {
      await pause();
      started = performance.now();
    }
  }
  return events;
}

interface Job {
  request: ImportRequest;
  resolve: (prepared: Prepared) => void;
  reject: (err: Error) => void;
}

/**
 * One import's worker at a time (each may need hundreds of MB), and at most
 * MAX_IMPORTS_WAITING more waiting. Each job gets a fresh worker, ended when it answers.
 */
class ImportQueue {
  #running = false;
  readonly #waiting: Job[] = [];

  run(request: ImportRequest): Promise<Prepared> {
    if (this.#running && this.#waiting.length >= MAX_IMPORTS_WAITING) return Promise.reject(new ImportBusy());
    return new Promise((resolve, reject) => {
      this.#waiting.push({ request, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#running) return;
    const job = this.#waiting.shift();
    if (!job) return;
    this.#running = true;
    void runInWorker(job.request)
      .then(job.resolve, job.reject)
      .finally(() => {
        this.#running = false;
        this.#pump();
      });
  }
}

const queue = new ImportQueue();

function runInWorker(request: ImportRequest): Promise<Prepared> {
  return new Promise((resolve, reject) => {
    // No inherited Node options (a test runner's loader can keep the worker from starting);
    // the bootstrap brings the TypeScript loader it needs.
    const worker = new Worker(BOOTSTRAP, {
      workerData: { entry: pathToFileURL(WORKER).href },
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: MAX_IMPORT_HEAP_MB }
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (reply: ImportReply) =>
      settle(() => {
        if (reply.ok) resolve(reply.prepared);
        else if (reply.failure === 'invalid') reject(new ImportError(reply.issues));
        else if (reply.failure === 'too-large') reject(new ImportTooLarge(reply.message));
        else reject(new Error(`The import failed: ${reply.message}`));
      })
    );
    worker.on('error', (err: Error & { code?: string }) =>
      settle(() => {
        if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          reject(
            new ImportTooLarge(
              `The file needs more than ${MAX_IMPORT_HEAP_MB} MB of memory to import; split the board or shorten its history`
            )
          );
        } else {
          reject(new Error(`The import failed: ${err.message}`));
        }
      })
    );
    worker.on('exit', (code) => settle(() => reject(new Error(`The import stopped (exit code ${code})`))));
    const body = request.body;
    // Transfer when the view owns its whole buffer; a view into a larger (pooled) buffer is copied.
    const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer;
    worker.postMessage(request, own ? [body.buffer as ArrayBuffer] : []);
  });
}

/**
 * The import worker: one file in, the new board's events out (prepare.ts), in its own thread,
 * so that parsing and checking a file of 100,000 cards (seconds of CPU, hundreds of MB) leaves
 * the server's event loop free. The server starts one per import and ends it afterwards, which
 * hands all of the memory it used back at once (import.ts).
 */
import { parentPort } from 'node:worker_threads';
import { ImportError, ImportTooLarge } from './issues';
import { prepareImport, type Prepared } from './prepare';
import type { Actor } from '../../src/lib/domain';
import type { ImportFormat } from './prepare';

export interface ImportRequest {
  format: ImportFormat;
  /** The file's bytes (transferred, not copied). */
  body: Uint8Array;
  actor: Actor;
  at: string;
}

export type ImportReply =
  | { ok: true; prepared: Prepared }
  | { ok: false; failure: 'invalid'; issues: ImportError['issues'] }
  | { ok: false; failure: 'too-large' | 'internal'; message: string };

const port = parentPort;
if (!port) throw new Error('import-worker.ts runs as a worker thread');

port.once('message', (req: ImportRequest) => {
  const reply = handle(req);
  port.postMessage(reply, reply.ok ? [reply.prepared.lines.buffer as ArrayBuffer] : []);
});

function handle(req: ImportRequest): ImportReply {
  try {
    return { ok: true, prepared: prepareImport(req.format, req.body, req.actor, req.at) };
  } catch (err) {
    if (err instanceof ImportError) return { ok: false, failure: 'invalid', issues: err.issues };
    if (err instanceof ImportTooLarge) return { ok: false, failure: 'too-large', message: err.message };
    return { ok: false, failure: 'internal', message: err instanceof Error ? err.message : String(err) };
  }
}

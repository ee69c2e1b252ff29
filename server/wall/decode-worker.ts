/**
 * The decode worker: wall photos in, QR codes out (passes.ts), one request at a time, in its
 * own thread. zxing runs as WebAssembly; a fault there (an out-of-bounds read, a runaway loop)
 * stays in this thread, where the server can end it and start a fresh one (decoder.ts).
 */
import { parentPort } from 'node:worker_threads';
import { loadZxingNode } from '../../src/lib/qr/decoder-node';
import { decodeWallPhoto, UnreadableImage } from './passes';
import type { DecodeReply, DecodeRequest } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('decode-worker.ts runs as a worker thread');

// Compiled while the first upload is still arriving.
const zxing = loadZxingNode();

port.on('message', (req: DecodeRequest) => {
  void handle(req).then((reply) => port.postMessage(reply));
});

async function handle(req: DecodeRequest): Promise<DecodeReply> {
  try {
    const photo = await decodeWallPhoto(req.image, await zxing, { maxPixels: req.maxPixels });
    return { id: req.id, ok: true, photo };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { id: req.id, ok: false, failure: err instanceof UnreadableImage ? 'image' : 'internal', message };
  }
}

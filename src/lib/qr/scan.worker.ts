/// <reference lib="webworker" />
/// <reference types="emscripten" />
/**
 * The phone scanner's decoding worker: frames in (ImageBitmap), codes out. Everything is served
 * by this app: the wasm URL is this build's own hashed asset, and `locateFile` points zxing at
 * it, because zxing-wasm's default would fetch the file from a public CDN.
 */
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { createDecoder } from './decoder';
import type { FromWorker, ToWorker } from './worker-protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker) => scope.postMessage(m);

const started = performance.now();
let loadError = '';
// Created at once, so the wasm downloads and compiles while the page opens the camera.
const decoder = createDecoder({
  loadZxing: async () => {
    try {
      await prepareZXingModule({
        overrides: {
          locateFile: (path: string, prefix: string) =>
            path.endsWith('.wasm') ? new URL(wasmUrl, scope.location.href).href : prefix + path
        },
        fireImmediately: true
      });
    } catch (e) {
      loadError = String(e);
      throw e;
    }
    // zxing reads only data, width and height; the decoder's own variants are plain objects.
    return (image, options) => readBarcodes(image as ImageData, options);
  }
});
void decoder.zxingReady.then((ok) =>
  post(ok ? { type: 'ready', initMs: performance.now() - started } : { type: 'degraded', message: loadError })
);

const canvas = new OffscreenCanvas(1, 1);
const context = canvas.getContext('2d', { willReadFrequently: true });

scope.onmessage = async ({ data }: MessageEvent<ToWorker>) => {
  const { id, bitmap, effort = 'frame', multi = false } = data;
  const t = performance.now();
  try {
    if (!context) throw new Error('no 2d context in this worker');
    const { width, height } = bitmap;
    if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
    context.drawImage(bitmap, 0, 0);
    const results = await decoder.decode(context.getImageData(0, 0, width, height), { effort, multi });
    post({ type: 'result', id, results, ms: performance.now() - t });
  } catch (e) {
    post({ type: 'failed', id, message: String(e) });
  } finally {
    bitmap.close();
  }
};

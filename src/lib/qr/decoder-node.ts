/**
 * The QR decoder in Node (server, tests, bench): zxing-wasm compiled from the package's own
 * .wasm file (its default would download it from a public CDN; nothing may leave this host),
 * images read with sharp.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { createDecoder, type DecodeOptions, type DecodeResult, type Decoder, type ReadBarcodes, type RgbaImage } from './decoder';

/** Refuses decompression bombs: a 12 MP phone photo is well inside, a 50k×50k PNG is not. */
const MAX_INPUT_PIXELS = 40_000_000;

let zxing: Promise<ReadBarcodes> | undefined;

/** zxing-wasm's reader, prepared once per process from the local wasm file. */
export function loadZxingNode(): Promise<ReadBarcodes> {
  zxing ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasm = await readFile(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
    // Slice so the module gets exactly the file's bytes, not the rest of Node's pooled buffer.
    const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
    await prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
    // zxing only reads data, width and height; Node has no ImageData class to build.
    return (image, options) => readBarcodes(image as ImageData, options);
  })();
  return zxing;
}

let shared: Decoder | undefined;

/** One decoder per process: the wasm module is a per-process singleton anyway. */
export function nodeDecoder(): Decoder {
  shared ??= createDecoder({ loadZxing: loadZxingNode });
  return shared;
}

/** Any image format sharp reads (JPEG, PNG, WebP, …) → RGBA, with the EXIF orientation applied. */
export async function imageToRgba(input: Buffer | string): Promise<RgbaImage> {
  const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  // A grey input can come out with 2 channels; zxing would then read past the buffer.
  if (info.channels !== 4 || data.length !== info.width * info.height * 4)
    throw new Error(`expected RGBA from sharp, got ${info.channels} channels, ${data.length} bytes for ${info.width}x${info.height}`);
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

export async function decodeBuffer(buf: Buffer, options?: DecodeOptions): Promise<DecodeResult[]> {
  return nodeDecoder().decode(await imageToRgba(buf), options);
}

export async function decodeFile(path: string, options?: DecodeOptions): Promise<DecodeResult[]> {
  return nodeDecoder().decode(await imageToRgba(path), options);
}

/** Messages between the server and the wall-photo decode worker (decode-worker.ts). */
import type { DecodedPhoto } from './passes';

export interface DecodeRequest {
  id: number;
  /** The uploaded file's bytes (transferred, not copied). */
  image: Uint8Array;
  maxPixels: number;
}

/**
 * `image`: the bytes are not a picture sharp can read (or exceed the pixel limit): the upload's
 * fault. `internal`: decoding failed in zxing; the worker may be damaged and is replaced.
 */
export type DecodeFailure = 'image' | 'internal';

export type DecodeReply =
  { id: number; ok: true; photo: DecodedPhoto } | { id: number; ok: false; failure: DecodeFailure; message: string };

/**
 * The wall-scans API as the review page calls it (design §3): the photo goes up as the request
 * body, the answers come back as JSON, and a refusal carries the server's own words.
 */
import { pageHeaders } from '$lib/sync/identity.svelte';
import type { CardId } from '$lib/domain';
import type { WallApplyResult, WallScan } from '$lib/wall/types';

export type Answer<T> = { ok: true; data: T } | { ok: false; code: string; message: string };

/** What the server reads; anything else a browser can show is converted to JPEG first. */
const SENDABLE = ['image/jpeg', 'image/png'];
/** The server's limit (server/wall/intake.ts), checked here to save a long upload. */
export const MAX_PHOTO_BYTES = 25 * 1024 * 1024;

export async function uploadPhoto(boardId: string, file: Blob): Promise<Answer<WallScan>> {
  const body = await sendable(file);
  if (!body) return { ok: false, code: 'NOT_AN_IMAGE', message: 'This file is not a photo this browser can read. Use a JPEG or PNG.' };
  if (body.size > MAX_PHOTO_BYTES) {
    return {
      ok: false,
      code: 'TOO_LARGE',
      message: `The photo is ${(body.size / 1048576).toFixed(0)} MB; at most 25 MB are read. Take it at a lower size.`
    };
  }
  return call<WallScan>(`/api/boards/${encodeURIComponent(boardId)}/wall-scans`, body, body.type || 'application/octet-stream');
}

export function applyMoves(boardId: string, scanId: string, moves: CardId[], override: boolean): Promise<Answer<WallApplyResult>> {
  const path = `/api/boards/${encodeURIComponent(boardId)}/wall-scans/${encodeURIComponent(scanId)}/apply`;
  return call<WallApplyResult>(path, JSON.stringify(override ? { moves, override } : { moves }), 'application/json');
}

async function call<T>(path: string, body: BodyInit, type: string): Promise<Answer<T>> {
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers: { ...pageHeaders('wall'), 'content-type': type }, body });
  } catch {
    return { ok: false, code: 'NETWORK', message: 'Could not reach the server. Check the connection and try again.' };
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) return { ok: true, data: json as T };
  const error = typeof json === 'object' && json !== null && 'error' in json ? (json.error as { code?: unknown; message?: unknown }) : null;
  return {
    ok: false,
    code: typeof error?.code === 'string' ? error.code : 'HTTP',
    message: typeof error?.message === 'string' ? error.message : `The server answered ${res.status}.`
  };
}

/**
 * The photo as JPEG or PNG. Phones may hand over HEIC or WebP: the browser decodes those (EXIF
 * orientation applied) and re-encodes them at full size, since the server reads JPEG and PNG only.
 */
async function sendable(file: Blob): Promise<Blob | null> {
  if (SENDABLE.includes(file.type)) return file;
  try {
    const bitmap = await createImageBitmap(file);
    const canvas = document.createElement('canvas');
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
    bitmap.close();
    return await new Promise((resolve) => canvas.toBlob((b) => resolve(b), 'image/jpeg', 0.92));
  } catch {
    return null;
  }
}

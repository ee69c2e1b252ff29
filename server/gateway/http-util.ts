/** Small HTTP helpers for the JSON API: bounded body reading and uniform error bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '../../src/lib/protocol';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>
  ) {
    super(message);
  }
  toBody(): { error: ApiError } {
    return {
      error: this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message }
    };
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/**
 * Like sendJson, for a body with one long array (a board's cards): the array is written a slice
 * at a time, yielding between slices, so a 100,000-card answer does not hold up other requests.
 * Waits for the socket to drain when it is behind.
 */
export async function sendJsonSliced(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  key: string,
  headers: Record<string, string> = {},
  slice = 2_000
): Promise<void> {
  const items = body[key];
  if (!Array.isArray(items) || items.length <= slice) return sendJson(res, status, body, headers);
  const { [key]: _omitted, ...rest } = body;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  const head = JSON.stringify(rest);
  res.write(`${head.slice(0, -1)}${head.length > 2 ? ',' : ''}${JSON.stringify(key)}:[`);
  for (let i = 0; i < items.length; i += slice) {
    const part = JSON.stringify(items.slice(i, i + slice));
    const more = res.write(`${i > 0 ? ',' : ''}${part.slice(1, -1)}`);
    if (res.destroyed) return;
    if (!more) await new Promise<void>((resolve) => res.once('drain', () => resolve()).once('close', () => resolve()));
    // After a drain too: a socket whose reader keeps up drains in a nextTick, so waiting for
    // it alone would write every slice without the event loop getting a turn in between.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  res.end(']}');
}

export function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, err.toBody());
}

/** Reads the whole body up to `limit` bytes; a larger body is refused with 413 before it is all read. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new HttpError(413, 'TOO_LARGE', `The body is larger than ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.destroy();
      throw new HttpError(413, 'TOO_LARGE', `The body is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  }
  const buf = await readBody(req, limit);
  if (buf.length === 0) throw new HttpError(400, 'INVALID_JSON', 'The body is empty; send a JSON object');
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, 'INVALID_JSON', `The body is not valid JSON: ${(err as Error).message}`);
  }
}

/** HTTP status for a command rejection code. */
export function rejectionStatus(code: string): number {
  switch (code) {
    case 'NOT_FOUND':
      return 404;
    case 'INVALID':
      return 400;
    case 'WIP_LIMIT':
    case 'WIP_LIMIT_HARD':
    case 'STALE':
    case 'CONFLICT':
    case 'COLUMN_NOT_EMPTY':
    case 'ARCHIVED':
      return 409;
    default:
      return 400;
  }
}

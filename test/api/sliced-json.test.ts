/** A long answer written a slice at a time reads back exactly as one JSON.stringify would give it. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sendJsonSliced } from '../../server/gateway/http-util';

async function serve(
  body: Record<string, unknown>,
  key: string,
  slice: number
): Promise<{ text: string; status: number; type: string | null }> {
  const server = http.createServer((_req, res) => void sendJsonSliced(res, 201, body, key, { location: '/x' }, slice));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { text: await res.text(), status: res.status, type: res.headers.get('content-type') };
  } finally {
    server.close();
  }
}

describe('sendJsonSliced', () => {
  it('writes the same JSON as JSON.stringify, for long, short, empty and lone arrays', async () => {
    const cards = Array.from({ length: 5_003 }, (_, i) => ({ id: `c_${i}`, title: `Card "${i}" \u2028 ✓`, tags: i % 2 ? ['a'] : [] }));
    for (const [body, slice] of [
      [{ id: 'b', name: 'Board', cards, warnings: ['w'] }, 1_000],
      [{ id: 'b', cards: cards.slice(0, 3), warnings: [] }, 1_000],
      [{ id: 'b', cards: [], warnings: [] }, 1],
      [{ cards }, 2_000]
    ] as const) {
      const got = await serve(body, 'cards', slice);
      expect(got.status).toBe(201);
      expect(got.type).toContain('application/json');
      expect(JSON.parse(got.text)).toEqual(body);
    }
  });
});

describe('sendJsonSliced and the event loop', () => {
  it('gives the event loop a turn between slices even when the socket drains at once', async () => {
    // A response that is always "behind" and drains in a nextTick, as a socket with a fast reader does.
    const { EventEmitter } = await import('node:events');
    const res = Object.assign(new EventEmitter(), {
      destroyed: false,
      chunks: [] as string[],
      writeHead() {
        return this;
      },
      write(chunk: string) {
        this.chunks.push(chunk);
        process.nextTick(() => res.emit('drain'));
        return false;
      },
      end(chunk: string) {
        this.chunks.push(chunk);
      }
    });
    const cards = Array.from({ length: 100 }, (_, i) => ({ id: `c_${i}` }));
    let turns = 0;
    let sending = true;
    const tick = () => {
      turns++;
      if (sending) setImmediate(tick);
    };
    setImmediate(tick);
    await sendJsonSliced(res as never, 200, { id: 'b', cards }, 'cards', {}, 10);
    sending = false;
    expect(JSON.parse(res.chunks.join(''))).toEqual({ id: 'b', cards });
    expect(turns).toBeGreaterThanOrEqual(9);
  });
});

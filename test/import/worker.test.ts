/**
 * Importing a large file does not stall the server: the file is parsed and checked in a worker
 * thread, and what comes back is read a slice at a time. The server here runs in this process,
 * so a stalled event loop would hold up this test's own requests too; what is counted is how
 * many health checks the server answers while one import runs (no clock is read).
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardJson } from '../../src/lib/protocol';
import { fillCodes, prepareImport } from '../../server/import/prepare';
import type { Code, EventBody } from '../../src/lib/domain';
import { startTestApp, type TestApp } from '../helpers/app';
import { kanbridgeExport, trelloExport } from './big-files';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('a large import and the event loop', () => {
  it('health checks are answered while a 20,000-card Trello board is imported', async () => {
    const body = JSON.stringify(trelloExport(20_000));
    // Counted from when the server has read the whole file: the upload itself takes many turns of the loop.
    let bodyRead = false;
    const onRequest = (req: IncomingMessage) => {
      if (req.url?.startsWith('/api/import')) req.once('end', () => (bodyRead = true));
    };
    t.server.on('request', onRequest);
    let settled = false;
    const importing = fetch(`${t.url}/api/import?format=trello`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body
    }).finally(() => (settled = true));
    let answered = 0;
    while (!settled) {
      const res = await fetch(`${t.url}/api/health`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      if (bodyRead && !settled) answered++;
    }
    t.server.off('request', onRequest);
    const res = await importing;
    expect(res.status).toBe(201);
    const board = (await res.json()) as BoardJson;
    expect(board.cards).toHaveLength(20_000);
    expect(bodyRead).toBe(true);
    // Parsing, checking and planning 20,000 cards is seconds of work; with it on the event loop
    // the server answered at most the one check already on its way, in a worker it answers them all along.
    expect(answered).toBeGreaterThanOrEqual(10);
  }, 180_000);
});

describe('what the worker hands back', () => {
  it('events with placeholder codes, one per line, that fillCodes makes the install’s', () => {
    const file = kanbridgeExport(50, 80);
    const prepared = prepareImport('kanbridge', Buffer.from(JSON.stringify(file)), { id: 'u_1', name: 'Ann' }, new Date().toISOString());
    // Board sign, five column signs, fifty cards.
    expect(prepared.codes).toBe(56);
    expect(prepared.count).toBe(80);
    const lines = Buffer.from(prepared.lines).toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(80);
    const events = lines.map((l) => JSON.parse(l) as { body: EventBody; at: string; opId: string });
    expect(events.map((e) => e.at)).toEqual(file.events.map((e) => e.at));
    const codes = Array.from({ length: prepared.codes }, (_, i) => `Z${String(i).padStart(5, '0')}` as Code);
    for (const e of events) fillCodes(e.body, codes);
    const issued = events.flatMap((e) =>
      e.body.type === 'boardCreated'
        ? [e.body.code, ...e.body.columns.map((c) => c.code)]
        : e.body.type === 'cardCreated'
          ? [e.body.card.code]
          : []
    );
    expect(new Set(issued)).toEqual(new Set(codes));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOpId } from '../../src/lib/domain';
import type { BoardJson } from '../../src/lib/protocol';
import { api } from '../helpers/server';
import { startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
let board: BoardJson;

beforeAll(async () => {
  t = await startTestApp();
  const res = await api<BoardJson>(t.url, 'POST', '/api/boards', {
    name: 'API board',
    columns: [{ name: 'To do' }, { name: 'Doing', wipLimit: 1 }, { name: 'Done' }]
  });
  expect(res.status).toBe(201);
  board = res.body;
});
afterAll(async () => t.close());

type Err = { error: { code: string; message: string } };

describe('HTTP API', () => {
  it('reports health', async () => {
    const res = await api<{ ok: boolean; storage: string; version: string }>(t.url, 'GET', '/api/health');
    expect(res).toMatchObject({ status: 200, body: { ok: true, storage: 'memory' } });
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('creates boards with default or given columns and lists them', async () => {
    expect(board.columns.map((c) => [c.name, c.wipLimit])).toEqual([
      ['To do', null],
      ['Doing', 1],
      ['Done', null]
    ]);
    for (const c of board.columns) expect(c.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{6,8}$/);
    const plain = await api<BoardJson>(t.url, 'POST', '/api/boards', { name: 'Defaults' });
    expect(plain.body.columns.map((c) => c.name)).toEqual(['Backlog', 'Ready', 'Doing', 'Review', 'Done']);
    expect(plain.body.columns[2].wipLimit).toBe(3);
    const list = await api<{ boards: { id: string; name: string }[] }>(t.url, 'GET', '/api/boards');
    expect(list.body.boards.map((b) => b.name)).toEqual(expect.arrayContaining(['API board', 'Defaults']));
  });

  it('creates cards, moves them with commands and returns cards in board order', async () => {
    const c1 = await api<{ card: { id: string; code: string } }>(t.url, 'POST', `/api/boards/${board.id}/cards`, { title: 'First' });
    const c2 = await api<{ card: { id: string } }>(t.url, 'POST', `/api/boards/${board.id}/cards`, {
      title: 'Second',
      tags: ['a'],
      due: '2026-12-01',
      estimate: 3
    });
    expect(c1.status).toBe(201);
    expect(c1.body.card.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{6}$/);
    const move = {
      opId: newOpId(),
      type: 'moveCard',
      cardId: c2.body.card.id,
      toColumnId: board.columns[0].id,
      beforeCardId: c1.body.card.id
    };
    const moved = await api<{ revision: number; events: { type: string; source: string }[] }>(
      t.url,
      'POST',
      `/api/boards/${board.id}/commands`,
      move
    );
    expect(moved.status).toBe(200);
    expect(moved.body.events[0]).toMatchObject({ type: 'cardMoved', source: 'api' });
    const again = await api(t.url, 'POST', `/api/boards/${board.id}/commands`, move);
    expect(again.body).toEqual(moved.body);
    const got = await api<BoardJson>(t.url, 'GET', `/api/boards/${board.id}`);
    expect(got.body.revision).toBe(moved.body.revision);
    expect(got.body.cards.map((c) => c.title)).toEqual(['Second', 'First']);
    const events = await api<{ events: { revision: number }[] }>(
      t.url,
      'GET',
      `/api/boards/${board.id}/events?since=${moved.body.revision - 1}`
    );
    expect(events.body.events.map((e) => e.revision)).toEqual([moved.body.revision]);
  });

  it('answers a soft WIP limit with WIP_LIMIT unless overridden, and a stale view with STALE', async () => {
    const doing = board.columns[1].id;
    const a = await api<{ card: { id: string }; revision: number }>(t.url, 'POST', `/api/boards/${board.id}/cards`, {
      title: 'Fills Doing',
      columnId: doing
    });
    const b = await api<{ card: { id: string }; revision: number }>(t.url, 'POST', `/api/boards/${board.id}/cards`, { title: 'Wants in' });
    const over = await api<Err>(t.url, 'POST', `/api/boards/${board.id}/commands`, {
      opId: newOpId(),
      type: 'moveCard',
      cardId: b.body.card.id,
      toColumnId: doing
    });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('WIP_LIMIT');
    const base = b.body.revision;
    const ok = await api(t.url, 'POST', `/api/boards/${board.id}/commands`, {
      opId: newOpId(),
      type: 'moveCard',
      cardId: b.body.card.id,
      toColumnId: doing,
      override: true
    });
    expect(ok.status).toBe(200);
    const stale = await api<Err>(t.url, 'POST', `/api/boards/${board.id}/commands`, {
      opId: newOpId(),
      type: 'moveCard',
      cardId: b.body.card.id,
      toColumnId: board.columns[2].id,
      baseRevision: base
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE');
    const notStale = await api(t.url, 'POST', `/api/boards/${board.id}/commands`, {
      opId: newOpId(),
      type: 'moveCard',
      cardId: a.body.card.id,
      toColumnId: board.columns[2].id,
      baseRevision: base
    });
    expect(notStale.status).toBe(200);
  });

  it('gives clear JSON errors for bad requests and never a stack trace', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['GET', '/api/boards/b_nothing', undefined, 404, 'NOT_FOUND'],
      ['GET', '/api/nothing', undefined, 404, 'NOT_FOUND'],
      ['DELETE', '/api/boards', undefined, 405, 'METHOD_NOT_ALLOWED'],
      ['POST', '/api/boards', { name: '' }, 400, 'INVALID'],
      ['POST', '/api/boards', { name: 'x', columns: 'no' }, 400, 'INVALID'],
      ['POST', '/api/boards', { name: 'x', evil: true }, 400, 'INVALID'],
      ['POST', `/api/boards/${'b_x'}/commands`, { opId: newOpId(), type: 'renameBoard', name: 'y' }, 404, 'NOT_FOUND'],
      ['GET', `/api/boards/${'b_x'}/events?since=0`, undefined, 404, 'NOT_FOUND']
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await api<Err>(t.url, method, path, body);
      expect([path, res.status]).toEqual([path, status]);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toBeTruthy();
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    }
    const b = `/api/boards/${board.id}`;
    const raw = async (init: RequestInit, path = `${b}/commands`) => {
      const res = await fetch(t.url + path, { method: 'POST', ...init });
      return { status: res.status, body: (await res.json()) as Err };
    };
    expect(await raw({ headers: { 'content-type': 'application/json' }, body: '{"opId": ' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_JSON' } }
    });
    expect(await raw({ headers: { 'content-type': 'text/plain' }, body: '{}' })).toMatchObject({ status: 415 });
    expect(await raw({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 'y'.repeat(300_000) }) })).toMatchObject({
      status: 413,
      body: { error: { code: 'TOO_LARGE' } }
    });
    expect(await raw({ headers: { 'content-type': 'application/json' }, body: '[]' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID' } }
    });
    const since = await api<Err>(t.url, 'GET', `${b}/events?since=-1`);
    expect(since.status).toBe(400);
    const bad = await api<Err>(t.url, 'GET', `/api/boards/%E0%A4%A/events`);
    expect(bad.status).toBe(400);
    const rev = (await api<BoardJson>(t.url, 'GET', b)).body.revision;
    expect(rev).toBeGreaterThan(0);
  });

  it('resolves a printed code to its board and card', async () => {
    const c = await api<{ card: { id: string; code: string } }>(t.url, 'POST', `/api/boards/${board.id}/cards`, { title: 'Coded' });
    const res = await api<{ kind: string; boardId: string; cardId: string }>(t.url, 'GET', `/api/codes/${c.body.card.code.toLowerCase()}`);
    expect(res.body).toMatchObject({ kind: 'card', boardId: board.id, cardId: c.body.card.id });
    expect((await api(t.url, 'GET', `/api/codes/${board.columns[0].code}`)).body).toMatchObject({ kind: 'column', boardId: board.id });
    expect((await api(t.url, 'GET', '/api/codes/ZZZZZZ')).status).toBe(404);
    expect((await api(t.url, 'GET', '/api/codes/<b>')).status).toBe(400);
  });
});

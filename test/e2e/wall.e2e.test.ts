/**
 * Wall photo sync in real Chromium against the real (built) server: upload a synthetic photo
 * of the wall (real printed cards from this server's print API), see the outlines and the
 * planned moves, untick one, apply, confirm a move past a soft WIP limit, and check that the
 * board the API returns is the wall, minus the unticked move. Build first: `npm run build`.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardJson } from '../../src/lib/protocol';
import { launchBrowser } from '../helpers/browser';
import { startServer, type RunningServer } from '../helpers/server';
import {
  COLUMNS,
  createTeamBoards,
  fetchPdfs,
  jsonApi,
  teamPrints,
  teamWallPhoto,
  type Api,
  type TeamBoards
} from '../wall/fixtures/team-wall';

let server: RunningServer;
let browser: Browser;
let api: Api;
let boards: TeamBoards;
let jpeg: Buffer;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ demo: false }), launchBrowser()]);
  api = jsonApi(server.url);
  boards = await createTeamBoards(api);
  const prints = await teamPrints(await fetchPdfs(server.url, boards));
  ({ jpeg } = await teamWallPhoto(prints, {
    width: 3000,
    height: 2250,
    rotateDeg: -6,
    keystone: 0.08,
    keystoneSide: 'right',
    blur: 0.9,
    noise: 5,
    jpegQuality: 88
  }));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('wall photo page', () => {
  it('uploads a photo, outlines the codes, applies the kept moves, and the board matches', async () => {
    const { cards, boardId } = boards;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/boards/${boardId}/wall`);
    await expect.poll(() => page.locator('input[data-capture]').getAttribute('capture')).toBe('environment');
    expect(await page.locator('input[data-capture]').getAttribute('accept')).toBe('image/*');

    await page.setInputFiles('input[data-file]', { name: 'wall.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await page.waitForSelector('[data-apply]', { timeout: 90_000 });

    // Every code outlined: 5 signs, the board sign, 17 of its cards, another board's card, a Wi-Fi sticker.
    expect(await page.locator('svg polygon.code').count()).toBe(25);
    expect(await page.locator('svg polygon.code.move').count()).toBe(4);
    expect(await page.locator('svg polygon.code.bad').count()).toBe(2);
    expect(await page.locator('svg polygon.code.ok').count()).toBe(19);
    await expect
      .poll(() => page.locator('.labels .label.move').allTextContents())
      .toEqual(expect.arrayContaining(['Ready → Doing', 'Review → Doing', 'Reorder in Backlog', 'Reorder in Done']));
    expect(await page.locator('.labels .label.bad').allTextContents()).toEqual(
      expect.arrayContaining(['Card on “Marketing”', 'Not a Kanbridge code'])
    );
    expect(await page.locator('[data-move]').count()).toBe(4);
    expect(await page.locator('[data-not-seen]').allTextContents()).toEqual([
      expect.stringContaining('Archive boards older than a year'),
      expect.stringContaining('Demo board on first start')
    ]);

    // Leave "Release notes 0.1" where the board has it.
    await page.locator(`[data-move="${cards.n1}"] input[type=checkbox]`).uncheck();
    expect(await page.locator('svg polygon.code.off').count()).toBe(1);
    await expect.poll(() => page.locator('[data-apply]').textContent()).toBe('Apply 3 moves');
    await page.click('[data-apply]');
    await page.waitForSelector('[data-outcome]');
    expect(await page.locator(`[data-move="${cards.r3}"] [data-result]`).getAttribute('data-result')).toBe('applied');
    expect(await page.locator(`[data-move="${cards.a3}"] [data-result]`).getAttribute('data-result')).toBe('applied');
    // Doing holds d1, d2 and now r3: at its limit of 3.
    expect(await page.locator(`[data-move="${cards.v1}"] [data-result]`).getAttribute('data-result')).toBe('refused');
    expect(await page.locator(`[data-move="${cards.n1}"] [data-result]`).count()).toBe(0);

    await page.click('[data-override]');
    await expect.poll(() => page.locator(`[data-move="${cards.v1}"] [data-result]`).getAttribute('data-result')).toBe('applied');

    const board = (await api<BoardJson>('GET', `/api/boards/${boardId}`)).body;
    const name = (id: string) => Object.entries(cards).find(([, v]) => v === id)?.[0];
    const columns = Object.fromEntries(
      COLUMNS.map((c) => [c, board.cards.filter((x) => x.columnId === boards.columns[c]).map((x) => name(x.id))])
    );
    expect(columns).toEqual({
      Backlog: ['a1', 'a2', 'a4', 'a5', 'a3', 'a6'],
      Ready: ['r1', 'r2', 'r4'],
      Doing: ['d1', 'r3', 'd2', 'v1'],
      Review: ['v2'],
      Done: ['n1', 'n2', 'n3', 'n4', 'n5']
    });
    await context.close();
  });

  it('says plainly when the photo is not a picture', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/boards/${boards.boardId}/wall`);
    await page.setInputFiles('input[data-file]', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') });
    await page.waitForSelector('[data-error]');
    expect(await page.locator('[data-error]').getAttribute('data-error')).toBe('NOT_AN_IMAGE');
    expect(await page.locator('[data-error]').textContent()).toContain('not a JPEG or PNG');
    await context.close();
  });
});

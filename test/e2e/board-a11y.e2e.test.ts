/**
 * Accessibility of the board list and the board, checked by axe-core inside Chromium at a
 * desktop and a phone size, in the light and the dark theme, on an open install and signed in: no serious or critical
 * violations (colour contrast, accessible names that contain the visible text, …).
 * Build first: `npm run build`.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { BoardJson } from '../../src/lib/protocol';
import { launchBrowser } from '../helpers/browser';
import { api, startServer, type RunningServer } from '../helpers/server';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const ADMIN = { email: 'admin@example.test', password: 'admin-password-1' };

let open: RunningServer;
let accounts: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const boards: Record<string, string> = {};

const SIZES = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  'desktop, dark theme': { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' },
  'phone, dark theme': { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }
} as const;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's serious and critical findings on the page as it is now. */
async function serious(page: Page): Promise<Violation[]> {
  // Colours are judged once they settled (a dialog fades in).
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity)
  );
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Violation[] }> } }).axe;
    // "label-content-name-mismatch" (an accessible name contains the visible text) is
    // experimental in axe, so it is asked for by name.
    const r = await axe.run(document, { rules: { 'label-content-name-mismatch': { enabled: true } } });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary }))
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Checks the page now; the findings are reported together at the end of the test. */
async function check(page: Page, label: string, found: string[]) {
  const vs = await serious(page);
  const count = vs.reduce((n, v) => n + v.nodes.length, 0);
  console.log(
    `axe ${label}: ${vs.length} serious/critical rule(s), ${count} node(s)${vs.length ? ` [${vs.map((v) => v.id).join(', ')}]` : ''}`
  );
  if (vs.length) found.push(`${label}:\n${describeViolations(vs)}`);
}

function describeViolations(vs: Violation[]): string {
  return vs
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
}

async function makeBoard(server: RunningServer, request?: BrowserContext['request']) {
  const post = async <T>(path: string, data: unknown): Promise<T> => {
    if (!request) return (await api<T>(server.url, 'POST', path, data)).body;
    return (await (await request.post(`${server.url}${path}`, { data, headers: { origin: server.url } })).json()) as T;
  };
  const board = await post<BoardJson>('/api/boards', { name: 'Accessible board' });
  const col = board.columns;
  await post(`/api/boards/${board.id}/cards`, { title: 'Plain card', columnId: col[0].id });
  await post(`/api/boards/${board.id}/cards`, {
    title: 'Tagged card',
    columnId: col[0].id,
    tags: ['bug', 'release'],
    assignee: 'Ann',
    due: '2020-01-01',
    estimate: 3,
    description: 'Details'
  });
  await post(`/api/boards/${board.id}/cards`, { title: 'Due soon', columnId: col[1].id, due: '2099-01-01' });
  for (let i = 0; i < 3; i++) await post(`/api/boards/${board.id}/cards`, { title: `Doing ${i}`, columnId: col[2].id });
  await post(`/api/boards/${board.id}/cards`, { title: 'Over the limit', columnId: col[2].id, override: true });
  return board.id;
}

beforeAll(async () => {
  [open, accounts, browser] = await Promise.all([
    startServer({ demo: false }),
    startServer({ demo: false, env: { KANBRIDGE_ADMIN_EMAIL: ADMIN.email, KANBRIDGE_ADMIN_PASSWORD: ADMIN.password } }),
    launchBrowser()
  ]);
  boards.open = await makeBoard(open);
  const admin = await browser.newContext();
  contexts.push(admin);
  expect((await admin.request.post(`${accounts.url}/api/auth/login`, { data: ADMIN })).status()).toBe(200);
  boards.accounts = await makeBoard(accounts, admin.request);
});

afterAll(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await browser?.close();
  await Promise.all([open?.stop(), accounts?.stop()]);
});

async function pageFor(install: 'open' | 'accounts', size: keyof typeof SIZES): Promise<Page> {
  // The pages' Content Security Policy would refuse the injected axe-core script.
  const context = await browser.newContext({ ...SIZES[size], bypassCSP: true });
  contexts.push(context);
  if (install === 'accounts') {
    expect((await context.request.post(`${accounts.url}/api/auth/login`, { data: ADMIN })).status()).toBe(200);
  }
  return context.newPage();
}

describe('axe-core: no serious or critical violations', () => {
  for (const install of ['open', 'accounts'] as const) {
    for (const size of Object.keys(SIZES) as (keyof typeof SIZES)[]) {
      it(`board list, ${install} install, ${size}`, async () => {
        const server = install === 'open' ? open : accounts;
        const page = await pageFor(install, size);
        await page.goto(`${server.url}/`);
        await page.getByRole('searchbox', { name: 'Search all boards' }).fill('card');
        await page.locator('[data-search-results] li').first().waitFor();
        const found: string[] = [];
        await check(page, `board list (${install}, ${size})`, found);
        expect(found.join('\n')).toBe('');
      });

      it(`board, ${install} install, ${size}`, async () => {
        const server = install === 'open' ? open : accounts;
        const page = await pageFor(install, size);
        await page.goto(`${server.url}/boards/${boards[install]}`);
        await page.locator('[data-status="live"]').waitFor();
        const found: string[] = [];
        await check(page, `board (${install}, ${size})`, found);
        // Filtered: chips, "shown / total" counts, empty columns.
        await page.goto(`${server.url}/boards/${boards[install]}?q=card&tag=bug`);
        await page.locator('[data-status="live"]').waitFor();
        await page.locator('.chips').waitFor();
        await check(page, `filtered board (${install}, ${size})`, found);
        // The card dialog with "Move to".
        await page.locator('[data-card-id] .title').first().click();
        await page.getByRole('dialog').waitFor();
        await page.waitForTimeout(300);
        await check(page, `card dialog (${install}, ${size})`, found);
        expect(found.join('\n')).toBe('');
      });
    }
  }
});

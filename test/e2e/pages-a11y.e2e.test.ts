/**
 * Accessibility of every page besides the board list and the board (board-a11y.e2e.test.ts has those): the card page,
 * print, scanner, wall, insight, activity, portfolio, settings, login, account and admin, checked by axe-core inside
 * Chromium at a desktop and a phone size, in the light and the dark theme. No serious or critical violations (colour
 * contrast, accessible names that contain the visible text, labels, …), and every page has an h1.
 * Build first: `npm run build`.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { BoardJson } from '../../src/lib/protocol';
import { launchBrowser } from '../helpers/browser';
import { api, startServer, type RunningServer } from '../helpers/server';
import { exportOf, seedHistory } from '../insight/seed';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const ADMIN = { email: 'admin@example.test', password: 'admin-password-1' };

let open: RunningServer;
let accounts: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let board: BoardJson;
let cardCode: string;
let accountsBoard: BoardJson;
let accountsCardCode: string;
/** A board with twelve weeks of history: charts, tables, a long activity log. */
let seeded: BoardJson;

const SIZES = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
} as const;
type Size = keyof typeof SIZES;

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
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
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

function describeViolations(vs: Violation[]): string {
  return vs
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
}

/** Checks the page now: axe's findings and the page's h1, reported together at the end of the test. */
async function check(page: Page, label: string, found: string[]) {
  const vs = await serious(page);
  const count = vs.reduce((n, v) => n + v.nodes.length, 0);
  console.log(
    `axe ${label}: ${vs.length} serious/critical rule(s), ${count} node(s)${vs.length ? ` [${vs.map((v) => v.id).join(', ')}]` : ''}`
  );
  if (vs.length) found.push(`${label}:\n${describeViolations(vs)}`);
  if ((await page.locator('h1').count()) === 0) found.push(`${label}: no h1`);
}

beforeAll(async () => {
  [open, accounts, browser] = await Promise.all([
    startServer({ demo: false }),
    startServer({ demo: false, env: { KANBRIDGE_ADMIN_EMAIL: ADMIN.email, KANBRIDGE_ADMIN_PASSWORD: ADMIN.password } }),
    launchBrowser()
  ]);
  board = (await api<BoardJson>(open.url, 'POST', '/api/boards', { name: 'Accessible board' })).body;
  const col = board.columns;
  await api(open.url, 'POST', `/api/boards/${board.id}/cards`, { title: 'Plain card', columnId: col[0].id });
  await api(open.url, 'POST', `/api/boards/${board.id}/cards`, {
    title: 'Tagged card',
    columnId: col[0].id,
    tags: ['bug', 'release'],
    assignee: 'Ann',
    due: '2020-01-01',
    estimate: 3,
    description: 'Details'
  });
  for (let i = 0; i < 3; i++) await api(open.url, 'POST', `/api/boards/${board.id}/cards`, { title: `Doing ${i}`, columnId: col[2].id });
  board = (await api<BoardJson>(open.url, 'GET', `/api/boards/${board.id}`)).body;
  const tagged = board.cards.find((c) => c.title === 'Tagged card')!;
  cardCode = tagged.code;

  const file = exportOf(seedHistory({ now: Date.now(), seed: 3, name: 'Seeded team', project: true }));
  const imported = await fetch(`${open.url}/api/import?format=kanbridge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(file)
  });
  expect(imported.status).toBe(201);
  seeded = (await imported.json()) as BoardJson;

  // Signed in: a board with a card and a second member, an API token, an invited person.
  const admin = await browser.newContext();
  contexts.push(admin);
  expect((await admin.request.post(`${accounts.url}/api/auth/login`, { data: ADMIN })).status()).toBe(200);
  const post = async <T>(path: string, data: unknown): Promise<T> => {
    const res = await admin.request.post(`${accounts.url}${path}`, { data, headers: { origin: accounts.url } });
    expect(res.status(), `${path}: ${await res.text()}`).toBeLessThan(300);
    return (await res.json()) as T;
  };
  accountsBoard = await post<BoardJson>('/api/boards', { name: 'Team board' });
  await post(`/api/boards/${accountsBoard.id}/cards`, {
    title: 'Team card',
    columnId: accountsBoard.columns[0].id,
    tags: ['ops'],
    due: '2020-01-01'
  });
  accountsCardCode = ((await (await admin.request.get(`${accounts.url}/api/boards/${accountsBoard.id}`)).json()) as BoardJson).cards[0]
    .code;
  await post('/api/users', { email: 'member@example.test', name: 'Mia Member', password: 'member-password-1' });
  await post('/api/users', { email: 'invited@example.test', name: 'Ivo Invited' });
  await post(`/api/boards/${accountsBoard.id}/members`, { email: 'member@example.test', role: 'viewer' });
  await post('/api/tokens', { name: 'Reporting', boardIds: [accountsBoard.id] });
});

afterAll(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await browser?.close();
  await Promise.all([open?.stop(), accounts?.stop()]);
});

async function pageFor(size: Size, signedIn = false): Promise<Page> {
  // The pages' Content Security Policy would refuse the injected axe-core script.
  const context = await browser.newContext({ ...SIZES[size], bypassCSP: true });
  contexts.push(context);
  if (signedIn) expect((await context.request.post(`${accounts.url}/api/auth/login`, { data: ADMIN })).status()).toBe(200);
  return context.newPage();
}

interface Target {
  name: string;
  /** Which install, signed in as the admin or not. */
  on: 'open' | 'signed in' | 'signed out';
  path: () => string;
  /** What shows once the page is ready. */
  ready: (page: Page) => Promise<unknown>;
  /** Brings the page into the state to check, after `ready`. */
  act?: (page: Page) => Promise<unknown>;
}

/** The scanner without a camera (headless Chromium refuses it), a typed code's card in the tray. */
async function scannerWithCard(page: Page) {
  await page.getByRole('button', { name: 'Start camera' }).click();
  await page.locator('[data-problem]').waitFor();
  await page.locator('[data-status="live"]').waitFor();
  const field = page.getByRole('combobox', { name: 'Type a code' });
  await field.fill(cardCode);
  await field.press('Enter');
  await page.locator('[data-tray-card]').first().waitFor();
}

const TARGETS: Target[] = [
  { name: 'card page', on: 'open', path: () => `/C/${cardCode}`, ready: (p) => p.locator('h1').first().waitFor() },
  {
    name: 'card page (lower-case link)',
    on: 'open',
    path: () => `/c/${cardCode.toLowerCase()}`,
    ready: (p) => p.locator('h1').first().waitFor()
  },
  { name: 'print', on: 'open', path: () => `/boards/${board.id}/print`, ready: (p) => p.locator('[data-preview-card]').first().waitFor() },
  { name: 'scanner', on: 'open', path: () => `/boards/${board.id}/scan`, ready: (p) => p.locator('h2').first().waitFor() },
  {
    name: 'print, asked to record the download',
    on: 'open',
    path: () => `/boards/${board.id}/print`,
    ready: (p) => p.locator('[data-preview-card]').first().waitFor(),
    act: async (p) => {
      await Promise.all([p.waitForEvent('download'), p.locator('[data-download]').click()]);
      await p.locator('[data-record-confirm]').waitFor();
    }
  },
  {
    name: 'scanner, no camera, a card typed in',
    on: 'open',
    path: () => `/boards/${board.id}/scan`,
    ready: (p) => p.locator('h2').first().waitFor(),
    act: scannerWithCard
  },
  {
    name: 'scanner, tap mode',
    on: 'open',
    path: () => `/boards/${board.id}/scan?mode=tap`,
    ready: (p) => p.locator('h2').first().waitFor(),
    act: scannerWithCard
  },
  {
    name: 'scanner, a card moved',
    on: 'open',
    path: () => `/boards/${board.id}/scan`,
    ready: (p) => p.locator('h2').first().waitFor(),
    act: async (p) => {
      await scannerWithCard(p);
      // Back and forth between the first two columns, so that every run moves it.
      const tagged = (await api<BoardJson>(open.url, 'GET', `/api/boards/${board.id}`)).body.cards.find((c) => c.code === cardCode)!;
      const to = board.columns.find((c) => c.id !== tagged.columnId)!;
      const field = p.getByRole('combobox', { name: 'Type a code' });
      await field.fill(to.code);
      await field.press('Enter');
      await p.getByRole('button', { name: 'Undo' }).first().waitFor();
    }
  },
  {
    name: 'scanner, walk mode',
    on: 'open',
    path: () => `/boards/${board.id}/scan?mode=walk`,
    ready: (p) => p.locator('h2').first().waitFor()
  },
  { name: 'wall', on: 'open', path: () => `/boards/${board.id}/wall`, ready: (p) => p.locator('main').first().waitFor() },
  {
    name: 'wall, not a picture',
    on: 'open',
    path: () => `/boards/${board.id}/wall`,
    ready: (p) => p.locator('main').first().waitFor(),
    act: async (p) => {
      await p.setInputFiles('input[data-file]', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') });
      await p.locator('[data-error]').waitFor();
    }
  },
  { name: 'insight', on: 'open', path: () => `/boards/${board.id}/insight`, ready: (p) => p.locator('[data-metric]').first().waitFor() },
  {
    name: 'insight, twelve weeks of history',
    on: 'open',
    path: () => `/boards/${seeded.id}/insight`,
    ready: (p) => p.locator('[data-chart]').first().waitFor()
  },
  {
    name: 'insight, a chart as a table and a card’s story',
    on: 'open',
    path: () => `/boards/${seeded.id}/insight`,
    ready: (p) => p.locator('[data-chart]').first().waitFor(),
    act: async (p) => {
      const card = p.locator('[data-metric="throughput"]');
      await card.getByRole('button', { name: 'Table' }).click();
      await card.locator('tbody tr').first().waitFor();
      await p.locator('.oldest button').first().click();
      await p.locator('[data-card-history] li').first().waitFor();
    }
  },
  { name: 'activity', on: 'open', path: () => `/boards/${board.id}/activity`, ready: (p) => p.locator('h1').first().waitFor() },
  {
    name: 'activity, long history',
    on: 'open',
    path: () => `/boards/${seeded.id}/activity`,
    ready: (p) => p.locator('h1').first().waitFor()
  },
  {
    name: 'activity of one card',
    on: 'open',
    path: () => `/boards/${board.id}/activity?card=${cardCode}`,
    ready: (p) => p.locator('li[data-revision]').first().waitFor()
  },
  { name: 'portfolio', on: 'open', path: () => '/portfolio', ready: (p) => p.locator('h1').first().waitFor() },
  { name: 'settings', on: 'open', path: () => `/boards/${board.id}/settings`, ready: (p) => p.locator('h1').first().waitFor() },
  { name: 'login (open install)', on: 'open', path: () => '/login', ready: (p) => p.locator('main').first().waitFor() },
  { name: 'account (open install)', on: 'open', path: () => '/account', ready: (p) => p.locator('main').first().waitFor() },
  { name: 'login', on: 'signed out', path: () => '/login', ready: (p) => p.getByRole('button', { name: /sign in/i }).waitFor() },
  {
    name: 'login, refused',
    on: 'signed out',
    path: () => '/login',
    ready: (p) => p.getByRole('button', { name: /sign in/i }).waitFor(),
    act: async (p) => {
      await p.getByLabel('Email').fill('nobody@example.test');
      await p.getByLabel('Password').fill('not-the-password');
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.locator('[role="alert"]').first().waitFor();
    }
  },
  {
    name: 'account, a new token shown once',
    on: 'signed in',
    path: () => '/account',
    ready: (p) => p.getByRole('button', { name: 'New token' }).waitFor(),
    act: async (p) => {
      await p.getByRole('button', { name: 'New token' }).click();
      await p.getByLabel('Name', { exact: true }).fill('Nightly export');
      await p.getByRole('button', { name: 'Create token' }).click();
      await p.getByRole('button', { name: 'I have copied it' }).waitFor();
    }
  },
  {
    name: 'admin, adding a person',
    on: 'signed in',
    path: () => '/admin',
    ready: (p) => p.getByRole('button', { name: 'Add person' }).waitFor(),
    act: async (p) => {
      await p.getByRole('button', { name: 'Add person' }).click();
      await p.getByLabel('Name', { exact: true }).waitFor();
    }
  },
  { name: 'account', on: 'signed in', path: () => '/account', ready: (p) => p.locator('h1').first().waitFor() },
  { name: 'a page that is not there', on: 'open', path: () => '/x/nothing', ready: (p) => p.locator('main, h1').first().waitFor() },
  { name: 'an unknown card code', on: 'open', path: () => '/C/ZZZZZZ', ready: (p) => p.locator('main, h1').first().waitFor() },
  { name: 'setup (done)', on: 'signed out', path: () => '/setup', ready: (p) => p.locator('main, h1').first().waitFor() },
  { name: 'invite (unknown code)', on: 'signed out', path: () => '/invite/nothing', ready: (p) => p.locator('main, h1').first().waitFor() },
  { name: 'card page (signed in)', on: 'signed in', path: () => `/C/${accountsCardCode}`, ready: (p) => p.locator('h1').first().waitFor() },
  { name: 'admin', on: 'signed in', path: () => '/admin', ready: (p) => p.locator('h1').first().waitFor() },
  {
    name: 'settings (signed in)',
    on: 'signed in',
    path: () => `/boards/${accountsBoard.id}/settings`,
    ready: (p) => p.locator('h1').first().waitFor()
  },
  {
    name: 'settings (signed in), pairing a phone',
    on: 'signed in',
    path: () => `/boards/${accountsBoard.id}/settings`,
    ready: (p) => p.locator('h1').first().waitFor(),
    act: async (p) => {
      await p.getByRole('button', { name: 'Pair a phone' }).click();
      await p.getByRole('button', { name: 'New code' }).waitFor();
    }
  }
];

describe('axe-core: no serious or critical violations on the other pages', () => {
  for (const target of TARGETS) {
    for (const size of Object.keys(SIZES) as Size[]) {
      // Both themes on one page load: the dark one by switching the colour scheme in place.
      it(`${target.name}, ${size}, light and dark theme`, async () => {
        const server = target.on === 'open' ? open : accounts;
        const page = await pageFor(size, target.on === 'signed in');
        try {
          await page.goto(`${server.url}${target.path()}`);
          await target.ready(page);
          await target.act?.(page);
          const found: string[] = [];
          await check(page, `${target.name} (${size})`, found);
          await page.emulateMedia({ colorScheme: 'dark' });
          await check(page, `${target.name} (${size}, dark theme)`, found);
          expect(found.join('\n')).toBe('');
        } finally {
          await page.context().close();
        }
      });
    }
  }
});

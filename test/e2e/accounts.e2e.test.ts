/**
 * Accounts in real Chromium against the real (built) server: signing in and where `next` may
 * lead, first-start setup, what each role gets on the board page, members, pairing a phone,
 * API tokens, signing out everywhere, and typed text that stays text.
 * One server has its admin from the environment; a second starts fresh and prints a setup link.
 * Build first: `npm run build`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { BoardJson } from '../../src/lib/protocol';
import { launchBrowser } from '../helpers/browser';
import { api, startServer, type RunningServer } from '../helpers/server';

const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };
const PASSWORD = 'a long enough password';

let server: RunningServer;
let fresh: RunningServer;
let browser: Browser;
/** The admin's browser: owner of every board. */
let admin: BrowserContext;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, fresh, browser] = await Promise.all([
    startServer({ demo: false, env: { KANBRIDGE_ADMIN_EMAIL: ADMIN.email, KANBRIDGE_ADMIN_PASSWORD: ADMIN.password } }),
    startServer(),
    launchBrowser()
  ]);
  admin = await context();
  expect((await admin.request.post(`${server.url}/api/auth/login`, { data: ADMIN })).status()).toBe(200);
});

afterAll(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await browser?.close();
  await Promise.all([server?.stop(), fresh?.stop()]);
});

async function context(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const c = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  contexts.push(c);
  return c;
}

let seq = 0;
const unique = (name: string) => `${name}${++seq}@example.test`;

interface TestBoard {
  id: string;
  col: Record<string, string>;
  card: Record<string, string>;
}

/** A board made by the admin (its owner), with cards by column name. */
async function makeBoard(name: string, cards: Record<string, string[]> = {}): Promise<TestBoard> {
  const created = await admin.request.post(`${server.url}/api/boards`, { data: { name } });
  expect(created.status()).toBe(201);
  const board = (await created.json()) as BoardJson;
  const col = Object.fromEntries(board.columns.map((c) => [c.name, c.id]));
  const card: Record<string, string> = {};
  for (const [column, titles] of Object.entries(cards)) {
    for (const title of titles) {
      const r = await admin.request.post(`${server.url}/api/boards/${board.id}/cards`, { data: { title, columnId: col[column] } });
      expect(r.status()).toBe(201);
      card[title] = ((await r.json()) as { card: { id: string } }).card.id;
    }
  }
  return { id: board.id, col, card };
}

/** An account made by the admin without a password: its invitation link. */
async function invite(name: string, email: string): Promise<{ id: string; url: string }> {
  const r = await admin.request.post(`${server.url}/api/users`, { data: { email, name } });
  expect(r.status()).toBe(201);
  const body = (await r.json()) as { user: { id: string }; inviteUrl: string };
  return { id: body.user.id, url: body.inviteUrl };
}

/** A person with their own browser, signed in by accepting their invitation. */
async function person(name: string, board?: { id: string; role: 'owner' | 'editor' | 'viewer' }) {
  const email = unique(name.split(' ')[0].toLowerCase());
  const { id, url } = await invite(name, email);
  const ctx = await context();
  const accepted = await ctx.request.post(`${server.url}/api/auth/invite`, {
    data: { code: url.split('/invite/')[1], password: PASSWORD }
  });
  expect(accepted.status()).toBe(200);
  if (board) await addMember(board.id, email, board.role);
  return { ctx, id, email, name };
}

async function addMember(boardId: string, email: string, role: 'owner' | 'editor' | 'viewer') {
  expect((await admin.request.post(`${server.url}/api/boards/${boardId}/members`, { data: { email, role } })).status()).toBe(200);
}

async function openBoard(ctx: BrowserContext, boardId: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${server.url}/boards/${boardId}`);
  await page.locator('[data-status="live"]').waitFor();
  return page;
}

const titles = (page: Page, columnId: string) =>
  page.locator(`section[data-column-id="${columnId}"] [data-card-id] .title`).allTextContents();
const navLabels = (page: Page) =>
  page.locator('nav[aria-label="Board tools"] > *').evaluateAll((els) => els.map((e) => e.getAttribute('title')));

async function serverTitles(boardId: string, columnId: string): Promise<string[]> {
  const r = await admin.request.get(`${server.url}/api/boards/${boardId}`);
  return ((await r.json()) as BoardJson).cards.filter((c) => c.columnId === columnId).map((c) => c.title);
}

/** A mouse drag as a person does it (svelte-dnd-action needs a few moves to start). */
async function drag(page: Page, cardId: string, toColumnId: string) {
  const from = await page.locator(`[data-card-id="${cardId}"]`).boundingBox();
  const to = await page.locator(`section[data-column-id="${toColumnId}"] .zone`).boundingBox();
  if (!from || !to) throw new Error('card or column not on screen');
  const a = { x: from.x + from.width / 2, y: from.y + from.height / 2 };
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + 5, a.y + 5, { steps: 3 });
  await page.mouse.move(to.x + to.width / 2, to.y + 30, { steps: 15 });
  await page.waitForTimeout(200);
  await page.mouse.up();
}

/** Answers the page's confirmation dialog. */
async function confirm(page: Page, button: string) {
  await page.getByRole('dialog').getByRole('button', { name: button, exact: true }).click();
}

describe('accounts in the browser', () => {
  it('sends an anonymous visitor to sign in and back, and never off the site', async () => {
    const page = await (await context()).newPage();
    await page.goto(`${server.url}/account`);
    await page.waitForURL(`${server.url}/login?next=%2Faccount`);

    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong email or password');
    expect(page.url()).toContain('/login');

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/account`);
    expect(await page.locator('main').textContent()).toContain(ADMIN.email);
    expect(await page.getByRole('button', { name: 'Account menu for Admin' }).count()).toBe(1);

    // `next` is followed only to a path on this site.
    for (const next of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)']) {
      await page.goto(`${server.url}/login?next=${encodeURIComponent(next)}`);
      expect(page.url(), next).toBe(`${server.url}/`);
    }
    await page.goto(`${server.url}/login?next=${encodeURIComponent('/admin?x=1')}`);
    expect(page.url()).toBe(`${server.url}/admin?x=1`);
  });

  it('creates the first admin from the setup link; the demo board becomes theirs', async () => {
    const link = /open (\S+\/setup\?code=\S+) to create one/.exec(fresh.output())?.[1];
    expect(link).toBeDefined();
    expect((await fs.readFile(path.join(fresh.dataDir, 'setup-link.txt'), 'utf8')).trim()).toBe(link);

    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto(`${fresh.url}/`);
    // Open install: everyone gets in, and the header says so.
    // (Named by the words it shows at this width.)
    await page.getByRole('link', { name: 'Open to anyone — set up an admin' }).click();
    await page.waitForURL(`${fresh.url}/setup`);
    expect(await page.locator('main').textContent()).toContain('setup-link.txt');

    await page.goto(link!);
    await page.getByLabel('Your name').fill('Grace Hopper');
    await page.getByLabel('Email').fill('grace@example.test');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password again').fill(`${PASSWORD}!`);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not the same');
    await page.getByLabel('Password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.waitForURL(`${fresh.url}/`);
    await page.getByRole('button', { name: 'Account menu for Grace Hopper' }).waitFor();
    expect(await page.getByRole('link', { name: /open to anyone/ }).count()).toBe(0);

    const { boards } = (await (await ctx.request.get(`${fresh.url}/api/boards`)).json()) as { boards: { id: string }[] };
    expect(boards).toHaveLength(1);
    const { members } = (await (await ctx.request.get(`${fresh.url}/api/boards/${boards[0].id}/members`)).json()) as {
      members: { email: string; role: string }[];
    };
    expect(members).toEqual([expect.objectContaining({ email: 'grace@example.test', role: 'owner' })]);

    await page.goto(link!);
    expect(await page.locator('h1').textContent()).toBe('Kanbridge is set up');

    // Now everyone signs in; and signing in is rate-limited per account.
    const stranger = await (await context()).newPage();
    await stranger.goto(`${fresh.url}/`);
    await stranger.waitForURL(`${fresh.url}/login?next=%2F`);
    for (let i = 0; i < 5; i++) {
      expect((await api(fresh.url, 'POST', '/api/auth/login', { email: 'grace@example.test', password: `guess ${i}` })).status).toBe(401);
    }
    await stranger.getByLabel('Email').fill('grace@example.test');
    await stranger.getByLabel('Password').fill(PASSWORD);
    await stranger.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => stranger.getByRole('alert').textContent()).toContain('Too many sign-in attempts');
    expect(stranger.url()).toContain('/login');
  });

  it('shows a viewer the board read-only, and an editor everything but settings', async () => {
    const b = await makeBoard('Roles', { Backlog: ['Alpha', 'Beta'] });
    const veraEmail = unique('vera');
    const viewerInvite = await invite('Vera Viewer', veraEmail);
    const viewerCtx = await context();
    const welcome = await viewerCtx.newPage();
    await welcome.goto(viewerInvite.url);
    await welcome.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await welcome.getByLabel('Password again').fill(PASSWORD);
    await welcome.getByRole('button', { name: 'Set password and sign in' }).click();
    await welcome.waitForURL(`${server.url}/`);
    await welcome.getByRole('button', { name: 'Account menu for Vera Viewer' }).waitFor();
    await addMember(b.id, veraEmail, 'viewer');

    const viewer = await openBoard(viewerCtx, b.id);
    expect(await viewer.getByText('Read only').count()).toBe(1);
    expect(await viewer.getByRole('button', { name: 'Add a card' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: /^Settings for column/ }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Add column' }).count()).toBe(0);
    expect(await navLabels(viewer)).toEqual(['Insight', 'Activity', 'Members']);
    const before = (await (await admin.request.get(`${server.url}/api/boards/${b.id}`)).json()) as BoardJson;

    // Neither a drag nor the keyboard moves a card (cards are not even in the tab order).
    await drag(viewer, b.card.Alpha, b.col.Ready);
    const beta = viewer.locator(`[data-card-id="${b.card.Beta}"]`);
    expect(await beta.getAttribute('tabindex')).toBe('-1');
    await beta.focus();
    await viewer.keyboard.press('Space');
    await viewer.keyboard.press('ArrowUp');
    await viewer.keyboard.press('Space');
    await viewer.waitForTimeout(300);
    expect(await titles(viewer, b.col.Ready)).toEqual([]);
    expect(await titles(viewer, b.col.Backlog)).toEqual(['Alpha', 'Beta']);
    expect(((await (await admin.request.get(`${server.url}/api/boards/${b.id}`)).json()) as BoardJson).revision).toBe(before.revision);

    // A card opens to be read, not edited.
    await viewer.getByRole('button', { name: 'Open “Alpha”' }).click();
    const card = viewer.getByRole('dialog', { name: 'Card' });
    expect(await card.locator('h3').textContent()).toBe('Alpha');
    expect(await card.getByRole('button', { name: /Save|Archive/ }).count()).toBe(0);

    const editor = await openBoard((await person('Ed Editor', { id: b.id, role: 'editor' })).ctx, b.id);
    expect(await editor.getByText('Read only').count()).toBe(0);
    expect(await editor.getByRole('button', { name: 'Add a card' }).count()).toBe(Object.keys(b.col).length);
    expect(await editor.getByRole('button', { name: /^Settings for column/ }).count()).toBe(0);
    expect(await navLabels(editor)).toEqual(['Scan cards with a phone', 'Print', 'Wall photo', 'Insight', 'Activity', 'Members']);
    await drag(editor, b.card.Alpha, b.col.Ready);
    await expect.poll(() => serverTitles(b.id, b.col.Ready)).toEqual(['Alpha']);
    await expect.poll(() => titles(viewer, b.col.Ready)).toEqual(['Alpha']);

    // The owner has the settings; the scanner dialog shows the board's scanner QR.
    const owner = await openBoard(admin, b.id);
    expect(await navLabels(owner)).toContain('Settings');
    await owner.getByRole('button', { name: 'Scanner' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Phone scanner' });
    expect(await dialog.locator('[data-scanner-url]').getAttribute('data-scanner-url')).toBe(`${server.url}/boards/${b.id}/scan`);
    await owner.close();
  });

  it('lets an owner add and remove a member; the removed member’s open board loses access at once', async () => {
    const b = await makeBoard('Members', { Backlog: ['Gamma'] });
    const columns = Object.keys(b.col).length;
    const max = await person('Max Member');
    const settings = await admin.newPage();
    await settings.goto(`${server.url}/boards/${b.id}/settings`);
    await settings.getByLabel('Email').fill(max.email);
    await settings.getByRole('button', { name: 'Add', exact: true }).click();
    await settings.locator(`[data-member="${max.email}"]`).waitFor();
    expect(await settings.getByLabel('Role of Max Member').inputValue()).toBe('editor');

    const board = await openBoard(max.ctx, b.id);
    expect(await board.getByRole('button', { name: 'Add a card' }).count()).toBe(columns);

    await settings.getByRole('button', { name: 'Remove Max Member from this board' }).click();
    await confirm(settings, 'Remove');
    await expect.poll(() => settings.locator(`[data-member="${max.email}"]`).count()).toBe(0);
    await board.locator('[data-revoked="board"]').waitFor();
    expect(await board.getByRole('alert').textContent()).toContain('You no longer have access to this board');
    expect(await board.locator('[data-card-id]').count()).toBe(0);

    const again = await board.goto(`${server.url}/boards/${b.id}`);
    expect(again?.status()).toBe(403);
    expect(await board.locator('body').textContent()).toContain('You do not have access to this board');
    await settings.close();
  });

  it('pairs a phone on purpose from the pairing link; it scans that board and nothing else', async () => {
    const b = await makeBoard('Stand-up wall');
    const other = await makeBoard('Someone else’s');
    const settings = await admin.newPage();
    await settings.goto(`${server.url}/boards/${b.id}/settings`);
    await settings.getByRole('button', { name: 'Pair a phone' }).click();
    const shown = settings.locator('[data-pairing-url]');
    const url = await shown.getAttribute('data-pairing-url');
    expect(url).toMatch(new RegExp(`^${server.url}/pair/[\\w-]+$`));
    expect(await settings.getByRole('timer').textContent()).toMatch(/Expires in \d+:\d\d/);

    const phoneCtx = await context({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await phoneCtx.newPage();
    await phone.goto(url!);
    expect(await phone.locator('.name').textContent()).toBe('Stand-up wall');
    // Opening the link changed nothing: the phone pairs when its person says so.
    const scanners = async () =>
      ((await (await admin.request.get(`${server.url}/api/boards/${b.id}/scanners`)).json()) as { scanners: { label: string }[] }).scanners;
    expect(await scanners()).toEqual([]);

    await phone.getByLabel(/Name for this phone/).fill('Stand-up phone');
    await phone.getByRole('button', { name: 'Pair this phone' }).click();
    await phone.waitForURL(`${server.url}/boards/${b.id}/scan`);
    expect((await scanners()).map((s) => s.label)).toEqual(['Stand-up phone']);
    // The owner's page notices by itself, and puts the used code away.
    await settings.locator('[data-scanner="Stand-up phone"]').waitFor();
    await expect.poll(() => shown.count()).toBe(0);

    // The same link does not pair a second phone.
    const late = await (await context()).newPage();
    await late.goto(url!);
    expect(await late.locator('h1').textContent()).toBe('This pairing code no longer works');

    expect((await phone.goto(`${server.url}/boards/${other.id}`))?.status()).toBe(403);
    await phone.goto(`${server.url}/`);
    expect(phone.url()).toBe(`${server.url}/boards/${b.id}/scan`);
    expect((await phoneCtx.request.get(`${server.url}/api/boards/${other.id}`)).status()).toBe(403);

    await settings.getByRole('button', { name: 'Unpair Stand-up phone' }).click();
    await confirm(settings, 'Unpair');
    await expect.poll(async () => (await phoneCtx.request.get(`${server.url}/api/boards/${b.id}`)).status()).toBe(401);
    await settings.close();
  });

  it('shows a new API token once; it works as a Bearer token until revoked', async () => {
    const b = await makeBoard('Scripted');
    const page = await admin.newPage();
    await page.goto(`${server.url}/account`);
    await page.getByRole('button', { name: 'New token' }).click();
    const form = page.getByRole('dialog', { name: 'New API token' });
    await form.getByLabel('Name').fill('CI export');
    await form.getByLabel('Only the boards I choose').check();
    await form.getByLabel('Scripted', { exact: true }).check();
    await form.getByLabel('Allow changes').check();
    await form.getByRole('button', { name: 'Create token' }).click();
    const shown = page.locator('[data-fresh-token]');
    const token = await shown.getByRole('textbox').inputValue();
    expect(token).toMatch(/^kb_[\w-]{20,}$/);
    expect(await shown.getByRole('button', { name: 'Copy' }).count()).toBe(1);

    const bearer = (method: string, p: string, body?: unknown) =>
      fetch(server.url + p, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body)
      });
    expect((await bearer('GET', `/api/boards/${b.id}`)).status).toBe(200);
    expect((await bearer('POST', `/api/boards/${b.id}/cards`, { title: 'From the script' })).status).toBe(201);
    // Limited to the chosen board.
    const elsewhere = await makeBoard('Not for scripts');
    expect((await bearer('GET', `/api/boards/${elsewhere.id}`)).status).toBe(403);

    await page.reload();
    expect(await page.content()).not.toContain(token);
    const row = page.locator('[data-token-id]', { hasText: 'CI export' });
    expect(await row.textContent()).toContain('Read and write');
    expect(await row.textContent()).toContain('Scripted');

    await page.getByRole('button', { name: 'Revoke token CI export' }).click();
    await confirm(page, 'Revoke token');
    await expect.poll(async () => (await bearer('GET', `/api/boards/${b.id}`)).status).toBe(401);
    await expect.poll(() => row.count()).toBe(0);
    await page.close();
  });

  it('signs a person out everywhere, and their open board says so', async () => {
    const b = await makeBoard('Sessions', { Backlog: ['Delta'] });
    const sam = await person('Sam Sessions', { id: b.id, role: 'editor' });
    const board = await openBoard(sam.ctx, b.id);

    const laptop = await (await context()).newPage();
    await laptop.goto(`${server.url}/login?next=%2Faccount`);
    await laptop.getByLabel('Email').fill(sam.email);
    await laptop.getByLabel('Password').fill(PASSWORD);
    await laptop.getByRole('button', { name: 'Sign in' }).click();
    await laptop.waitForURL(`${server.url}/account`);
    await laptop.getByRole('button', { name: 'Sign out everywhere' }).click();
    await confirm(laptop, 'Sign out everywhere');
    await laptop.waitForURL(`${server.url}/login`);

    await board.locator('[data-revoked="session"]').waitFor();
    expect(await board.getByRole('alert').textContent()).toContain('You were signed out');
    await board.goto(`${server.url}/boards/${b.id}`);
    expect(board.url()).toBe(`${server.url}/login?next=${encodeURIComponent(`/boards/${b.id}`)}`);
    // Only Sam's sessions went.
    expect((await admin.request.get(`${server.url}/api/me`)).status()).toBe(200);
  });

  it('shows what people type as text, never as markup', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const b = await makeBoard(`Board ${evil}`, { Backlog: [evil] });
    const named = await person(`Mallory ${evil}`, { id: b.id, role: 'viewer' });
    const page = await admin.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    await page.goto(`${server.url}/boards/${b.id}`);
    await page.locator('[data-status="live"]').waitFor();
    expect(await titles(page, b.col.Backlog)).toEqual([evil]);
    expect(await page.locator('h1').textContent()).toBe(`Board ${evil}`);

    const { cards } = (await (await admin.request.get(`${server.url}/api/boards/${b.id}`)).json()) as BoardJson;
    await page.goto(`${server.url}/C/${cards[0].code}`);
    await page.locator('[data-status="live"]').waitFor();
    expect(await page.locator('main h1').textContent()).toBe(evil);

    await page.goto(`${server.url}/boards/${b.id}/settings`);
    expect(await page.locator(`[data-member="${named.email}"] .name`).textContent()).toBe(named.name);
    await page.goto(`${server.url}/admin`);
    expect(await page.locator(`[data-user-id="${named.id}"] .name`).textContent()).toBe(named.name);

    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});

/**
 * Every page request passes here: it reaches the running instance (`locals.app`), learns who
 * is asking (`locals.principal`, `locals.actor`), and is checked before any page code runs —
 * so a page cannot forget: board pages need read access to their board, printed-code pages
 * to the board the code belongs to (an inaccessible code looks unknown), everything else a
 * signed-in user. Until the first account exists the install is open.
 */
import { error, type Handle } from '@sveltejs/kit';
import type { App as KanbridgeApp } from '../server/app';
import { authorizeBoard, type BoardAction } from '../server/auth/permissions';
import { actorOf } from '../server/auth/actor';
import { SESSION_COOKIE } from '../server/auth/constants';

const PUBLIC = [/^\/login\/?$/, /^\/setup\/?$/, /^\/invite\/[^/]+\/?$/, /^\/pair\/[^/]+\/?$/];
const CODE_PAGE = /^\/([CLBclb])\/([^/]+)\/?$/;
const BOARD_PAGE = /^\/boards\/([^/]+)(\/.*)?$/;

/** A redirect answered directly: a thrown one must never escape the request it belongs to. */
const seeOther = (location: string) => new Response(null, { status: 303, headers: { location } });

/** True when every percent-escape in the path is complete and decodes to UTF-8. */
function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The form action a POST names (`?/name`), as SvelteKit reads it. SvelteKit looks the name up
 * on the page's `actions` object without an own-property check, so `?/constructor` or
 * `?/__proto__` would run Object's methods, and `?/default` throws: those end here as unknown.
 */
function unknownAction(url: URL): boolean {
  for (const [key] of url.searchParams) {
    if (!key.startsWith('/')) continue;
    const name = key.slice(1);
    return name === 'default' || name in Object.prototype;
  }
  return false;
}

export const handle: Handle = async ({ event, resolve }) => {
  const app = (globalThis as { __kanbridge?: KanbridgeApp }).__kanbridge;
  if (!app) throw new Error('the Kanbridge server is not running in this process');
  event.locals.app = app;
  const principal = app.accounts.principal({ cookie: event.cookies.get(SESSION_COOKIE) ?? null });
  event.locals.principal = principal;
  event.locals.actor = actorOf(principal, { id: 'web', name: 'Guest' });

  const path = event.url.pathname;
  if (!decodable(path)) {
    return new Response('Bad request: this address has a broken percent-escape.', {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8' }
    });
  }
  if (event.request.method === 'POST' && unknownAction(event.url)) {
    return new Response('Not found: this page has no such form action.', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8' }
    });
  }
  if (path.startsWith('/_app/') || PUBLIC.some((p) => p.test(path))) return resolve(event);
  if (principal.kind === 'anonymous') {
    return seeOther(`/login?next=${encodeURIComponent(path + event.url.search)}`);
  }
  const can = (boardId: string, action: BoardAction) => authorizeBoard(principal, boardId, action, (u, b) => app.accounts.roleOf(u, b)).ok;

  const board = BOARD_PAGE.exec(path);
  const code = CODE_PAGE.exec(path);
  if (board) {
    if (!can(decodeURIComponent(board[1]), 'read'))
      error(403, { message: 'You do not have access to this board. Ask its owner to add you.', code: 'FORBIDDEN' });
  } else if (code) {
    // Printed-code pages check access where they look the code up (resolveCode), after the
    // same redirects an unknown code gets, so that both answer alike.
  } else if (principal.kind === 'scanner') {
    // A paired phone belongs to one board's scanner.
    return seeOther(`/boards/${principal.scanner.boardId}/scan`);
  }
  return resolve(event);
};

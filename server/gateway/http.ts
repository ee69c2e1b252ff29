/**
 * The JSON HTTP API router (a stable contract; see design §3). Each feature contributes a
 * table of routes from its own module (gateway/routes/*), and app.ts lists them all, so tests
 * can walk every route.
 *
 * Every route states who may call it (`access`); the router checks it before the handler runs,
 * so a handler cannot forget. A route without an explicit `access` gets the strict default:
 * routes under a board need read access for GET and edit access otherwise; other routes need
 * a signed-in user. Cookie-authenticated writes must come from this site (Origin check), so a
 * page elsewhere cannot act with a user's cookie.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Accounts } from '../auth/accounts';
import { credentialsOf } from '../auth/cookies';
import { authorizeBoard, forbidden, UNAUTHENTICATED, type BoardAction, type Decision } from '../auth/permissions';
import type { Principal } from '../auth/types';
import type { BoardService } from '../board-service';
import { HttpError, sendError } from './http-util';
import { isId } from '../../src/lib/domain';

export interface ApiContext {
  service: BoardService;
  accounts: Accounts;
  version: string;
  /** The origin printed into QR codes when PUBLIC_URL is set; otherwise taken from the request. */
  publicUrl?: string;
}

export interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  principal: Principal;
  /** Throws 401/403 unless the principal may do `action` on `boardId`. */
  authorize: (boardId: string, action: BoardAction) => void;
}

export type Handler = (r: Request, api: ApiContext) => Promise<void>;

/**
 * `public`: anyone; `any`: anyone signed in, a paired scanner included; `user`: a signed-in
 * user (not a scanner); `admin`; or a board action on `:boardId`. An open install (no accounts
 * yet) passes all but `admin`.
 */
export type Access = 'public' | 'any' | 'user' | 'admin' | { board: BoardAction };

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  pattern: string;
  handler: Handler;
  access?: Access;
}

export function accessOf(route: Route): Access {
  if (route.access) return route.access;
  if (route.pattern.includes(':boardId')) return { board: route.method === 'GET' ? 'read' : 'edit' };
  return 'user';
}

export function checkAccess(access: Access, principal: Principal, params: Record<string, string>, accounts: Accounts): Decision {
  if (access === 'public') return { ok: true };
  if (typeof access === 'object') return authorizeBoard(principal, params.boardId, access.board, (u, b) => accounts.roleOf(u, b));
  switch (principal.kind) {
    case 'open':
      return access === 'admin' ? forbidden('Create the admin account first (see the setup link printed at start)') : { ok: true };
    case 'anonymous':
      return UNAUTHENTICATED;
    case 'scanner':
      return access === 'any' ? { ok: true } : forbidden('A paired scanner can only move cards on its board');
    case 'user':
      if (principal.token?.revokedAt) return UNAUTHENTICATED;
      return access === 'admin' && !principal.user.admin ? forbidden('Only an admin can do this') : { ok: true };
  }
}

interface Compiled {
  route: Route;
  regex: RegExp;
  keys: string[];
}

function compile(routes: Route[]): Compiled[] {
  return routes.map((route) => {
    const keys: string[] = [];
    const source = route.pattern.replace(/:(\w+)/g, (_, k: string) => {
      keys.push(k);
      return '([^/]+)';
    });
    return { route, regex: new RegExp(`^${source.replace(/\./g, '\\.')}/?$`), keys };
  });
}

const deny = (d: Exclude<Decision, { ok: true }>) => new HttpError(d.status, d.code, d.message);

/**
 * Handles a request if it is for the API; returns false for anything else so the page
 * handler can take it.
 */
export function createApiHandler(api: ApiContext, routes: Route[]) {
  const compiled = compile(routes);
  return async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = requestUrl(req.url);
    if (!url) {
      sendError(res, new HttpError(400, 'INVALID', 'The request address is not valid'));
      return true;
    }
    if (url.pathname !== '/api' && !url.pathname.startsWith('/api/')) return false;
    try {
      const matches = compiled.filter((c) => c.regex.test(url.pathname));
      if (matches.length === 0) throw new HttpError(404, 'NOT_FOUND', `No API route ${url.pathname}`);
      const hit = matches.find((c) => c.route.method === req.method);
      if (!hit) {
        res.setHeader('allow', matches.map((m) => m.route.method).join(', '));
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname}`);
      }
      const m = hit.regex.exec(url.pathname)!;
      const params: Record<string, string> = {};
      hit.keys.forEach((k, i) => {
        params[k] = safeDecode(m[i + 1]);
        // Every id in a path is checked against the id pattern before anything looks it up.
        if (k.endsWith('Id') && !isId(params[k])) throw new HttpError(400, 'INVALID', `${k} must be an id (letters, digits, _ or -)`);
      });
      const credentials = credentialsOf(req);
      let principal = api.accounts.principal(credentials);
      if (principal.kind === 'anonymous' && (credentials.cookie || credentials.bearer)) {
        // Perhaps made on another server moments ago.
        await api.accounts.refresh();
        principal = api.accounts.principal(credentials);
      }
      if (req.method !== 'GET' && !credentials.bearer && !sameSite(req, api.publicUrl)) {
        throw new HttpError(403, 'CROSS_SITE', 'This request came from another site');
      }
      const decision = checkAccess(accessOf(hit.route), principal, params, api.accounts);
      if (!decision.ok) throw deny(decision);
      const authorize = (boardId: string, action: BoardAction) => {
        const d = authorizeBoard(principal, boardId, action, (u, b) => api.accounts.roleOf(u, b));
        if (!d.ok) throw deny(d);
      };
      await hit.route.handler({ req, res, url, params, principal, authorize }, api);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
      } else if (err instanceof HttpError) {
        // A body refused as too large may still be on its way: the connection cannot carry
        // another request after it, so say that it closes rather than let a client reuse it.
        if (err.status === 413 && !req.complete) res.setHeader('connection', 'close');
        sendError(res, err);
      } else {
        console.error(`API ${req.method} ${url.pathname} failed:`, err);
        sendError(res, new HttpError(500, 'INTERNAL', 'The server could not complete this request'));
      }
    }
    return true;
  };
}

/**
 * A write that carries the browser's Origin (or Referer) must come from this host or from
 * PUBLIC_URL. Requests without either (scripts, curl) are not browsers acting for a user.
 */
export function sameSite(req: IncomingMessage, publicUrl?: string): boolean {
  const origin = req.headers.origin ?? refererOrigin(req.headers.referer);
  if (!origin || origin === 'null') return origin !== 'null';
  try {
    const o = new URL(origin);
    if (o.host === req.headers.host) return true;
    return !!publicUrl && o.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * The request target as a URL, or null when it is none. A path is read as a path: `//x/api`
 * is not the host x (resolving it against a base would make it one, and throw on `//%2e`).
 */
function requestUrl(target = '/'): URL | null {
  try {
    return target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target, 'http://localhost');
  } catch {
    return null;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, 'INVALID', 'The URL is not correctly encoded');
  }
}

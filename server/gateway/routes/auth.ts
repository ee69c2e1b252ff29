/**
 * Accounts API: sign in and out, first-start setup, invitations, users (admin), board members
 * (owner), API tokens (per user, shown once) and scanner pairing (owner). Sign-in is
 * rate-limited per (address, account) pair and per address, never per account alone: a flood
 * of wrong passwords from elsewhere cannot lock the real user out of their own address.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { MAX_JSON_BODY, formatIssues } from '../../../src/lib/protocol';
import { AccountError } from '../../auth/accounts';
import { clearSessionCookie, credentialsOf, isSecure, sessionCookie } from '../../auth/cookies';
import { BOARD_SCOPED, boardScoped, forbidden } from '../../auth/permissions';
import { RateLimiter } from '../../auth/rate-limit';
import type { Principal, User } from '../../auth/types';
import type { ApiContext, Request, Route } from '../http';
import { HttpError, readJson, sendJson } from '../http-util';

const email = z
  .string()
  .trim()
  .min(3)
  .max(200)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');
const password = z.string().min(8, 'a password has at least 8 characters').max(200);
const name = z.string().trim().min(1).max(80);

const loginSchema = z.strictObject({ email: z.string().max(200), password: z.string().max(200) });
const logoutSchema = z.strictObject({ everywhere: z.boolean().optional() });
const setupSchema = z.strictObject({ code: z.string().max(200), email, name, password });
const inviteSchema = z.strictObject({ code: z.string().max(200), password, name: name.optional() });
const userSchema = z.strictObject({ email, name, password: password.optional(), admin: z.boolean().optional() });
const memberSchema = z.strictObject({ email, role: z.enum(['owner', 'editor', 'viewer']) });
const tokenSchema = z.strictObject({ name, boardIds: z.array(z.string().max(64)).max(500).optional(), write: z.boolean().optional() });
const pairSchema = z.strictObject({ code: z.string().max(200), label: z.string().max(60).optional() });

/** Per 10 minutes: 5 failed sign-ins for one account from one address, 30 from one address in all. */
const byPair = new RateLimiter(5, 10 * 60e3);
const byAddress = new RateLimiter(30, 10 * 60e3);

const addressOf = (r: Request) => r.req.socket.remoteAddress ?? 'unknown';

/** Invitation attempts (each may hash a password): 10 per address per 10 minutes. */
const invitesByAddress = new RateLimiter(10, 10 * 60e3);

/** Counts one sign-in attempt; answers 429 with Retry-After when the address or the pair is over its limit. */
function limitSignIn(r: Request, account: string): { pair: string; address: string } {
  const address = addressOf(r);
  const pair = `${address}|${account}`;
  const wait = Math.max(byPair.take(pair), byAddress.take(address));
  if (wait > 0) {
    r.res.setHeader('retry-after', String(wait));
    throw new HttpError(429, 'RATE_LIMITED', `Too many sign-in attempts from this address; try again in ${wait} s`);
  }
  return { pair, address };
}

async function body<T>(r: Request, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await readJson(r.req, MAX_JSON_BODY));
  if (!parsed.success) throw new HttpError(400, 'INVALID', formatIssues(parsed.error));
  return parsed.data;
}

const publicUser = (u: User) => ({ id: u.id, email: u.email, name: u.name, admin: u.admin });

function originOf(r: Request, api: ApiContext): string {
  if (api.publicUrl) return api.publicUrl;
  const host = r.req.headers.host ?? 'localhost';
  return `${isSecure(r.req) ? 'https' : 'http'}://${/^[A-Za-z0-9.:[\]-]+$/.test(host) ? host : 'localhost'}`;
}

/** Account management needs a person at a browser, not an API token or a paired phone. */
function sessionUser(p: Principal): User {
  if (p.kind === 'user' && !p.token) return p.user;
  const d = forbidden('Sign in with your password to manage accounts, members and tokens');
  throw new HttpError(d.status, d.code, d.message);
}

function wrap(fn: (r: Request, api: ApiContext) => Promise<void>) {
  return async (r: Request, api: ApiContext) => {
    try {
      await fn(r, api);
    } catch (err) {
      if (err instanceof AccountError) throw new HttpError(err.status, err.code, err.message);
      throw err;
    }
  };
}

function setSession(res: ServerResponse, r: Request, value: string) {
  res.setHeader('set-cookie', sessionCookie(value, isSecure(r.req)));
}

export const authRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/auth/login',
    access: 'public',
    handler: wrap(async (r, api) => {
      const input = await body(r, loginSchema);
      const keys = limitSignIn(r, input.email.trim().toLowerCase());
      const result = await api.accounts.login(input.email, input.password);
      if (!result) throw new HttpError(401, 'BAD_CREDENTIALS', 'Wrong email or password');
      // A successful sign-in does not count against the address (many people may share it).
      byPair.reset(keys.pair);
      byAddress.refund(keys.address);
      setSession(r.res, r, result.sessionId);
      sendJson(r.res, 200, { user: publicUser(result.user) });
    })
  },
  {
    method: 'POST',
    pattern: '/api/auth/logout',
    access: 'public',
    handler: wrap(async (r, api) => {
      const input = r.req.headers['content-length'] === '0' || !r.req.headers['content-type'] ? {} : await body(r, logoutSchema);
      const { cookie } = credentialsOf(r.req);
      if (input.everywhere && r.principal.kind === 'user') await api.accounts.logoutEverywhere(r.principal.user.id);
      else if (cookie?.startsWith('u.')) await api.accounts.logout(cookie);
      r.res.setHeader('set-cookie', clearSessionCookie(isSecure(r.req)));
      sendJson(r.res, 200, { ok: true });
    })
  },
  {
    method: 'GET',
    pattern: '/api/me',
    access: 'any',
    handler: async (r, api) => {
      const p = r.principal;
      if (p.kind === 'open') return sendJson(r.res, 200, { open: true, setupPending: !api.accounts.active });
      if (p.kind === 'scanner')
        return sendJson(r.res, 200, { scanner: { id: p.scanner.id, boardId: p.scanner.boardId, label: p.scanner.label } });
      if (p.kind === 'anonymous') throw new HttpError(401, 'UNAUTHENTICATED', 'Sign in first'); // the router already refused it
      sendJson(r.res, 200, {
        user: publicUser(p.user),
        token: p.token ? { id: p.token.id, name: p.token.name, write: p.token.write } : null
      });
    }
  },
  {
    method: 'POST',
    pattern: '/api/auth/setup',
    access: 'public',
    handler: wrap(async (r, api) => {
      const input = await body(r, setupSchema);
      const user = await api.accounts.completeSetup(input.code, input);
      await api.accounts.adoptOrphans(
        (await api.service.listBoards()).map((b) => b.id),
        user.id
      );
      const login = await api.accounts.login(input.email, input.password);
      if (login) setSession(r.res, r, login.sessionId);
      sendJson(r.res, 201, { user: publicUser(user) });
    })
  },
  {
    method: 'POST',
    pattern: '/api/auth/invite',
    access: 'public',
    handler: wrap(async (r, api) => {
      const input = await body(r, inviteSchema);
      const wait = invitesByAddress.take(addressOf(r));
      if (wait > 0) {
        r.res.setHeader('retry-after', String(wait));
        throw new HttpError(429, 'RATE_LIMITED', `Too many invitation attempts from this address; try again in ${wait} s`);
      }
      const user = await api.accounts.acceptInvite(input.code, input.password, input.name);
      const login = await api.accounts.login(user.email, input.password);
      if (login) setSession(r.res, r, login.sessionId);
      sendJson(r.res, 200, { user: publicUser(user) });
    })
  },
  {
    method: 'GET',
    pattern: '/api/users',
    access: 'admin',
    handler: async (r, api) => {
      if (boardScoped(r.principal)) throw new HttpError(BOARD_SCOPED.status, BOARD_SCOPED.code, BOARD_SCOPED.message);
      sendJson(r.res, 200, { users: api.accounts.users().map(publicUser) });
    }
  },
  {
    method: 'POST',
    pattern: '/api/users',
    access: 'admin',
    handler: wrap(async (r, api) => {
      sessionUser(r.principal);
      const input = await body(r, userSchema);
      const { user, inviteCode } = await api.accounts.createUser(input);
      sendJson(r.res, 201, { user: publicUser(user), ...(inviteCode ? { inviteUrl: `${originOf(r, api)}/invite/${inviteCode}` } : {}) });
    })
  },
  {
    // Members (names, emails, roles) are for people: a paired scanner only needs to move cards,
    // and a token limited to some boards lists no users.
    method: 'GET',
    pattern: '/api/boards/:boardId/members',
    access: { board: 'read' },
    handler: async (r, api) => {
      if (r.principal.kind === 'scanner')
        throw new HttpError(403, 'FORBIDDEN', 'A paired scanner can only move cards on its board; it cannot see members');
      if (boardScoped(r.principal)) throw new HttpError(BOARD_SCOPED.status, BOARD_SCOPED.code, BOARD_SCOPED.message);
      sendJson(r.res, 200, {
        members: api.accounts.members(r.params.boardId).map(({ userId, email, name, role }) => ({ userId, email, name, role }))
      });
    }
  },
  {
    method: 'POST',
    pattern: '/api/boards/:boardId/members',
    access: { board: 'settings' },
    handler: wrap(async (r, api) => {
      sessionUser(r.principal);
      const input = await body(r, memberSchema);
      const user = api.accounts.userByEmail(input.email);
      if (!user) throw new HttpError(404, 'NO_ACCOUNT', `${input.email} has no account yet; an admin can invite them`);
      await api.accounts.setMember(r.params.boardId, user.id, input.role);
      sendJson(r.res, 200, { userId: user.id, email: user.email, name: user.name, role: input.role });
    })
  },
  {
    method: 'DELETE',
    pattern: '/api/boards/:boardId/members/:userId',
    access: { board: 'settings' },
    handler: wrap(async (r, api) => {
      sessionUser(r.principal);
      await api.accounts.removeMember(r.params.boardId, r.params.userId);
      sendJson(r.res, 200, { ok: true });
    })
  },
  {
    method: 'GET',
    pattern: '/api/tokens',
    access: 'user',
    handler: async (r, api) => {
      const user = sessionUser(r.principal);
      sendJson(r.res, 200, {
        tokens: api.accounts.tokens(user.id).map(({ id, name, boardIds, write, createdAt }) => ({ id, name, boardIds, write, createdAt }))
      });
    }
  },
  {
    method: 'POST',
    pattern: '/api/tokens',
    access: 'user',
    handler: wrap(async (r, api) => {
      const user = sessionUser(r.principal);
      const input = await body(r, tokenSchema);
      for (const boardId of input.boardIds ?? []) r.authorize(boardId, input.write ? 'edit' : 'read');
      const { token, record } = await api.accounts.createToken(user.id, input);
      sendJson(r.res, 201, { token, id: record.id, name: record.name, boardIds: record.boardIds, write: record.write });
    })
  },
  {
    method: 'DELETE',
    pattern: '/api/tokens/:tokenId',
    access: 'user',
    handler: wrap(async (r, api) => {
      const user = sessionUser(r.principal);
      await api.accounts.revokeToken(user.id, r.params.tokenId);
      sendJson(r.res, 200, { ok: true });
    })
  },
  {
    method: 'POST',
    pattern: '/api/boards/:boardId/pairings',
    access: { board: 'settings' },
    handler: wrap(async (r, api) => {
      const user = sessionUser(r.principal);
      if (!(await api.service.getBoard(r.params.boardId as never))) throw new HttpError(404, 'NOT_FOUND', 'No such board');
      const { code, expiresAt } = await api.accounts.createPairing(r.params.boardId, user.id);
      sendJson(r.res, 201, { url: `${originOf(r, api)}/pair/${code}`, expiresAt });
    })
  },
  {
    method: 'POST',
    pattern: '/api/pair',
    access: 'public',
    handler: wrap(async (r, api) => {
      const input = await body(r, pairSchema);
      const { secret, scanner } = await api.accounts.redeemPairing(input.code, input.label ?? 'Phone');
      setSession(r.res, r, secret);
      sendJson(r.res, 201, { boardId: scanner.boardId, scanner: { id: scanner.id, label: scanner.label } });
    })
  },
  {
    method: 'GET',
    pattern: '/api/boards/:boardId/scanners',
    access: { board: 'settings' },
    handler: async (r, api) =>
      sendJson(r.res, 200, {
        scanners: api.accounts
          .scanners(r.params.boardId)
          .map(({ id, label, createdAt, createdBy }) => ({ id, label, createdAt, createdBy }))
      })
  },
  {
    method: 'DELETE',
    pattern: '/api/boards/:boardId/scanners/:scannerId',
    access: { board: 'settings' },
    handler: wrap(async (r, api) => {
      sessionUser(r.principal);
      await api.accounts.revokeScanner(r.params.boardId, r.params.scannerId);
      sendJson(r.res, 200, { ok: true });
    })
  }
];

/**
 * The JSON HTTP API router (a stable contract; see design §3). Each feature contributes a
 * table of routes from its own module (gateway/routes/*), and app.ts lists them all, so tests
 * can walk every route. Every body is parsed with a zod schema; every
 * error is `{ error: { code, message } }` with a fitting 4xx status, never a stack trace.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BoardService } from '../board-service';
import { HttpError, sendError } from './http-util';

export interface ApiContext {
  service: BoardService;
  version: string;
  /** The origin printed into QR codes when PUBLIC_URL is set; otherwise taken from the request. */
  publicUrl?: string;
}

export interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type Handler = (r: Request, api: ApiContext) => Promise<void>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  pattern: string;
  handler: Handler;
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
  return { route, regex: new RegExp(`^${source}/?$`), keys };
  });
}

/**
 * Handles a request if it is for the API; returns false for anything else so the page
 * handler can take it.
 */
export function createApiHandler(api: ApiContext, routes: Route[]) {
  const compiled = compile(routes);
  return async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
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
      });
      await hit.route.handler({ req, res, url, params }, api);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
      } else if (err instanceof HttpError) {
        sendError(res, err);
      } else {
        console.error(`API ${req.method} ${url.pathname} failed:`, err);
        sendError(res, new HttpError(500, 'INTERNAL', 'The server could not complete this request'));
      }
    }
    return true;
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, 'INVALID', 'The URL is not correctly encoded');
  }
}

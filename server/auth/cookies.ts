/** The session cookie: httpOnly, SameSite=Lax (a phone's camera app opening /C/<CODE> still sends it), Secure under HTTPS. */
import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE, SESSION_DAYS } from './constants';

export { SESSION_COOKIE };

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

export function sessionCookie(value: string, secure: boolean, maxAgeDays = SESSION_DAYS): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.round(maxAgeDays * 86400)}`,
    ...(secure ? ['Secure'] : [])
  ].join('; ');
}

export function clearSessionCookie(secure: boolean): string {
  return sessionCookie('', secure, 0);
}

/** Credentials on a request: the session cookie, or `Authorization: Bearer <token>`. */
export function credentialsOf(req: Pick<IncomingMessage, 'headers'>): { cookie: string | null; bearer: string | null } {
  const auth = req.headers.authorization;
  const bearer = typeof auth === 'string' && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : null;
  return { cookie: readCookie(req.headers.cookie, SESSION_COOKIE), bearer };
}

/** HTTPS as the browser sees it (directly, or behind a proxy that says so). */
export function isSecure(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true || req.headers['x-forwarded-proto'] === 'https';
}

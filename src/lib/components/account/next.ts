/**
 * Where to go after signing in. `next` comes from the address bar, so anyone can write it:
 * only a path on this site is followed, never another origin (`https://…`, `//host`,
 * `/\host`), so a sign-in link cannot send someone on to a look-alike site.
 */
const BASE = 'http://kanbridge.invalid';

export function safeNext(raw: string | null | undefined, fallback = '/'): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return fallback;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return fallback;
  }
  // The parser drops tabs and newlines, so "/\t/host" can still become another origin.
  if (url.origin !== BASE) return fallback;
  const path = url.pathname + url.search + url.hash;
  // Back to the sign-in page itself would only loop.
  return /^\/login\/?$/.test(url.pathname) ? fallback : path;
}

/** Security headers for every response (pages and API). SvelteKit adds the page CSP itself. */
import type { ServerResponse } from 'node:http';

export function securityHeaders(res: ServerResponse, https: boolean): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'same-origin');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('permissions-policy', 'camera=(self), microphone=(), geolocation=()');
  if (https) res.setHeader('strict-transport-security', 'max-age=15552000');
}

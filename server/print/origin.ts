/**
 * The origin printed into QR codes (`<origin>/C/<CODE>`): PUBLIC_URL when it is set, else
 * the address the request came in on. Printed cards hang on a wall for months, so a derived
 * origin is checked strictly: the Host header is client-supplied text, and only a plain host
 * name or IP address with an optional port ever reaches a QR code.
 *
 * The scheme comes from the connection itself (TLS or not). Forwarded headers
 * (X-Forwarded-Proto, X-Forwarded-Host) are not trusted: behind a reverse proxy, set
 * PUBLIC_URL to the address phones use.
 */
import { isIP } from 'node:net';

export interface OriginSource {
  /** PUBLIC_URL, when configured. */
  publicUrl?: string;
  /** The request's Host header. */
  host: string | null | undefined;
  /** Whether the request arrived over TLS. */
  encrypted: boolean;
}

export class InvalidHostError extends Error {
  readonly code = 'INVALID_HOST';
  constructor() {
    super(
      'The request’s Host header is not a plain host name or address, so it cannot be printed into QR codes; open Kanbridge by its address, or set PUBLIC_URL'
    );
    this.name = 'InvalidHostError';
  }
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const PORT = /^[1-9]\d{0,4}$/;

/**
 * `host[:port]` in lower case when it is a DNS name, an IPv4 address or a bracketed IPv6
 * address, with a port from 1 to 65535; null for anything else (user info, paths, spaces,
 * underscores, percent signs, a second colon…).
 */
export function validHost(raw: string | null | undefined): string | null {
  if (!raw || raw.length > 262) return null;
  const text = raw.toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::([0-9]+))?$/.exec(text);
  if (!m) return null;
  const [, name, port] = m;
  if (port !== undefined && !(PORT.test(port) && Number(port) <= 65535)) return null;
  if (name.startsWith('[')) {
    if (isIP(name.slice(1, -1)) !== 6) return null;
  } else if (!IPV4.test(name)) {
    // Not a dotted quad: a DNS name, whose last label is not all digits (so "1.2.3.999" fails).
    const labels = name.split('.');
    if (name.length > 253 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1])) return null;
  }
  return text;
}

/** The origin for QR payloads, without a trailing slash. Throws InvalidHostError. */
export function printOrigin(source: OriginSource): string {
  if (source.publicUrl) return source.publicUrl.replace(/\/+$/, '');
  const host = validHost(source.host);
  if (!host) throw new InvalidHostError();
  return `${source.encrypted ? 'https' : 'http'}://${host}`;
}

/** Whether an origin names this machine only (loopback or 0.0.0.0), which phones cannot open. */
export function isLocalOnly(origin: string): boolean {
  const { hostname } = new URL(origin);
  return (
    hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || hostname === '0.0.0.0' || /^127\./.test(hostname)
  );
}

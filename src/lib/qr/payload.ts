/**
 * QR payloads printed on cards and signs (a stable contract: printed cards hang on walls for
 * months). Payloads are URLs so a phone's own camera app opens the right page, written in
 * upper case so the QR code can use alphanumeric mode:
 *   card         <PUBLIC_URL>/C/<CODE>
 *   column sign  <PUBLIC_URL>/L/<CODE>
 *   board sign   <PUBLIC_URL>/B/<CODE>
 *
 * Parsing is lenient about form (any case, with or without origin, trailing slash, a bare
 * code) and strict about content: only the exact pattern is accepted, and nothing a code says
 * is ever navigated to or executed. Deciding whether a code belongs to *this* board is the
 * caller's job ("not on this board" is not a parse error).
 */
import { CODE_PATTERN, type Code } from '../domain/ids';

export type PayloadKind = 'card' | 'column' | 'board';

export interface Payload {
  kind: PayloadKind;
  code: Code;
}

const LETTER: Record<PayloadKind, string> = { card: 'C', column: 'L', board: 'B' };
const KIND: Record<string, PayloadKind> = { C: 'card', L: 'column', B: 'board' };

/** The origin part of a payload: upper case, no trailing slash. */
export function payloadOrigin(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, '').toUpperCase();
}

export function encodePayload(publicUrl: string, p: Payload): string {
  return `${payloadOrigin(publicUrl)}/${LETTER[p.kind]}/${p.code}`;
}

/** The origin-free path of the page a payload opens (`/C/7K3M9Q`: the canonical, upper-case form). */
export function payloadPath(p: Payload): string {
  return `/${LETTER[p.kind]}/${p.code}`;
}

const MAX_PAYLOAD = 512;
/**
 * Optional origin (http or https, a host name, IPv4 or [IPv6] address, optional port: no user
 * info, so `HTTP://BOARD@ELSEWHERE/...` is refused), optional base path (PUBLIC_URL may have one),
 * then the kind letter and the code.
 */
const PATH_FORM =
  /^(?:HTTPS?:\/\/(?:[A-Z0-9-]+(?:\.[A-Z0-9-]+)*|\[[0-9A-F:.]+\])(?::[0-9]{1,5})?)?(?:\/[A-Z0-9._~-]+)*?\/([CLB])\/([0-9A-Z]{6,8})\/?$/;
/** Printable ASCII only: checked before upper-casing, which maps some non-ASCII letters into
 * ASCII (`ſ` → `S`, `ı` → `I`) and would let a look-alike text pass as a code. */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Reads a scanned or typed payload. Returns null for anything that is not exactly a Kanbridge
 * card, column or board payload (another app's QR, a URL with a query, a script, …).
 */
export function parsePayload(text: string): Payload | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_PAYLOAD) return null;
  const trimmed = text.trim();
  // Also refuses inner white space, and the regex below refuses `?` and `#` (queries, fragments).
  if (!PRINTABLE_ASCII.test(trimmed)) return null;
  const m = PATH_FORM.exec(trimmed.toUpperCase());
  if (!m) return null;
  const [, letter, code] = m;
  if (!CODE_PATTERN.test(code)) return null;
  return { kind: KIND[letter], code: code as Code };
}

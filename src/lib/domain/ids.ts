/**
 * Identifiers. Ids are opaque random strings; codes are the short, human-typeable
 * Crockford base32 labels printed on cards and signs (6–8 characters, upper case).
 *
 * Random bytes come from `crypto.getRandomValues`, which (unlike `randomUUID`) also
 * exists on plain-HTTP LAN origins, where phones open the scanner.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type BoardId = Brand<string, 'BoardId'>;
export type CardId = Brand<string, 'CardId'>;
export type ColumnId = Brand<string, 'ColumnId'>;
export type OpId = Brand<string, 'OpId'>;
export type Code = Brand<string, 'Code'>;

/** Crockford base32: digits and letters without I, L, O, U. */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{6,8}$/;
/**
 * An id: 1–64 letters, digits, `_` or `-`, and never one of the names objects carry by
 * inheritance (`__proto__`, `constructor`, `prototype`), so an id can never reach an
 * object's prototype, wherever it is used as a key.
 */
export const ID_PATTERN = /^(?!(?:__proto__|constructor|prototype)$)[A-Za-z0-9_-]{1,64}$/;

/** True when `value` is an id (see `ID_PATTERN`). */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

function randomChars(alphabet: string, length: number): string {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  // 256 is a multiple of 32, so `% 32` is unbiased for Crockford; for other alphabets the
  // slight bias does not matter (ids only need to be unique, not uniform).
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A new random id such as `c_k3j9x0q2m1ab` (prefix names the kind, for readable logs). */
export function newId<T extends string>(prefix: string): T {
  return `${prefix}_${randomChars(ID_ALPHABET, 12)}` as T;
}

export const newCardId = () => newId<CardId>('c');
export const newColumnId = () => newId<ColumnId>('l');
export const newBoardId = () => newId<BoardId>('b');
export const newOpId = () => newId<OpId>('op');

/** A random candidate code; callers check it against every code in the install. */
export function randomCode(length = 6): Code {
  return randomChars(CROCKFORD, length) as Code;
}

/**
 * Normalises what a person typed into a code: upper case, and the look-alikes
 * Crockford allows (O→0, I/L→1). Returns null when it cannot be a code.
 */
export function normaliseCode(input: string): Code | null {
  const s = input.trim().toUpperCase().replace(/[O]/g, '0').replace(/[IL]/g, '1').replace(/-/g, '');
  return CODE_PATTERN.test(s) ? (s as Code) : null;
}

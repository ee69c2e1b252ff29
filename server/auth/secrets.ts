import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';

/** A random secret for a cookie, token or link: 32 bytes, URL-safe. */
export const newSecret = (prefix = ''): string => prefix + randomBytes(32).toString('base64url');
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
export const newId = (prefix: string): string => `${prefix}_${randomBytes(9).toString('base64url')}`;

/** argon2id (memory-hard): 19 MiB, 2 passes — the current OWASP minimum. */
const ARGON = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argonHash(password, ARGON);

/** Always takes about the same time, whether or not there is a hash to compare with. */
let dummy: Promise<string> | null = null;
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    dummy ??= argonHash('not-a-password', ARGON);
    await argonVerify(await dummy, password).catch(() => false);
    return false;
  }
  return argonVerify(hash, password).catch(() => false);
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

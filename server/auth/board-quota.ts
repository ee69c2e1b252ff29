/**
 * How many boards one user may make (create or import): at most KANBRIDGE_BOARDS_PER_HOUR an
 * hour (default 50) and at most KANBRIDGE_MAX_BOARDS_PER_USER owned in all (default 1000). An
 * open install (no accounts yet) counts per address, hourly only.
 */
import { RateLimiter } from './rate-limit';

export const DEFAULT_BOARDS_PER_HOUR = 50;
export const DEFAULT_MAX_BOARDS_PER_USER = 1_000;

const hourly = new RateLimiter(DEFAULT_BOARDS_PER_HOUR, 60 * 60e3);

/** A positive whole number from the environment, or `fallback` when unset or not one. */
function setting(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export type QuotaRefusal =
  { code: 'RATE_LIMITED'; message: string; retryAfter: number } | { code: 'BOARD_LIMIT'; message: string; retryAfter?: undefined };

/**
 * Counts one board about to be made by `key` (a user id, or an address on an open install),
 * who owns `owned` boards now (null: not counted). Answers a refusal, or a `release` that gives
 * the count back when the board was not made after all.
 */
export function takeBoardQuota(
  key: string,
  owned: number | null
): { ok: false; refusal: QuotaRefusal } | { ok: true; release: () => void } {
  const max = setting('KANBRIDGE_MAX_BOARDS_PER_USER', DEFAULT_MAX_BOARDS_PER_USER);
  if (owned !== null && owned >= max) {
    return {
      ok: false,
      refusal: {
        code: 'BOARD_LIMIT',
        message: `You own ${owned} boards, the most one person may own here; delete one or ask an admin to raise the limit`
      }
    };
  }
  const perHour = setting('KANBRIDGE_BOARDS_PER_HOUR', DEFAULT_BOARDS_PER_HOUR);
  const wait = hourly.take(key, perHour);
  if (wait > 0) {
    hourly.refund(key);
    return {
      ok: false,
      refusal: { code: 'RATE_LIMITED', message: `You can make at most ${perHour} boards an hour; try again in ${wait} s`, retryAfter: wait }
    };
  }
  let released = false;
  return {
    ok: true,
    release: () => {
      if (!released) hourly.refund(key);
      released = true;
    }
  };
}

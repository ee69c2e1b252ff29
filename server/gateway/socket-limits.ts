/**
 * Limits that keep one client from slowing the server down for everyone else: token buckets
 * per connection for the messages that cost the server work beyond the sender (a join sends a
 * snapshot and tells every viewer of the board who is there), and a cap on open connections
 * per client (one sign-in session, API token or paired phone; on an open install, one address).
 */
import type { Principal } from '../auth/types';

export interface Rate {
  /** Messages allowed at once. */
  burst: number;
  /** Messages per second refilled after that. */
  perSecond: number;
}

/** board:join and board:leave: enough to open every board of a portfolio, not to flood one. */
export const JOIN_RATE: Rate = { burst: 20, perSecond: 5 };
/** board:events-since: a catch-up after each reconnect or gap, not a polling loop. */
export const READ_RATE: Rate = { burst: 30, perSecond: 10 };
/** Open connections per client: a person with many tabs, not a script opening thousands. */
export const MAX_CONNECTIONS_PER_CLIENT = 20;
/**
 * On an open install (no accounts) nothing tells clients apart but their address, which a
 * whole office (one NAT) or every client behind a reverse proxy may share: a larger cap.
 */
export const MAX_CONNECTIONS_PER_ADDRESS = 200;

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly rate: Rate,
    now = Date.now()
  ) {
    this.tokens = rate.burst;
    this.refilledAt = now;
  }

  /** Takes one token; false (and nothing taken) when the bucket is empty. */
  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.rate.burst, this.tokens + (Math.max(0, now - this.refilledAt) / 1000) * this.rate.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The per-connection buckets. */
export interface SocketBuckets {
  joins: TokenBucket;
  reads: TokenBucket;
}

export function socketBuckets(now = Date.now()): SocketBuckets {
  return { joins: new TokenBucket(JOIN_RATE, now), reads: new TokenBucket(READ_RATE, now) };
}

export const rateLimited = (what: string, rate: Rate) => ({
  ok: false as const,
  error: {
    code: 'RATE_LIMITED',
    message: `Too many ${what}; at most ${rate.burst} at once and ${rate.perSecond} a second after that. Slow down and try again`
  }
});

/** Whose connections count together: the session, token or phone, else the address. */
export function clientKey(principal: Principal, address: string | undefined): string {
  switch (principal.kind) {
    case 'user':
      if (principal.token) return `token:${principal.token.id}`;
      if (principal.sessionHash) return `session:${principal.sessionHash}`;
      return `user:${principal.user.id}`;
    case 'scanner':
      return `scanner:${principal.scanner.id}`;
    default:
      return `address:${address ?? 'unknown'}`;
  }
}

/** Counts open connections per client key. */
export class ConnectionLimiter {
  private readonly open = new Map<string, Set<string>>();

  constructor(
    readonly perClient = MAX_CONNECTIONS_PER_CLIENT,
    readonly perAddress = MAX_CONNECTIONS_PER_ADDRESS
  ) {}

  /** The cap for a key made by clientKey. */
  maxFor(key: string): number {
    return key.startsWith('address:') ? this.perAddress : this.perClient;
  }

  /**
   * Counts connection `id` for `key`, or returns null when `key` already has its cap open.
   * Call the returned release (any number of times) when the connection ends.
   */
  acquire(key: string, id: string): (() => void) | null {
    const ids = this.open.get(key) ?? new Set<string>();
    if (!ids.has(id) && ids.size >= this.maxFor(key)) return null;
    ids.add(id);
    this.open.set(key, ids);
    return () => {
      const now = this.open.get(key);
      if (!now) return;
      now.delete(id);
      if (now.size === 0) this.open.delete(key);
    };
  }

  count(key: string): number {
    return this.open.get(key)?.size ?? 0;
  }
}

/** The connect_error a refused connection gets: `message` is the code, `data` says more. */
export function tooManyConnections(max: number): Error & { data: { code: string; message: string } } {
  const e = new Error('TOO_MANY_CONNECTIONS') as Error & { data: { code: string; message: string } };
  e.data = {
    code: 'TOO_MANY_CONNECTIONS',
    message: `Too many open connections for this client (at most ${max}); close some tabs or connections and try again`
  };
  return e;
}

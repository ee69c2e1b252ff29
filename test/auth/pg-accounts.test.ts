/**
 * Accounts shared by several servers on one PostgreSQL database: what one server saves, the
 * other sees after a refresh, and changes made on both at once all land (compare-and-set).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../server/auth/accounts';
import { PgAccounts } from '../../server/auth/pg-persistence';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

let pgServer: TestPostgres;
beforeAll(async () => {
  pgServer = await startPostgres();
}, 120_000);
afterAll(async () => pgServer?.stop());

describe('accounts on PostgreSQL', () => {
  it('a session made on one server signs in on another, and concurrent changes all land', async () => {
    const url = await pgServer.createDatabase();
    const [pa, pb] = [new PgAccounts(url), new PgAccounts(url)];
    const a = await Accounts.open(pa);
    await a.bootstrap({ adminEmail: 'admin@example.test', adminPassword: 'admin-password-1' });
    const b = await Accounts.open(pb);
    expect(b.active).toBe(true);
    const login = await a.login('admin@example.test', 'admin-password-1');
    expect(login).not.toBeNull();
    expect(b.principal({ cookie: login!.sessionId }).kind).toBe('anonymous'); // not seen yet
    await b.refresh(true);
    expect(b.principal({ cookie: login!.sessionId })).toMatchObject({ kind: 'user', user: { email: 'admin@example.test' } });
    // Both servers change accounts at the same moment: neither change is lost.
    await Promise.all([
      a.createUser({ email: 'ann@example.test', name: 'Ann', password: 'ann-password-1' }),
      b.createUser({ email: 'bob@example.test', name: 'Bob', password: 'bob-password-1' }),
      a.setMember('b_1', 'u_x', 'editor'),
      b.setMember('b_1', 'u_y', 'viewer')
    ]);
    const c = await Accounts.open(new PgAccounts(url));
    expect(
      c
        .users()
        .map((u) => u.email)
        .sort()
    ).toEqual(['admin@example.test', 'ann@example.test', 'bob@example.test']);
    expect(c.roleOf('u_x', 'b_1')).toBe('editor');
    expect(c.roleOf('u_y', 'b_1')).toBe('viewer');
    // The same email cannot be taken twice, even from two servers.
    const results = await Promise.allSettled([
      a.createUser({ email: 'cy@example.test', name: 'Cy', password: 'cy-password-11' }),
      b.createUser({ email: 'cy@example.test', name: 'Cy', password: 'cy-password-11' })
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await Promise.all([pa.close(), pb.close()]);
  });
});

/**
 * An invitation code is checked before the password is hashed: a wrong or used code answers at
 * once, without spending a memory-hard hash on it.
 */
import { describe, expect, it, vi } from 'vitest';
import { Accounts, AccountError } from '../../server/auth/accounts';
import { MemoryAccounts } from '../../server/auth/persistence';
import { hashPassword } from '../../server/auth/secrets';

vi.mock('../../server/auth/secrets', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../server/auth/secrets')>();
  return { ...mod, hashPassword: vi.fn(mod.hashPassword) };
});

const hashes = () => vi.mocked(hashPassword).mock.calls.length;

describe('accepting an invitation', () => {
  it('refuses a wrong code without hashing the password', async () => {
    const accounts = await Accounts.open(new MemoryAccounts());
    const { inviteCode } = await accounts.createUser({ email: 'new@example.test', name: 'New' });
    expect(inviteCode).toBeTruthy();
    const before = hashes();
    const wrong = accounts.acceptInvite('not-the-code', 'a-good-password');
    await expect(wrong).rejects.toBeInstanceOf(AccountError);
    await expect(wrong).rejects.toMatchObject({ status: 410, code: 'INVITE_INVALID' });
    expect(hashes()).toBe(before);

    const user = await accounts.acceptInvite(inviteCode!, 'a-good-password', 'Newcomer');
    expect(user.name).toBe('Newcomer');
    expect(hashes()).toBe(before + 1);
    expect(await accounts.login('new@example.test', 'a-good-password')).not.toBeNull();

    // Used up: refused, again without hashing.
    await expect(accounts.acceptInvite(inviteCode!, 'another-password')).rejects.toMatchObject({ code: 'INVITE_INVALID' });
    expect(hashes()).toBe(before + 1);
  });
});

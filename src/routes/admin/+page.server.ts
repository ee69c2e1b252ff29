import { error, redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** People (admins only): everyone with an account, and whether they have set a password. */
export const load: PageServerLoad = ({ locals }) => {
  const { app, principal } = locals;
  if (principal.kind === 'open') redirect(303, '/setup');
  if (principal.kind !== 'user' || !principal.user.admin) error(403, { message: 'Only an admin can manage people.', code: 'FORBIDDEN' });
  const users = app.accounts
    .users()
    .map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      admin: u.admin,
      invited: u.passwordHash === null,
      boards: app.accounts.boardsOf(u.id).size,
      createdAt: u.createdAt
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { users, me: principal.user.id };
};

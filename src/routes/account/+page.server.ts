import { redirect } from '@sveltejs/kit';
import { authorizeBoard } from '../../../server/auth/permissions';
import type { PageServerLoad } from './$types';

/** Your account: who you are, and your API tokens with the boards they may reach. */
export const load: PageServerLoad = async ({ locals }) => {
  const { app, principal } = locals;
  if (principal.kind === 'open') return { account: null, boards: [], tokens: [] };
  if (principal.kind !== 'user') redirect(303, '/login?next=/account');
  const readable = (await app.service.listBoards()).filter(
    (b) => authorizeBoard(principal, b.id, 'read', (user, board) => app.accounts.roleOf(user, board)).ok
  );
  return {
    account: { name: principal.user.name, email: principal.user.email, admin: principal.user.admin },
    boards: readable.map((b) => ({ id: b.id, name: b.name })).sort((a, b) => a.name.localeCompare(b.name)),
    // Never the token itself: that is shown once, when it is made.
    tokens: app.accounts
      .tokens(principal.user.id)
      .map(({ id, name, boardIds, write, createdAt }) => ({ id, name, boardIds, write, createdAt }))
  };
};

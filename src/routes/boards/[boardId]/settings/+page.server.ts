import { error } from '@sveltejs/kit';
import { ID_PATTERN, type BoardId } from '$lib/domain';
import { boardRole } from '$lib/components/account/role';
import type { PageServerLoad } from './$types';

/**
 * Board settings: its members (every member reads the list, a paired scanner not; owners change it) and the
 * phones paired as its scanners (owners). Managing needs a signed-in owner: on an open install
 * there is no one to add yet.
 */
export const load: PageServerLoad = async ({ params, locals, depends }) => {
  // Re-read while a pairing code is on screen, so a phone that just paired shows up.
  depends('kb:board-access');
  const { app, principal } = locals;
  const board = ID_PATTERN.test(params.boardId) ? await app.service.getBoard(params.boardId as BoardId) : null;
  if (!board) error(404, { message: 'This board does not exist, or it was removed.', code: 'NOT_FOUND' });
  const role = boardRole(principal, board.id, (u, b) => app.accounts.roleOf(u, b));
  if (!role) error(403, { message: 'You do not have access to this board. Ask its owner to add you.', code: 'FORBIDDEN' });
  // A paired phone moves cards; who the members are (names, emails, roles) is not its business.
  if (role === 'scanner')
    error(403, {
      message: 'A paired scanner can only move cards on this board; board settings need a signed-in member.',
      code: 'FORBIDDEN'
    });
  const manage = role === 'owner' && principal.kind === 'user';
  const nameOf = (userId: string) => app.accounts.user(userId)?.name ?? 'someone who left';
  return {
    board: { id: board.id, name: board.name },
    role,
    manage,
    me: principal.kind === 'user' ? principal.user.id : null,
    members: app.accounts
      .members(board.id)
      .map(({ userId, name, email, role }) => ({ userId, name, email, role }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    scanners: manage
      ? app.accounts
          .scanners(board.id)
          .map(({ id, label, createdAt, createdBy }) => ({ id, label, createdAt, pairedBy: nameOf(createdBy) }))
      : []
  };
};

import { cloneBoard } from '$lib/domain';
import { boardRole } from '$lib/components/account/role';
import { codeNotFound, resolveCode } from '../../codes.server';
import type { PageServerLoad } from './$types';

/** A printed card's page: its details, and one-tap moves for those who may move cards. */
export const load: PageServerLoad = async ({ params, locals }) => {
  const owner = await resolveCode(locals, params.code, 'card');
  const board = await locals.app.service.getBoard(owner.boardId);
  if (!board?.cards[owner.cardId]) codeNotFound(owner.code);
  const role = boardRole(locals.principal, board.id, (u, b) => locals.app.accounts.roleOf(u, b)) ?? 'viewer';
  return { board: cloneBoard(board), cardId: owner.cardId, role };
};

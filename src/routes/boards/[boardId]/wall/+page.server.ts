import { error } from '@sveltejs/kit';
import { ID_PATTERN, cloneBoard, type BoardId } from '$lib/domain';
import { abilities, boardRole } from '$lib/components/account/role';
import type { PageServerLoad } from './$types';

/**
 * The wall photo page: the board (for card titles and column names next to what the photo
 * shows) and whether this person may apply moves. Reading a photo and applying it both need
 * edit access; the API checks that itself, the page only avoids offering what it would refuse.
 */
export const load: PageServerLoad = async ({ params, locals }) => {
  const { app, principal } = locals;
  const board = ID_PATTERN.test(params.boardId) ? await app.service.getBoard(params.boardId as BoardId) : null;
  if (!board) error(404, { message: 'This board does not exist, or it was removed.', code: 'NOT_FOUND' });
  const role = boardRole(principal, board.id, (u, b) => app.accounts.roleOf(u, b)) ?? 'viewer';
  // The service's state is live and mutated in place by later commands: hand out a copy.
  return { board: cloneBoard(board), canEdit: abilities(role).edit };
};

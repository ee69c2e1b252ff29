import { error } from '@sveltejs/kit';
import { ID_PATTERN, cloneBoard, type BoardId } from '$lib/domain';
import { boardRole } from '$lib/components/account/role';
import type { PageServerLoad } from './$types';

/**
 * The board as plain JSON for the first paint (the page then goes live over the socket), and
 * the viewer's role on it, so the page offers only what the server would accept.
 */
export const load: PageServerLoad = async ({ params, locals, url }) => {
  const { app, principal } = locals;
  const board = ID_PATTERN.test(params.boardId) ? await app.service.getBoard(params.boardId as BoardId) : null;
  if (!board) error(404, { message: 'This board does not exist, or it was removed.', code: 'NOT_FOUND' });
  // The hook let the request through, so there is a role; the fallback only satisfies types.
  const role = boardRole(principal, board.id, (u, b) => app.accounts.roleOf(u, b)) ?? 'viewer';
  return {
    // The service's state is live and mutated in place by later commands: hand out a copy.
    board: cloneBoard(board),
    focusColumn: url.searchParams.get('column'),
    role,
    /** The address phones use for the scanner QR (PUBLIC_URL), when set. */
    publicUrl: app.publicUrl ?? null
  };
};

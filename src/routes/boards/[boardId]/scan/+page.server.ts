import { error } from '@sveltejs/kit';
import { ID_PATTERN, cloneBoard, type BoardId } from '$lib/domain';
import { MODES, type Mode } from '$lib/scanner/modes';
import { authorizeBoard } from '../../../../../server/auth/permissions';
import type { PageServerLoad } from './$types';

/**
 * The board for the scanner's first paint; `?mode=tap|walk` opens another mode than
 * card-then-column. Whether this person may move cards, so a viewer is told before scanning.
 */
export const load: PageServerLoad = async ({ params, locals, url }) => {
  const { app, principal } = locals;
  const board = ID_PATTERN.test(params.boardId) ? await app.service.getBoard(params.boardId as BoardId) : null;
  if (!board) error(404, { message: 'This board does not exist, or it was removed.', code: 'NOT_FOUND' });
  // The server's own rule (the socket checks every command with it too).
  const canMove = authorizeBoard(principal, board.id, 'move', (u, b) => app.accounts.roleOf(u, b)).ok;
  const asked = url.searchParams.get('mode');
  const mode: Mode = MODES.find((m) => m === asked) ?? 'batch';
  // The service's state is live and mutated in place by later commands: hand out a copy.
  return { board: cloneBoard(board), mode, canMove };
};

import { ID_PATTERN, type BoardId } from '$lib/domain';
import type { PageServerLoad } from './$types';

/**
 * A phone opened a board's pairing QR. Reading only: the phone pairs when its person presses
 * the button (a POST), so a link preview or a prefetch never uses the code up.
 */
export const load: PageServerLoad = async ({ params, locals }) => {
  const { accounts, service } = locals.app;
  let boardId = accounts.pairingBoard(params.code);
  if (!boardId) {
    // Shown moments ago on another server (PostgreSQL accounts)?
    await accounts.refresh();
    boardId = accounts.pairingBoard(params.code);
  }
  const board = boardId && ID_PATTERN.test(boardId) ? await service.getBoard(boardId as BoardId) : null;
  return { board: board ? { id: board.id, name: board.name } : null };
};

import { error } from '@sveltejs/kit';
import { ID_PATTERN, cloneBoard, type BoardId } from '$lib/domain';
import type { PageServerLoad } from './$types';

/** The board as plain JSON for the first paint; the page then goes live over the socket. */
export const load: PageServerLoad = async ({ params, locals, url }) => {
	const board = ID_PATTERN.test(params.boardId) ? await locals.app.service.getBoard(params.boardId as BoardId) : null;
	if (!board) error(404, { message: 'This board does not exist, or it was removed.', code: 'NOT_FOUND' });
	// The service's state is live and mutated in place by later commands: hand out a copy.
	return { board: cloneBoard(board), focusColumn: url.searchParams.get('column') };
};

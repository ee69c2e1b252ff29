import { error } from '@sveltejs/kit';
import { cloneBoard } from '$lib/domain';
import { resolveCode } from '../../codes.server';
import type { PageServerLoad } from './$types';

/** A printed card's page: its details and one-tap moves. */
export const load: PageServerLoad = async ({ params, locals }) => {
	const owner = await resolveCode(locals, params.code, 'card');
	const board = await locals.app.service.getBoard(owner.boardId);
	if (!board?.cards[owner.cardId]) error(404, { message: `Nothing in this Kanbridge has the code ${owner.code}.`, code: 'NOT_FOUND' });
	return { board: cloneBoard(board), cardId: owner.cardId };
};

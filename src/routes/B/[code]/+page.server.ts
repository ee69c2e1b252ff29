import { redirect } from '@sveltejs/kit';
import { resolveCode } from '../../codes.server';
import type { PageServerLoad } from './$types';

/** A board sign: until the scanner page exists, it opens the board. */
export const load: PageServerLoad = async ({ params, locals }) => {
	const { boardId } = await resolveCode(locals, params.code, 'board');
	redirect(303, `/boards/${boardId}`);
};

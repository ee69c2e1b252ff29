import { redirect } from '@sveltejs/kit';
import { resolveCode } from '../../codes.server';
import type { PageServerLoad } from './$types';

/** A column sign: the board, scrolled to that column. */
export const load: PageServerLoad = async ({ params, locals }) => {
  const { boardId, columnId } = await resolveCode(locals, params.code, 'column');
  redirect(303, `/boards/${boardId}?column=${encodeURIComponent(columnId)}`);
};

import { redirect } from '@sveltejs/kit';
import { resolveCode } from '../../codes.server';
import type { PageServerLoad } from './$types';

/** A board sign (design §3): scanning it joins the stand-up, so it opens the board's scanner. */
export const load: PageServerLoad = async ({ params, locals }) => {
  const { boardId } = await resolveCode(locals, params.code, 'board');
  redirect(303, `/boards/${boardId}/scan`);
};

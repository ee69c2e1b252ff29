import { redirect } from '@sveltejs/kit';
import { safeNext } from '$lib/components/account/next';
import type { PageServerLoad } from './$types';

/** Sign in, then on to `next` (a path on this site only). Someone signed in goes there at once. */
export const load: PageServerLoad = ({ url, locals }) => {
  const next = safeNext(url.searchParams.get('next'));
  if (locals.principal.kind === 'user') redirect(303, next);
  return { next, open: locals.principal.kind === 'open' };
};

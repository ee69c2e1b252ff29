import type { PageServerLoad } from './$types';

/** First start: the setup link's page, or (without a code) how to find that link. */
export const load: PageServerLoad = ({ url, locals }) => ({
  done: locals.app.accounts.active,
  code: url.searchParams.get('code') ?? ''
});

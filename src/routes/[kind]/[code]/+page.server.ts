import { error, redirect } from '@sveltejs/kit';
import { canonicalPrefix } from '../../codes.server';
import type { PageServerLoad } from './$types';

/** Lower-case `/c/…`, `/l/…`, `/b/…` go to the canonical upper-case page; anything else is a 404. */
export const load: PageServerLoad = ({ params }) => {
  const prefix = canonicalPrefix(params.kind);
  if (!prefix) error(404, { message: 'There is no page at this address.' });
  redirect(308, `/${prefix}/${params.code.toUpperCase()}`);
};

import { periodOrDefault } from '$lib/insight/period';
import { SORT_KEYS, type SortKey } from '$lib/insight/portfolio';
import { authorizeBoard } from '../../../server/auth/permissions';
import { portfolioFor } from '../../../server/insight-service';
import type { PageServerLoad } from './$types';

const STATUSES = ['red', 'amber', 'green', 'none'] as const;

export interface PortfolioView {
  sort: SortKey;
  dir: 'asc' | 'desc';
  q: string;
  status: (typeof STATUSES)[number] | '';
  aging: boolean;
}

/** One row per board the visitor may read, for the period in the URL; sorting and filters come along for the first paint. */
export const load: PageServerLoad = async ({ locals, url }) => {
  const now = Date.now();
  const q = (k: string) => url.searchParams.get(k) ?? '';
  const { period, error } = periodOrDefault(q('from') || null, q('to') || null, now);
  const { app, principal } = locals;
  const canRead = (boardId: string) => authorizeBoard(principal, boardId, 'read', (u, b) => app.accounts.roleOf(u, b)).ok;
  const sort = (SORT_KEYS as readonly string[]).includes(q('sort')) ? (q('sort') as SortKey) : 'name';
  const status: PortfolioView['status'] = (STATUSES as readonly string[]).includes(q('status'))
    ? (q('status') as (typeof STATUSES)[number])
    : '';
  const view: PortfolioView = { sort, dir: q('dir') === 'desc' ? 'desc' : 'asc', q: q('q'), status, aging: q('aging') === '1' };
  return {
    rows: await portfolioFor(app.service, period, now, canRead),
    period,
    today: new Date(now).toISOString().slice(0, 10),
    periodError: error,
    view
  };
};

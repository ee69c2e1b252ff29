import { error } from '@sveltejs/kit';
import { ID_PATTERN, type BoardId } from '$lib/domain';
import { activity, cardsOf, facets, filterActivity, matchCards } from '$lib/insight/activity';
import { sourceSchema } from '$lib/protocol';
import type { PageServerLoad } from './$types';

/** Rows per page: enough to scan a day of a busy board, few enough to render at once. */
const PAGE = 100;

/** Every event of the board, newest first, filtered by source, card and person from the URL. */
export const load: PageServerLoad = async ({ params, locals, url }) => {
  const board = ID_PATTERN.test(params.boardId) ? await locals.app.service.getBoard(params.boardId as BoardId) : null;
  if (!board) error(404, { message: 'This board does not exist, or it was removed.', code: 'NOT_FOUND' });
  const events = (await locals.app.service.eventsSince(board.id, 0)) ?? [];
  const rows = activity(events);
  const cards = cardsOf(events);
  const q = (k: string) => url.searchParams.get(k)?.trim() || null;
  const source = sourceSchema.safeParse(q('source'));
  const filter = { source: source.success ? source.data : null, card: q('card'), actor: q('actor') };
  const matched = filterActivity(rows, filter, cards).reverse();
  const pages = Math.max(1, Math.ceil(matched.length / PAGE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(q('page') ?? '1', 10) || 1));
  const shown = matched.slice((page - 1) * PAGE, page * PAGE);
  const named = new Map(cards.map((c) => [c.id, c]));
  const onPage = new Set(shown.flatMap((r) => r.cardIds));
  const matchedCards = filter.card ? [...matchCards(filter.card, cards)] : [];
  return {
    board: { id: board.id, name: board.name },
    rows: shown,
    cards: Object.fromEntries([...onPage].map((id) => [id, named.get(id) ?? { id, code: '', title: id }])),
    /** The one card the filter names, for the page's heading. */
    card: matchedCards.length === 1 ? (named.get(matchedCards[0]) ?? null) : null,
    total: matched.length,
    all: rows.length,
    page,
    pages,
    filter,
    facets: facets(rows)
  };
};

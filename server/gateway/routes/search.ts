/**
 * Search across boards: `GET /api/search?q=` finds live cards on every board the caller may
 * read, by code (exactly) and by words (by prefix) in the title or description, with the
 * same rules as the board's own filter (src/lib/search/match.ts).
 */
import type { BoardId, Card } from '../../../src/lib/domain';
import { MAX_QUERY, parseQuery, rank, scoreCard } from '../../../src/lib/search/match';
import type { Route } from '../http';
import { HttpError, sendJson } from '../http-util';

/** The most cards one search returns. */
export const SEARCH_LIMIT = 50;

export interface SearchHit {
  boardId: string;
  boardName: string;
  cardId: string;
  code: string;
  title: string;
  columnId: string;
  columnName: string;
}

export const searchRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/search',
    access: 'user',
    handler: async (r, api) => {
      const q = r.url.searchParams.get('q');
      if (q === null) throw new HttpError(400, 'INVALID', 'q is required: the words or code to look for');
      if (q.length > MAX_QUERY) throw new HttpError(400, 'INVALID', `q must be at most ${MAX_QUERY} characters`);
      const query = parseQuery(q);
      if (query.terms.length === 0) return sendJson(r.res, 200, { cards: [] });

      const candidates: { hit: SearchHit; card: Card }[] = [];
      for (const summary of await api.service.listBoards()) {
        // The same check as opening the board: roles, an admin, and a token's boards.
        try {
          r.authorize(summary.id, 'read');
        } catch {
          continue;
        }
        const board = await api.service.getBoard(summary.id as BoardId);
        if (!board) continue;
        const columns = new Map(board.columns.map((c) => [c.id, c]));
        for (const card of Object.values(board.cards)) {
          const column = columns.get(card.columnId);
          if (card.archived || !column) continue;
          candidates.push({
            card,
            hit: {
              boardId: board.id,
              boardName: board.name,
              cardId: card.id,
              code: card.code,
              title: card.title,
              columnId: column.id,
              columnName: column.name
            }
          });
        }
      }
      const best = rank(candidates, (c) => scoreCard(c.card, query), SEARCH_LIMIT);
      sendJson(r.res, 200, { cards: best.map((c) => c.hit) });
    }
  }
];

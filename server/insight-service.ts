/**
 * Flow figures of boards, for the insight and portfolio pages and their HTTP routes alike: read
 * the logs through the board service and hand them to the pure calculations in src/lib/insight.
 */
import type { BoardId, BoardState } from '../src/lib/domain';
import { boardMetrics, type BoardMetrics } from '../src/lib/insight/board-metrics';
import { forecast, type ForecastQuestion, type ForecastResult } from '../src/lib/insight/forecast';
import type { Period } from '../src/lib/insight/period';
import { portfolioRow, type PortfolioRow } from '../src/lib/insight/portfolio';
import { scheduleForecast } from '../src/lib/insight/schedule';
import type { BoardService } from './board-service';

/** The board's whole log; the board exists (checked by the caller). */
export async function log(service: BoardService, boardId: BoardId) {
  return (await service.eventsSince(boardId, 0)) ?? [];
}

export async function metricsFor(service: BoardService, board: BoardState, period: Period, now: number): Promise<BoardMetrics> {
  return boardMetrics(await log(service, board.id), period, now);
}

/** Forecasts for one board, from one read of its log. */
export async function forecastsFor(
  service: BoardService,
  board: BoardState,
  questions: ForecastQuestion[],
  now: number
): Promise<ForecastResult[]> {
  const events = await log(service, board.id);
  return questions.map((q) => forecast(events, q, now));
}

/**
 * One row per board the caller may read, computed one board at a time so that only one log is
 * in memory.
 */
export async function portfolioFor(
  service: BoardService,
  period: Period,
  now: number,
  canRead: (boardId: string) => boolean
): Promise<PortfolioRow[]> {
  const rows: PortfolioRow[] = [];
  for (const summary of await service.listBoards()) {
    if (!canRead(summary.id)) continue;
    const board = await service.getBoard(summary.id);
    if (!board) continue;
    const events = await log(service, board.id);
    const schedule = board.project ? scheduleForecast(events, board.project, now) : null;
    rows.push(portfolioRow(board, boardMetrics(events, period, now), schedule));
  }
  return rows;
}

/** The day (UTC) a board was made: young boards' default periods start there. */
export const firstDayOf = (board: Pick<BoardState, 'createdAt'>): string | null => (board.createdAt ? board.createdAt.slice(0, 10) : null);

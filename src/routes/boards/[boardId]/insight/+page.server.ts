import { error, fail } from '@sveltejs/kit';
import { columnStage, ID_PATTERN, newOpId, type Actor, type BoardId, type BoardState, type Command } from '$lib/domain';
import { addDays } from '$lib/insight/time';
import { DEFAULT_HISTORY_DAYS, parseForecastQuery, type HowManyForecast, type WhenForecast } from '$lib/insight/forecast';
import { periodOrDefault } from '$lib/insight/period';
import type { App } from '../../../../../server/app';
import { authorizeBoard } from '../../../../../server/auth/permissions';
import type { Principal } from '../../../../../server/auth/types';
import { firstDayOf, forecastsFor, metricsFor } from '../../../../../server/insight-service';
import { actorOf, parseProject, projectForm, stageChanges, type ProjectForm } from './forms.server';
import type { Actions, PageServerLoad } from './$types';

async function boardOf(app: App, boardId: string): Promise<BoardState> {
  const board = ID_PATTERN.test(boardId) ? await app.service.getBoard(boardId as BoardId) : null;
  if (!board) error(404, { message: 'This board does not exist, or it was removed.', code: 'NOT_FOUND' });
  return board;
}

/** Stages and project figures are board settings: owners (and admins) change them. */
const maySet = (app: App, principal: Principal, boardId: string) =>
  authorizeBoard(principal, boardId, 'settings', (u, b) => app.accounts.roleOf(u, b));

/** One forecast as the page shows it: the answer, or why there is none. */
type PageForecast<F> = { forecast: F | null; error: string | null };

/**
 * Both forecasts for the page: when the cards still open will be finished (or `items` from the
 * URL), and how many by four weeks from today (or `by`), over `history` days (default 84).
 */
async function forecasts(app: App, board: BoardState, url: URL, now: number, open: number) {
  const today = new Date(now).toISOString().slice(0, 10);
  const history = url.searchParams.get('history') || String(DEFAULT_HISTORY_DAYS);
  const items = url.searchParams.get('items') || String(Math.max(1, open));
  const by = url.searchParams.get('by') || addDays(today, 28);
  const asked = [new URLSearchParams({ items, history }), new URLSearchParams({ by, history })].map((q) => parseForecastQuery(q, today));
  const valid = asked.flatMap((a) => (a.ok ? [a.value] : []));
  const answers = await forecastsFor(app.service, board, valid, now);
  const results = asked.map((a) => {
    if (!a.ok) return { forecast: null, error: a.message };
    const r = answers.shift()!;
    return r.ok ? { forecast: r.forecast, error: null } : { forecast: null, error: r.message };
  });
  return {
    items,
    by,
    history,
    when: results[0] as PageForecast<WhenForecast>,
    howMany: results[1] as PageForecast<HowManyForecast>
  };
}

/** Flow metrics for the period in the URL (from, to), computed from the board's event log. */
export const load: PageServerLoad = async ({ params, locals, url }) => {
  const board = await boardOf(locals.app, params.boardId);
  const now = Date.now();
  const { period, error: periodError } = periodOrDefault(url.searchParams.get('from'), url.searchParams.get('to'), now, firstDayOf(board));
  const metrics = await metricsFor(locals.app.service, board, period, now);
  const open = Object.values(board.cards).filter(
    (c) =>
      !c.archived &&
      columnStage(
        board.columns,
        board.columns.findIndex((x) => x.id === c.columnId)
      ) !== 'done'
  ).length;
  return {
    board: {
      id: board.id,
      name: board.name,
      columns: board.columns.map((c, i) => ({
        id: c.id,
        name: c.name,
        stage: columnStage(board.columns, i),
        stageSet: c.stage !== undefined
      })),
      project: board.project ?? null
    },
    metrics,
    forecasts: await forecasts(locals.app, board, url, now, open),
    today: new Date(now).toISOString().slice(0, 10),
    canChange: maySet(locals.app, locals.principal, board.id).ok,
    periodError
  };
};

async function run(app: App, board: BoardState, commands: Command[], actor: Actor) {
  for (const command of commands) {
    const outcome = await app.service.execute(board.id, command, { actor, source: 'ui' });
    if (!outcome.ok) return outcome.rejection.message;
  }
  return null;
}

/** What a settings form gets back: which form, and either how many changes were saved or why not. */
interface Result {
  form: 'stages' | 'project';
  saved?: number;
  error?: string;
  /** The project figures as typed, to show again after an error. */
  values?: ProjectForm;
}

const saved = (form: Result['form'], n: number): Result => ({ form, saved: n });
const refused = (r: Result, status = 400) => fail(status, r);

/**
 * The board and who acts, or why not. On an open install (no accounts yet) the browser's
 * display name is all there is; with accounts, the signed-in user.
 */
async function settingsRequest(event: { params: { boardId: string }; locals: App.Locals; request: Request }, form: Result['form']) {
  const { params, locals, request } = event;
  const board = await boardOf(locals.app, params.boardId);
  const data = await request.formData();
  const may = maySet(locals.app, locals.principal, board.id);
  const actor = locals.principal.kind === 'open' ? actorOf(data) : locals.actor;
  return { board, data, actor, denied: may.ok ? null : refused({ form, error: may.message }, may.status) };
}

export const actions: Actions = {
  /** Column stages: every select whose value differs from the column's stage becomes a command. */
  stages: async (event) => {
    const { board, data, actor, denied } = await settingsRequest(event, 'stages');
    if (denied) return denied;
    const commands = stageChanges(data, board).map((c): Command => ({ type: 'setColumnStage', opId: newOpId(), ...c }));
    const problem = await run(event.locals.app, board, commands, actor);
    return problem ? refused({ form: 'stages', error: problem }) : saved('stages', commands.length);
  },
  project: async (event) => {
    const { board, data, actor, denied } = await settingsRequest(event, 'project');
    if (denied) return denied;
    const app = event.locals.app;
    if (data.get('clear') !== null) {
      const problem = await run(app, board, [{ type: 'setProject', opId: newOpId(), project: null }], actor);
      return problem ? refused({ form: 'project', error: problem }) : saved('project', 1);
    }
    const values = projectForm(data);
    const parsed = parseProject(values);
    if (!parsed.ok) return refused({ form: 'project', error: parsed.error, values });
    const problem = await run(app, board, [{ type: 'setProject', opId: newOpId(), project: parsed.project }], actor);
    return problem ? refused({ form: 'project', error: problem, values }) : saved('project', 1);
  }
};

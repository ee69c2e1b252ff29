import { fail, redirect } from '@sveltejs/kit';
import { createBoardSchema, formatIssues } from '$lib/protocol';
import { readColumns } from '$lib/components/board-form';
import { authorizeBoard } from '../../server/auth/permissions';
import { DEFAULT_COLUMNS } from '../../server/board-service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const { app, principal } = locals;
  // Only the boards this person may open (everyone's, while the install has no accounts).
  const boards = (await app.service.listBoards()).filter(
    (b) => authorizeBoard(principal, b.id, 'read', (user, board) => app.accounts.roleOf(user, board)).ok
  );
  boards.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return {
    boards,
    defaultColumns: DEFAULT_COLUMNS.map((c) => ({ name: c.name, wip: c.wipLimit === undefined ? '' : String(c.wipLimit) }))
  };
};

export const actions: Actions = {
  /**
   * New board without JavaScript (the page posts to /api/boards when it can): a name and
   * rows of column name + optional WIP limit. A refused form comes back as it was typed.
   */
  create: async ({ request, locals }) => {
    const form = await request.formData();
    const text = (v: FormDataEntryValue | null) => (typeof v === 'string' ? v : '');
    const names = form.getAll('column').map(text);
    const limits = form.getAll('wip').map(text);
    const values = { name: text(form.get('name')), columns: names.map((name, i) => ({ name, wip: limits[i] ?? '' })) };
    const parsed = readColumns(names, limits);
    if (!parsed.ok) return fail(400, { error: parsed.message, values });
    const body = createBoardSchema.safeParse({ name: values.name.trim(), columns: parsed.columns });
    if (!body.success) return fail(400, { error: humanIssues(formatIssues(body.error)), values });
    const created = await locals.app.service.createBoard(body.data, { actor: locals.actor, source: 'ui' });
    if (!created.ok) return fail(400, { error: created.rejection.message, values });
    redirect(303, `/boards/${created.board.id}`);
  }
};

function humanIssues(issues: string): string {
  return issues.startsWith('name:') ? 'Give the board a name (up to 100 characters).' : issues;
}

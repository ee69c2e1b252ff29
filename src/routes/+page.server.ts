import { fail, redirect } from '@sveltejs/kit';
import { createBoardSchema, formatIssues, helloSchema } from '$lib/protocol';
import { DEFAULT_COLUMNS } from '../../server/board-service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const boards = await locals.app.service.listBoards();
	boards.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
	return { boards, defaultColumns: DEFAULT_COLUMNS.map((c) => ({ name: c.name, wipLimit: c.wipLimit ?? null })) };
};

export const actions: Actions = {
	/** New board from the form: a name and rows of column name + optional WIP limit. */
	create: async ({ request, locals }) => {
		const form = await request.formData();
		const text = (v: FormDataEntryValue | null) => (typeof v === 'string' ? v : '');
		const names = form.getAll('column').map(text);
		const limits = form.getAll('wip').map(text);
		const columns = names
			.map((name, i) => ({ name: name.trim(), limit: (limits[i] ?? '').trim() }))
			.filter((c) => c.name)
			.map((c) => ({ name: c.name, wipLimit: c.limit === '' ? null : Number(c.limit) }));
		const values = { name: text(form.get('name')), columns };
		if (columns.some((c) => c.wipLimit !== null && !(Number.isInteger(c.wipLimit) && c.wipLimit >= 1))) {
			return fail(400, { error: 'A WIP limit is a whole number from 1 up (or empty for none).', values });
		}
		const body = createBoardSchema.safeParse({ name: values.name.trim(), columns: columns.length ? columns : undefined });
		if (!body.success) return fail(400, { error: humanIssues(formatIssues(body.error)), values });
		const hello = helloSchema.safeParse({ name: text(form.get('actorName')) || undefined, clientId: text(form.get('actorId')) || undefined });
		const actor = hello.success && hello.data.clientId ? { id: hello.data.clientId, name: hello.data.name ?? 'Guest' } : { id: 'web', name: 'Guest' };
		const created = await locals.app.service.createBoard(body.data, { actor, source: 'ui' });
		if (!created.ok) return fail(400, { error: created.rejection.message, values });
		redirect(303, `/boards/${created.board.id}`);
	}
};

function humanIssues(issues: string): string {
	return issues.startsWith('name:') ? 'Give the board a name (up to 100 characters).' : issues;
}

/**
 * Printed codes → where they lead. Codes are read leniently (any case, look-alike letters) and
 * redirected to the canonical upper-case URL; a code that belongs to another kind of thing
 * (a column sign opened as a card, say) is sent to the right page rather than refused.
 */
import { error, redirect } from '@sveltejs/kit';
import { normaliseCode, type Code } from '$lib/domain';
import type { CodeOwner } from '../../server/storage/types';

type Kind = CodeOwner['kind'];
const PREFIX: Record<Kind, string> = { card: 'C', column: 'L', board: 'B' };

export async function resolveCode<K extends Kind>(locals: App.Locals, raw: string, kind: K): Promise<Extract<CodeOwner, { kind: K }> & { code: Code }> {
	const code = normaliseCode(raw);
	if (!code) error(404, { message: `“${raw.slice(0, 20)}” is not a Kanbridge code.`, code: 'BAD_CODE' });
	if (code !== raw) redirect(308, `/${PREFIX[kind]}/${code}`);
	const owner = await locals.app.service.findCode(code);
	if (!owner) error(404, { message: `Nothing in this Kanbridge has the code ${code}.`, code: 'NOT_FOUND' });
	if (owner.kind !== kind) redirect(303, `/${PREFIX[owner.kind]}/${code}`);
	return { ...(owner as Extract<CodeOwner, { kind: K }>), code };
}

/** `/c/abc123` and friends: QR codes are upper case, but people type lower case. */
export function canonicalPrefix(segment: string): string | null {
	const upper = segment.toUpperCase();
	return Object.values(PREFIX).includes(upper) ? upper : null;
}

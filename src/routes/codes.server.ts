/**
 * Printed codes → where they lead. Codes are read leniently (any case, look-alike letters) and
 * redirected to the canonical upper-case URL; a code that belongs to another kind of thing
 * (a column sign opened as a card, say) is sent to the right page rather than refused.
 *
 * A code on a board the visitor cannot read answers exactly like a code that does not exist
 * (same status, same page), so the pages never tell an outsider which codes are in use.
 */
import { error, redirect } from '@sveltejs/kit';
import { normaliseCode, type Code } from '$lib/domain';
import { authorizeBoard } from '../../server/auth/permissions';
import type { CodeOwner } from '../../server/storage/types';

type Kind = CodeOwner['kind'];
const PREFIX: Record<Kind, string> = { card: 'C', column: 'L', board: 'B' };

const canRead = (locals: App.Locals, boardId: string) =>
  authorizeBoard(locals.principal, boardId, 'read', (u, b) => locals.app.accounts.roleOf(u, b)).ok;

/** The one answer for a code that does not exist and for one on a board the visitor cannot read. */
export function codeNotFound(code: Code): never {
  error(404, {
    message: `Nothing you can open has the code ${code}: no such code exists, or you have no access to its board. Sign in with an account that has access, or ask the board's owner to add you.`,
    code: 'NOT_FOUND'
  });
}

export async function resolveCode<K extends Kind>(
  locals: App.Locals,
  raw: string,
  kind: K
): Promise<Extract<CodeOwner, { kind: K }> & { code: Code }> {
  const code = normaliseCode(raw);
  if (!code) error(404, { message: `“${raw.slice(0, 20)}” is not a Kanbridge code.`, code: 'BAD_CODE' });
  if (code !== raw) redirect(308, `/${PREFIX[kind]}/${code}`);
  const found = await locals.app.service.findCode(code);
  const owner = found && canRead(locals, found.boardId) ? found : null;
  if (!owner) codeNotFound(code);
  if (owner.kind !== kind) redirect(303, `/${PREFIX[owner.kind]}/${code}`);
  return { ...(owner as Extract<CodeOwner, { kind: K }>), code };
}

/** `/c/abc123` and friends: QR codes are upper case, but people type lower case. */
export function canonicalPrefix(segment: string): string | null {
  const upper = segment.toUpperCase();
  return Object.values(PREFIX).includes(upper) ? upper : null;
}

/**
 * Who may do what on a board. Pure functions: the HTTP router and the Socket.IO gateway both
 * ask here, so the rules are written once and the authorization matrix test walks them.
 *
 *   viewer  read
 *   scanner read + move cards (a phone paired to one board)
 *   editor  read + move + edit cards, print, apply wall photos
 *   owner   all of the above + board settings (columns, WIP limits, project figures),
 *           members, pairing, delete
 * An admin is owner of every board. An API token never exceeds its user's role, is limited to
 * its boards, and without `write` only reads.
 */
import { roleAllows, type BoardAction } from '../../src/lib/auth/roles';
import type { Principal, Role } from './types';

export { commandAction, roleAllows, type BoardAction } from '../../src/lib/auth/roles';

export type Denial = { ok: false; status: 401 | 403; code: 'UNAUTHENTICATED' | 'FORBIDDEN'; message: string };
export type Decision = { ok: true } | Denial;

export const ALLOW: Decision = { ok: true };
export const UNAUTHENTICATED: Denial = { ok: false, status: 401, code: 'UNAUTHENTICATED', message: 'Sign in first' };
export const forbidden = (message = 'You do not have access to this'): Denial => ({ ok: false, status: 403, code: 'FORBIDDEN', message });

/**
 * May `principal` do `action` on `boardId`? `roleOf` answers the user's membership role.
 * Not-a-member and no-such-board answer the same (403), so ids reveal nothing.
 */
export function authorizeBoard(
  principal: Principal,
  boardId: string,
  action: BoardAction,
  roleOf: (userId: string, boardId: string) => Role | null
): Decision {
  switch (principal.kind) {
    case 'open':
      return ALLOW;
    case 'anonymous':
      return UNAUTHENTICATED;
    case 'scanner':
      if (principal.scanner.revokedAt) return UNAUTHENTICATED;
      return principal.scanner.boardId === boardId && roleAllows('scanner', action) ? ALLOW : forbidden();
    case 'user': {
      const { user, token } = principal;
      if (token) {
        if (token.revokedAt) return UNAUTHENTICATED;
        if (token.boardIds && !token.boardIds.includes(boardId)) return forbidden('This token does not cover this board');
        if (!token.write && action !== 'read') return forbidden('This token is read-only');
      }
      const role: Role | null = user.admin ? 'owner' : roleOf(user.id, boardId);
      return roleAllows(role, action) ? ALLOW : forbidden();
    }
  }
}

/** True for an API token limited to some boards: it reaches those boards and nothing install-wide. */
export function boardScoped(principal: Principal): boolean {
  return principal.kind === 'user' && !!principal.token?.boardIds;
}

export const BOARD_SCOPED: Denial = forbidden(
  'This token is limited to some boards; it cannot list users or members, create boards or import'
);

/** The boards list for `principal`: only boards it may read, and for a board-scoped token only its boards. */
export function boardVisible(principal: Principal, boardId: string, roleOf: (userId: string, boardId: string) => Role | null): boolean {
  return authorizeBoard(principal, boardId, 'read', roleOf).ok;
}

/**
 * May `principal` make a new board (create or import)? Any signed-in user may, with a token only
 * when it may write and is not limited to some boards; a paired scanner never.
 */
export function authorizeNewBoard(principal: Principal): Decision {
  switch (principal.kind) {
    case 'open':
      return ALLOW;
    case 'anonymous':
      return UNAUTHENTICATED;
    case 'scanner':
      return forbidden('A paired scanner can only move cards on its board');
    case 'user':
      if (principal.token?.revokedAt) return UNAUTHENTICATED;
      if (principal.token && !principal.token.write) return forbidden('This token is read-only');
      if (boardScoped(principal)) return BOARD_SCOPED;
      return ALLOW;
  }
}

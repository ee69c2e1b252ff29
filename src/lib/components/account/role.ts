/**
 * The viewer's role on one board, for showing only the controls they may use. The server
 * checks every command and request itself; this only keeps the page from offering what it
 * would refuse. The rules are the server's own ($lib/auth/roles), not a second copy.
 */
import { roleAllows } from '$lib/auth/roles';
import type { Principal, Role } from '$lib/auth/types';

export type BoardRole = Role | 'scanner';

/**
 * The role a page principal acts with on `boardId`: admins and open installs (no accounts
 * yet) are owners, a paired phone is its board's scanner; null without access.
 */
export function boardRole(
  principal: Principal,
  boardId: string,
  roleOf: (userId: string, boardId: string) => Role | null
): BoardRole | null {
  switch (principal.kind) {
    case 'open':
      return 'owner';
    case 'anonymous':
      return null;
    case 'scanner':
      return principal.scanner.boardId === boardId && !principal.scanner.revokedAt ? 'scanner' : null;
    case 'user':
      return principal.user.admin ? 'owner' : roleOf(principal.user.id, boardId);
  }
}

export const ROLE_LABEL: Record<BoardRole, string> = { owner: 'Owner', editor: 'Editor', viewer: 'Viewer', scanner: 'Scanner' };

/** The role in a sentence: "you are a viewer of this board". */
export const A_ROLE: Record<BoardRole, string> = { owner: 'an owner', editor: 'an editor', viewer: 'a viewer', scanner: 'a scanner' };

/** What each role may do, in the words the member list uses. */
export const ROLE_HINT: Record<Role, string> = {
  owner: 'everything, including members, columns and pairing phones',
  editor: 'move and edit cards, print, apply wall photos',
  viewer: 'read only'
};

/** The board controls a role gets. */
export interface Abilities {
  move: boolean;
  edit: boolean;
  settings: boolean;
}

export const abilities = (role: BoardRole): Abilities => ({
  move: roleAllows(role, 'move'),
  edit: roleAllows(role, 'edit'),
  settings: roleAllows(role, 'settings')
});

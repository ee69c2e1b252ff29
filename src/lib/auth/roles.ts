/**
 * The board roles and what each may do, shared by the server (which enforces them, see
 * server/auth/permissions.ts) and the pages (which offer only the controls a role may use).
 *
 *   viewer  read
 *   scanner read + move cards (a phone paired to one board)
 *   editor  read + move + edit cards, print, apply wall photos
 *   owner   all of the above + board settings (columns, WIP limits, project figures),
 *           members, pairing, delete
 */
import { COMMANDS, type Command } from '../domain';
import type { Role } from './types';

export type BoardAction = 'read' | 'move' | 'edit' | 'settings';

const RANK: Record<BoardAction, number> = { read: 0, move: 1, edit: 2, settings: 3 };
const ROLE_MAX: Record<Role | 'scanner', number> = { viewer: 0, scanner: 1, editor: 2, owner: 3 };

/** The action a command needs, as its registry entry says. */
export function commandAction(command: Pick<Command, 'type'>): BoardAction {
  return COMMANDS[command.type].action;
}

export function roleAllows(role: Role | 'scanner' | null, action: BoardAction): boolean {
  return role !== null && ROLE_MAX[role] >= RANK[action];
}

/**
 * One entry per command type: what it needs and what it touches, for everyone who asks (the
 * permission check on HTTP and Socket.IO, the board service's code reservation and STALE check,
 * the page's pending highlight and its WIP confirmation). The compiler demands an entry for every
 * command type (`satisfies` below), so a new command cannot be half wired.
 */
import type { Command, CommandOf, CommandType } from './commands';
import type { CardId } from './ids';

/** The least a role must allow to run a command (see src/lib/auth/roles.ts). */
export type CommandAction = 'move' | 'edit' | 'settings';

export interface CommandSpec<T extends CommandType> {
  action: CommandAction;
  /** The existing cards it acts on (a STALE check looks for later changes to these). */
  cards: (command: CommandOf<T>) => CardId[];
  /** How many new codes (card or column signs) it may mint. */
  codes: number;
  /** Whether it may go past a soft WIP limit when the person confirms (`override: true`). */
  overridesWip: boolean;
}

const none = (): CardId[] => [];
const one = (c: { cardId: CardId }): CardId[] => [c.cardId];

export const COMMANDS = {
  createCard: { action: 'edit', cards: (c) => (c.cardId ? [c.cardId] : []), codes: 1, overridesWip: true },
  updateCard: { action: 'edit', cards: one, codes: 0, overridesWip: false },
  archiveCard: { action: 'edit', cards: one, codes: 0, overridesWip: false },
  restoreCard: { action: 'edit', cards: one, codes: 0, overridesWip: true },
  moveCard: { action: 'move', cards: one, codes: 0, overridesWip: true },
  markPrinted: { action: 'edit', cards: (c) => c.cardIds, codes: 0, overridesWip: false },
  addColumn: { action: 'settings', cards: none, codes: 1, overridesWip: false },
  renameColumn: { action: 'settings', cards: none, codes: 0, overridesWip: false },
  moveColumn: { action: 'settings', cards: none, codes: 0, overridesWip: false },
  removeColumn: { action: 'settings', cards: none, codes: 0, overridesWip: false },
  setWipLimit: { action: 'settings', cards: none, codes: 0, overridesWip: false },
  renameBoard: { action: 'settings', cards: none, codes: 0, overridesWip: false },
  setColumnStage: { action: 'settings', cards: none, codes: 0, overridesWip: false },
  setProject: { action: 'settings', cards: none, codes: 0, overridesWip: false }
} as const satisfies { [T in CommandType]: CommandSpec<T> };

function spec<T extends CommandType>(command: CommandOf<T>): CommandSpec<T> {
  return COMMANDS[command.type as T] as unknown as CommandSpec<T>;
}

/** The cards a command acts on. */
export function commandCards(command: Command): CardId[] {
  return spec(command).cards(command);
}

/** Codes a command may mint. */
export function commandCodes(command: Command): number {
  return spec(command).codes;
}

/** The same command confirmed past a soft WIP limit (with a new opId), or null if it cannot be. */
export function withWipOverride<C extends Command>(command: C, opId: C['opId']): C | null {
  return spec(command).overridesWip ? { ...command, opId, override: true } : null;
}

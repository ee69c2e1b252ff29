/**
 * PendingStore in localStorage, one key per board: commands made offline survive closing the
 * tab and are resent (once: the server remembers opIds) when the board opens again.
 *
 * What comes back out of localStorage is only shape-checked here, not validated in full:
 * the server parses every command with the protocol schemas anyway, and keeping zod out of
 * the board page keeps it small. An entry that is not even shaped like a command is dropped.
 */
import type { PendingCommand } from './core';
import type { PendingStore } from './client';

const PREFIX = 'kanbridge:pending:';

export function localPendingStore(storage: Storage = localStorage): PendingStore {
  return {
    load(boardId) {
      try {
        const raw: unknown = JSON.parse(storage.getItem(PREFIX + boardId) ?? '[]');
        return Array.isArray(raw) ? raw.filter((p) => isPending(p, boardId)) : [];
      } catch {
        return [];
      }
    },
    save(boardId, pending) {
      try {
        if (pending.length === 0) storage.removeItem(PREFIX + boardId);
        else storage.setItem(PREFIX + boardId, JSON.stringify(pending));
      } catch {
        // Quota or private mode: the queue still lives in memory while the tab is open.
      }
    }
  };
}

export function isPending(p: unknown, boardId: string): p is PendingCommand {
  if (typeof p !== 'object' || p === null) return false;
  const { boardId: b, command, source, queuedAt } = p as Record<string, unknown>;
  if (b !== boardId || typeof source !== 'string' || typeof queuedAt !== 'string') return false;
  if (typeof command !== 'object' || command === null) return false;
  const { type, opId } = command as Record<string, unknown>;
  return typeof type === 'string' && typeof opId === 'string';
}

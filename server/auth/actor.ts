import type { Actor } from '../../src/lib/domain';
import type { Principal } from './types';

/**
 * Who events name for a principal: a signed-in user by account, a paired phone by its label;
 * anyone else (an open install, before accounts exist) as `fallback`.
 */
export function actorOf(principal: Principal | undefined, fallback: Actor): Actor {
  if (principal?.kind === 'user') return { id: principal.user.id, name: principal.user.name };
  if (principal?.kind === 'scanner') return { id: principal.scanner.id, name: `${principal.scanner.label} (scanner)` };
  return fallback;
}

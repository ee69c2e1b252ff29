/**
 * Who is looking at a page, as the pages may know it (never a secret): the root layout loads
 * it from the server hook's principal, so every page (and the app bar) can show the right
 * menu without asking the API again.
 */
export type Viewer =
  /** No account exists yet: anyone who can reach the server may use it. */
  | { kind: 'open' }
  | { kind: 'anonymous' }
  | { kind: 'user'; id: string; name: string; email: string; admin: boolean }
  /** A phone paired to one board as its scanner. */
  | { kind: 'scanner'; id: string; label: string; boardId: string };

/**
 * The id the server puts on this viewer's presence (and events), so the board can leave the
 * viewer out of "who else is here"; null where the browser's own client id is used (open install).
 */
export function actorIdOf(viewer: Viewer | undefined): string | null {
  return viewer?.kind === 'user' || viewer?.kind === 'scanner' ? viewer.id : null;
}

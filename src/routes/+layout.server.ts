import type { Principal } from '../../server/auth/types';
import type { Viewer } from '$lib/components/account/viewer';
import type { LayoutServerLoad } from './$types';

/** Who is looking, for every page's app bar (what the hook resolved; no secrets). */
export const load: LayoutServerLoad = ({ locals }) => ({ viewer: viewerOf(locals.principal) });

function viewerOf(p: Principal): Viewer {
  switch (p.kind) {
    case 'open':
    case 'anonymous':
      return { kind: p.kind };
    case 'user':
      return { kind: 'user', id: p.user.id, name: p.user.name, email: p.user.email, admin: p.user.admin };
    case 'scanner':
      return { kind: 'scanner', id: p.scanner.id, label: p.scanner.label, boardId: p.scanner.boardId };
  }
}

/** The demo board created on first start, so a new install opens on something real. */
import { newOpId, type Actor, type Command, type ColumnId } from '../src/lib/domain';
import type { BoardService } from './board-service';

type Seed = { title: string; column: number; assignee?: string; tags?: string[]; estimate?: number; dueInDays?: number; description?: string };

const CARDS: Seed[] = [
  { title: 'Customer interviews for the onboarding redesign', column: 0, tags: ['research'], estimate: 5 },
  { title: 'Export the quarterly portfolio report as PDF', column: 0, tags: ['pmo'], estimate: 3 },
  { title: 'Dark mode for the print preview', column: 0, tags: ['ui'], estimate: 2 },
  { title: 'Single sign-on with the company directory', column: 1, assignee: 'Priya', tags: ['security'], estimate: 8, dueInDays: 21 },
  { title: 'Print card set for the platform team wall', column: 1, assignee: 'Marco', tags: ['pmo', 'wall'], estimate: 1, dueInDays: 3 },
  { title: 'Fix flaky invoice totals on month end', column: 1, assignee: 'Aiko', tags: ['bug'], estimate: 3, dueInDays: 5 },
  { title: 'Migrate build pipeline to the new runners', column: 2, assignee: 'Sam', tags: ['infra'], estimate: 5, dueInDays: 7 },
  {
    title: 'Scanner: vibrate and beep on every read', column: 2, assignee: 'Lena', tags: ['mobile'], estimate: 2, dueInDays: 2,
    description: 'Facilitators asked for feedback they can feel while holding the phone up to the wall.'
  },
  { title: 'Cycle-time chart with 85th percentile line', column: 2, assignee: 'Priya', tags: ['insight'], estimate: 3 },
  { title: 'Accessibility review of the board page', column: 3, assignee: 'Marco', tags: ['a11y'], estimate: 2 },
  { title: 'WIP limits per column', column: 4, assignee: 'Aiko', tags: ['board'], estimate: 3 },
  { title: 'Live sync between browsers', column: 4, assignee: 'Sam', tags: ['board'], estimate: 5 }
];

export async function createDemoBoard(service: BoardService, actor: Actor, now = new Date()) {
  const created = await service.createBoard(
    {
      name: 'Product team',
      columns: [{ name: 'Backlog' }, { name: 'Ready' }, { name: 'Doing', wipLimit: 3 }, { name: 'Review' }, { name: 'Done' }]
    },
    { actor, source: 'system' }
  );
  if (!created.ok) throw new Error(`demo board: ${created.rejection.message}`);
  const board = created.board;
  const columns = board.columns.map((c) => c.id as ColumnId);
  for (const seed of CARDS) {
    const due = seed.dueInDays === undefined ? null : new Date(now.getTime() + seed.dueInDays * 864e5).toISOString().slice(0, 10);
    const command: Command = {
      type: 'createCard', opId: newOpId(), columnId: columns[seed.column], title: seed.title,
      description: seed.description ?? '', assignee: seed.assignee ?? '', tags: seed.tags ?? [], estimate: seed.estimate ?? null, due
    };
    const outcome = await service.execute(board.id, command, { actor, source: 'system' });
    if (!outcome.ok) throw new Error(`demo card: ${outcome.rejection.message}`);
  }
  return board;
}

/**
 * The insight page's settings forms (column stages, project figures): form fields in, board
 * commands out. They go through the same schemas and `decide` as every other command.
 */
import { helloSchema, projectFiguresSchema, stageSchema, formatIssues } from '$lib/protocol';
import type { Actor, BoardState, ColumnId, ProjectFigures, Stage } from '$lib/domain';

const text = (v: FormDataEntryValue | null) => (typeof v === 'string' ? v.trim() : '');

/** Who sent the form: the browser's display identity when it sent one (see BoardCreateForm). */
export function actorOf(form: FormData): Actor {
  const hello = helloSchema.safeParse({ name: text(form.get('actorName')) || undefined, clientId: text(form.get('actorId')) || undefined });
  return hello.success && hello.data.clientId
    ? { id: hello.data.clientId, name: hello.data.name ?? 'Guest' }
    : { id: 'web', name: 'Guest' };
}

/** The columns whose stage the form changes: fields named `stage:<columnId>`. */
export function stageChanges(form: FormData, board: BoardState): { columnId: ColumnId; stage: Stage }[] {
  const out: { columnId: ColumnId; stage: Stage }[] = [];
  for (const column of board.columns) {
    const stage = stageSchema.safeParse(text(form.get(`stage:${column.id}`)));
    if (stage.success && stage.data !== column.stage) out.push({ columnId: column.id, stage: stage.data });
  }
  return out;
}

export type ProjectForm = Record<'budget' | 'currency' | 'plannedStart' | 'plannedEnd' | 'actualCost' | 'green' | 'amber', string>;

export function projectForm(form: FormData): ProjectForm {
  const f = (k: keyof ProjectForm) => text(form.get(k));
  return {
    budget: f('budget'),
    currency: f('currency'),
    plannedStart: f('plannedStart'),
    plannedEnd: f('plannedEnd'),
    actualCost: f('actualCost'),
    green: f('green'),
    amber: f('amber')
  };
}

/** Reads the figures; an empty number field is an error, not zero. */
export function parseProject(v: ProjectForm): { ok: true; project: ProjectFigures } | { ok: false; error: string } {
  const num = (s: string) => (s === '' ? Number.NaN : Number(s.replace(/[\s,]/g, '')));
  const parsed = projectFiguresSchema.safeParse({
    budget: num(v.budget),
    currency: v.currency.toUpperCase(),
    plannedStart: v.plannedStart,
    plannedEnd: v.plannedEnd,
    actualCost: num(v.actualCost),
    thresholds: { green: num(v.green), amber: num(v.amber) }
  });
  if (!parsed.success) return { ok: false, error: readable(formatIssues(parsed.error)) };
  return { ok: true, project: parsed.data };
}

const FIELD_NAMES: Record<string, string> = {
  budget: 'Budget',
  actualCost: 'Actual cost',
  plannedStart: 'Planned start',
  plannedEnd: 'Planned end',
  currency: 'Currency',
  'thresholds.green': 'Green from',
  'thresholds.amber': 'Amber from'
};

function readable(issues: string): string {
  return issues
    .replace(/(^|; )([\w.]+): /g, (_, sep: string, path: string) => `${sep}${FIELD_NAMES[path] ?? path}: `)
    .replace(/Invalid input: expected number, received NaN/g, 'enter a number');
}

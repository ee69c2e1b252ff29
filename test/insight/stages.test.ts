import { describe, expect, it } from 'vitest';
import {
  columnStage,
  decide,
  decideCreateBoard,
  defaultStage,
  newCardId,
  newColumnId,
  replay,
  type BoardEvent,
  type Code,
  type ColumnId,
  type OpId,
  type ProjectFigures
} from '../../src/lib/domain';
import { commandSchema } from '../../src/lib/protocol';
import { boardMetrics } from '../../src/lib/insight/board-metrics';
import { workflow } from '../../src/lib/insight/workflow';
import { History } from './history';

let codes = 0;
const ctx = { newCardId, newColumnId, newCode: () => `S${String(++codes).padStart(5, '0')}` as Code };
const op = 'op-stage-0001' as OpId;

describe('column stages', () => {
  it('defaults: the last column is done, queue-like names are todo, the rest in progress', () => {
    const d = decideCreateBoard(
      'B',
      ['Backlog', 'Ready', 'Doing', 'Review', 'Done'].map((name) => ({ name })),
      ctx
    );
    expect(d.ok && d.events[0].type === 'boardCreated' && d.events[0].columns.map((c) => c.stage)).toEqual([
      'todo',
      'todo',
      'doing',
      'doing',
      'done'
    ]);
    expect(['To do', 'todo', 'TO-DO', 'Inbox', 'Product backlog', 'Next up'].map((n) => defaultStage(n, false))).toEqual(
      Array(6).fill('todo')
    );
    expect(['Ready for review', 'Dev done', 'Build', 'Shipped'].map((n) => defaultStage(n, false))).toEqual(Array(4).fill('doing'));
    expect(defaultStage('Backlog', true)).toBe('done');
  });

  it('derives a stage for columns made before stages existed, from the current layout', () => {
    const legacy = [{ name: 'Inbox' }, { name: 'Work' }, { name: 'Shipped' }];
    expect(legacy.map((_, i) => columnStage(legacy, i))).toEqual(['todo', 'doing', 'done']);
    expect(columnStage([{ name: 'Work', stage: 'todo' }], 0)).toBe('todo');
  });

  it('gives an added column a stage from its name, never from its place', () => {
    const h = new History(['To do', 'Doing', 'Done'], '2026-03-02T09:00:00Z');
    h.run({ type: 'addColumn', name: 'Archive' }).run({ type: 'addColumn', name: 'Inbox', index: 0 });
    h.run({ type: 'addColumn', name: 'Parked', stage: 'todo' });
    expect(h.state.columns.map((c) => [c.name, c.stage])).toEqual([
      ['Inbox', 'todo'],
      ['To do', 'todo'],
      ['Doing', 'doing'],
      ['Done', 'done'],
      ['Archive', 'doing'],
      ['Parked', 'todo']
    ]);
  });

  it('sets a stage by command, and answers a repeat of the same stage with no event', () => {
    const h = new History(['To do', 'Doing', 'Done'], '2026-03-02T09:00:00Z');
    h.stage('Doing', 'done');
    expect(h.events.at(-1)).toMatchObject({ type: 'columnStageSet', columnId: h.col('Doing'), stage: 'done' });
    expect(h.state.columns[1].stage).toBe('done');
    expect(decide(h.state, { type: 'setColumnStage', opId: op, columnId: h.col('Doing'), stage: 'done' }, ctx)).toEqual({
      ok: true,
      events: []
    });
    const missing = decide(h.state, { type: 'setColumnStage', opId: op, columnId: 'l_nothing' as ColumnId, stage: 'todo' }, ctx);
    expect(missing.ok || missing.rejection.code).toBe('NOT_FOUND');
    expect(replay(h.state.id, h.events)).toEqual(h.state);
  });

  it('parses the stage command at the boundary and refuses unknown stages', () => {
    expect(commandSchema.safeParse({ type: 'setColumnStage', opId: op, columnId: 'l_x', stage: 'doing' }).success).toBe(true);
    expect(commandSchema.safeParse({ type: 'setColumnStage', opId: op, columnId: 'l_x', stage: 'blocked' }).success).toBe(false);
  });

  it('keeps the stage a removed column had, and shows it only where cards stood in it', () => {
    const h = new History(['To do', 'Build', 'Test', 'Done'], '2026-03-02T09:00:00Z');
    h.create('A', 'To do').at('2026-03-03T09:00:00Z').move('A', 'Test');
    h.at('2026-03-04T09:00:00Z').move('A', 'Done');
    h.at('2026-03-05T09:00:00Z')
      .run({ type: 'removeColumn', columnId: h.col('Test') })
      .run({ type: 'removeColumn', columnId: h.col('Build') });
    const cols = workflow(h.events);
    expect(cols.map((c) => [c.name, c.stage, c.removed])).toEqual([
      ['To do', 'todo', false],
      ['Done', 'done', false],
      ['Test', 'doing', true],
      ['Build', 'doing', true]
    ]);
    const m = boardMetrics(h.events, { from: '2026-03-02', to: '2026-03-06' }, Date.parse('2026-03-07T00:00:00Z'));
    expect(m.cfd.series.map((s) => [s.name, s.counts])).toEqual([
      ['To do', [1, 0, 0, 0, 0]],
      ['Done', [0, 0, 1, 1, 1]],
      ['Test', [0, 1, 0, 0, 0]]
    ]);
    expect(m.cycleTime.items.map((i) => i.days)).toEqual([1]);
  });
});

describe('project figures', () => {
  const figures: ProjectFigures = {
    budget: 50_000,
    currency: 'EUR',
    plannedStart: '2026-03-01',
    plannedEnd: '2026-06-30',
    actualCost: 12_000,
    thresholds: { green: 0.95, amber: 0.85 }
  };

  it('sets, repeats without an event, and clears the figures', () => {
    const h = new History(['To do', 'Done'], '2026-03-02T09:00:00Z');
    h.project({ ...figures, currency: ' EUR ' });
    expect(h.state.project).toEqual(figures);
    const same = decide(h.state, { type: 'setProject', opId: op, project: figures }, ctx);
    expect(same).toEqual({ ok: true, events: [] });
    h.project(null);
    expect(h.state.project).toBeNull();
    expect(h.events.map((e) => e.type).filter((t) => t === 'projectSet')).toHaveLength(2);
    expect(replay(h.state.id, h.events as BoardEvent[])).toEqual(h.state);
  });

  it('refuses figures that make no sense, saying why', () => {
    const h = new History(['To do', 'Done'], '2026-03-02T09:00:00Z');
    const bad: [Partial<ProjectFigures>, RegExp][] = [
      [{ budget: -1 }, /budget/],
      [{ actualCost: Number.NaN }, /actual cost/],
      [{ plannedEnd: '2026-02-01' }, /before the planned start/],
      [{ plannedStart: '2026-02-30' }, /YYYY-MM-DD/],
      [{ thresholds: { green: 0.8, amber: 0.9 } }, /amber ≤ green/],
      [{ currency: 'DOUBLOONS!' }, /currency/]
    ];
    for (const [change, message] of bad) {
      const d = decide(h.state, { type: 'setProject', opId: op, project: { ...figures, ...change } }, ctx);
      expect(d.ok ? 'accepted' : d.rejection.message).toMatch(message);
    }
    expect(commandSchema.safeParse({ type: 'setProject', opId: op, project: { ...figures, extra: 1 } }).success).toBe(false);
    expect(commandSchema.safeParse({ type: 'setProject', opId: op, project: null }).success).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { activity, cardsOf, facets, filterActivity } from '../../src/lib/insight/activity';
import { History } from './history';

const ann = { id: 'u_ann', name: 'Ann' };
const bob = { id: 'u_bob', name: 'Bob' };

function log() {
  const h = new History(['To do', 'Doing', 'Done'], '2026-03-02T09:00:00Z');
  h.as(ann, 'drag').create('Fix login', 'To do').create('Write docs', 'To do');
  h.as(bob, 'scan').at('2026-03-02T10:00:00Z').move('Fix login', 'Doing');
  h.as(bob, 'keyboard').update('Fix login', { title: 'Fix login on Safari', due: '2026-03-09', tags: ['bug'] });
  h.as(ann, 'wall').move('Write docs', 'Done');
  h.as(ann, 'api').limit('Doing', 2).stage('Doing', 'done').archive('Write docs');
  h.run({ type: 'renameColumn', columnId: h.col('Done'), name: 'Shipped' });
  return h;
}

describe('an entry past a soft WIP limit', () => {
  it('says it went over the limit, how far, and who confirmed it', () => {
    const h = new History(['To do', 'Doing'], '2026-03-02T09:00:00Z');
    h.as(ann, 'drag').limit('Doing', 1).create('A', 'To do').create('B', 'To do').move('A', 'Doing');
    h.as(bob, 'drag').move('B', 'Doing');
    h.as(ann, 'form').create('C', 'Doing');
    const texts = activity(h.events).map((r) => r.text);
    expect(texts).toContain('Moved “A” from To do to Doing');
    expect(texts).toContain('Moved “B” from To do to Doing, over the WIP limit (2 of 1), confirmed by Bob');
    expect(texts).toContain('Created “C” in Doing, over the WIP limit (3 of 1), confirmed by Ann');
  });
});

describe('activity log', () => {
  const h = log();
  const rows = activity(h.events);

  it('describes every event with the names it had at the time, with time, actor and source', () => {
    expect(rows).toHaveLength(h.events.length);
    expect(rows.map((r) => r.text)).toEqual([
      'Created the board “Insight test” with To do, Doing, Done',
      'Created “Fix login” in To do',
      'Created “Write docs” in To do',
      'Moved “Fix login” from To do to Doing',
      'Edited “Fix login”: title “Fix login on Safari”; tags bug; due 2026-03-09',
      'Moved “Write docs” from To do to Done',
      'Set the WIP limit of Doing to 2',
      'Marked the column Doing as done',
      'Archived “Write docs” from Done',
      'Renamed the column Done to Shipped'
    ]);
    expect(rows[3]).toMatchObject({ revision: 4, at: '2026-03-02T10:00:00.000Z', source: 'scan', actor: bob, type: 'cardMoved' });
  });

  it('filters by source, by person and by card id, code or title words', () => {
    const cards = cardsOf(h.events);
    const safari = h.card('Fix login on Safari');
    const texts = (f: Parameters<typeof filterActivity>[1]) => filterActivity(rows, f, cards).map((r) => r.revision);
    expect(texts({ source: 'scan' })).toEqual([4]);
    expect(texts({ actor: 'u_bob' })).toEqual([4, 5]);
    expect(texts({ card: safari })).toEqual([2, 4, 5]);
    expect(texts({ card: h.state.cards[safari].code.toLowerCase() })).toEqual([2, 4, 5]);
    expect(texts({ card: 'safari LOGIN' })).toEqual([2, 4, 5]); // the latest title
    expect(texts({ card: 'docs', actor: 'u_ann', source: 'api' })).toEqual([9]);
    expect(texts({ card: 'nothing like it' })).toEqual([]);
  });

  it('counts people and sources for the filter menus', () => {
    const f = facets(rows);
    expect(f.actors).toEqual([
      { ...ann, count: 8 },
      { ...bob, count: 2 }
    ]);
    expect(f.sources.find((s) => s.source === 'api')).toEqual({ source: 'api', count: 4 });
  });
});

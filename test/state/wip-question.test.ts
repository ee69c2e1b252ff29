import { describe, expect, it } from 'vitest';
import { wipQuestion } from '../../src/lib/components/wip-question';

describe('the WIP question says what is true', () => {
  it('a full column is at its limit, and says how many it holds', () => {
    const q = wipQuestion({ columnName: 'Build', wipLimit: 2, count: 2 });
    expect(q.title).toBe('Build is at its WIP limit');
    expect(q.message).toMatch(/^Build holds 2 of 2; this card would make it 3 cards\./);
  });

  it('a column already past its limit is over it, not at it', () => {
    const q = wipQuestion({ columnName: 'Build', wipLimit: 2, count: 3 });
    expect(q.title).toBe('Build is over its WIP limit');
    expect(q.message).toMatch(/^Build holds 3 of 2; this card would make it 4 cards\./);
    expect(`${q.title} ${q.message}`).not.toContain('at its');
  });

  it('without details it still asks, in general words', () => {
    expect(wipQuestion(undefined)).toMatchObject({ title: 'This column is at its WIP limit', confirmLabel: 'Go over the limit' });
  });
});

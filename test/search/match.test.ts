import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/lib/domain';
import {
  cardMatches,
  endOfWeek,
  filterFromParams,
  filterToParams,
  NO_FILTER,
  parseQuery,
  rank,
  scoreCard,
  words
} from '../../src/lib/search/match';

let n = 0;
function card(fields: Partial<Omit<Card, 'code'>> & { code?: string }): Card {
  n++;
  return {
    id: `c_${n}`,
    code: 'K7Q2MM',
    title: '',
    description: '',
    assignee: '',
    tags: [],
    due: null,
    estimate: null,
    columnId: 'col_a',
    rank: 'a0',
    archived: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    revision: 1,
    printedFieldsRevision: 1,
    printedRevision: null,
    printedAt: null,
    ...fields
  } as Card;
}

const score = (c: Card, q: string) => scoreCard(c, parseQuery(q));

describe('words and queries', () => {
  it('splits into folded words, accents and case aside', () => {
    expect(words('Café CRÈME, follow-up #2')).toEqual(['cafe', 'creme', 'follow', 'up', '2']);
  });

  it('reads a piece as a code the way a printed code is read', () => {
    expect(parseQuery('k7-q2mm').terms).toEqual([{ words: ['k7', 'q2mm'], code: 'K7Q2MM' }]);
    expect(parseQuery('  ').terms).toEqual([]);
  });
});

describe('scoreCard', () => {
  const release = card({ title: 'Release notes for 2.0', description: 'Draft the changelog', code: 'AB12CD' });

  it('matches words in the title or description by prefix, every word needed', () => {
    expect(score(release, 'rel')).toBeGreaterThan(0);
    expect(score(release, 'REL NOT')).toBeGreaterThan(0);
    expect(score(release, 'change')).toBeGreaterThan(0);
    expect(score(release, 'rel zebra')).toBe(0);
    // Prefix, not infix.
    expect(score(release, 'lease')).toBe(0);
  });

  it('matches a code exactly, in any case, never by prefix', () => {
    expect(score(release, 'ab12cd')).toBeGreaterThanOrEqual(1000);
    expect(score(release, 'AB-12CD')).toBeGreaterThanOrEqual(1000);
    expect(score(release, 'AB12C')).toBe(0);
    expect(score(release, 'AB12CDE')).toBe(0);
  });

  it('a word that happens to read as a code still matches as a word', () => {
    const c = card({ title: 'Dataset import', code: 'ZZ99ZZ' });
    expect(score(c, 'dataset')).toBeGreaterThan(0);
  });

  it('ranks a code over title words over description words, whole words over prefixes', () => {
    const byCode = card({ title: 'Something else', code: 'QQ77RR' });
    const inTitle = card({ title: 'Login page', code: 'AA11AA' });
    const prefix = card({ title: 'Logins audit', code: 'AA11AB' });
    const inDescription = card({ title: 'Other', description: 'login', code: 'AA11AC' });
    expect(score(byCode, 'qq77rr')).toBeGreaterThan(score(inTitle, 'login'));
    expect(score(inTitle, 'login')).toBeGreaterThan(score(prefix, 'login'));
    expect(score(prefix, 'login')).toBeGreaterThan(score(inDescription, 'login'));
  });

  it('an empty query matches every card', () => {
    expect(score(release, '')).toBe(1);
  });
});

describe('cardMatches', () => {
  const today = '2026-12-02'; // a Wednesday
  const cards = {
    overdue: card({ title: 'Fix login', tags: ['Bug'], assignee: 'Ann Lee', due: '2026-12-01' }),
    today: card({ title: 'Ship it', tags: ['release'], assignee: 'Bob', due: '2026-12-02' }),
    sunday: card({ title: 'Retro', due: '2026-12-06' }),
    nextWeek: card({ title: 'Plan', due: '2026-12-07' }),
    none: card({ title: 'Someday' })
  };
  const which = (f: Partial<typeof NO_FILTER>) =>
    Object.entries(cards)
      .filter(([, c]) => cardMatches(c, { ...NO_FILTER, ...f }, today))
      .map(([k]) => k);

  it('filters by due date: overdue, this week (today to Sunday), none', () => {
    expect(which({ due: 'overdue' })).toEqual(['overdue']);
    expect(which({ due: 'week' })).toEqual(['today', 'sunday']);
    expect(which({ due: 'none' })).toEqual(['none']);
    expect(endOfWeek('2026-12-06')).toBe('2026-12-06');
    expect(endOfWeek('2026-11-30')).toBe('2026-12-06');
  });

  it('filters by tag and assignee, whole and case aside, together with words', () => {
    expect(which({ tag: 'bug' })).toEqual(['overdue']);
    expect(which({ tag: 'bu' })).toEqual([]);
    expect(which({ assignee: 'ann lee' })).toEqual(['overdue']);
    expect(which({ assignee: 'bob', q: 'ship' })).toEqual(['today']);
    expect(which({ assignee: 'bob', q: 'fix' })).toEqual([]);
    expect(which({})).toEqual(Object.keys(cards));
  });
});

describe('the filter in the URL', () => {
  it('reads q, tag, assignee and due, ignoring what it does not know', () => {
    expect(filterFromParams(new URLSearchParams('q=login+page&tag=Bug&assignee=Ann&due=overdue'))).toEqual({
      q: 'login page',
      tag: 'Bug',
      assignee: 'Ann',
      due: 'overdue'
    });
    expect(filterFromParams(new URLSearchParams('due=this-week')).due).toBe('week');
    expect(filterFromParams(new URLSearchParams('due=yesterday&tag=%20'))).toEqual(NO_FILTER);
  });

  it('writes only what is in use and keeps other parameters', () => {
    const out = filterToParams({ ...NO_FILTER, q: 'x y', due: 'none' }, new URLSearchParams('column=col_a&tag=old'));
    expect(out.toString()).toBe('column=col_a&q=x+y&due=none');
    expect(filterFromParams(out)).toEqual({ ...NO_FILTER, q: 'x y', due: 'none' });
  });
});

describe('rank', () => {
  it('keeps matches only, best first, ties in their order, at most the limit', () => {
    expect(rank([3, 0, 5, 3, 1], (x) => x, 3)).toEqual([5, 3, 3]);
    expect(rank(['a', 'b'], () => 0, 10)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { suggest } from '../../src/lib/scanner/suggest';
import { scanBoard } from './board';

describe('manual entry suggestions', () => {
  const b = scanBoard([{ name: 'Backlog' }, { name: 'Review' }], {
    Backlog: ['Résumé parser', 'Fix login', 'Login page copy'],
    Review: ['Update docs']
  });

  it('matches card titles by any word, ignoring case and accents, best first', () => {
    expect(suggest('login', b.columns()).map((s) => s.label)).toEqual(['Login page copy', 'Fix login']);
    expect(suggest('resume', b.columns()).map((s) => s.label)).toEqual(['Résumé parser']);
    expect(suggest('docs', b.columns())[0]).toMatchObject({ kind: 'card', label: 'Update docs', detail: 'Review' });
  });

  it('matches codes from the first character, with the usual look-alikes', () => {
    const code = b.card('Fix login').code;
    const [first] = suggest(code.slice(0, 4).toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l'), b.columns());
    expect(first.code.startsWith(code.slice(0, 4))).toBe(true);
    expect(suggest(code, b.columns())[0]).toMatchObject({ kind: 'card', code, label: 'Fix login' });
  });

  it('offers column signs too', () => {
    expect(suggest('rev', b.columns())[0]).toEqual({ kind: 'column', code: b.col('Review').code, label: 'Review', detail: 'Column sign' });
  });

  it('offers nothing for an empty field or no match', () => {
    expect(suggest('  ', b.columns())).toEqual([]);
    expect(suggest('zebra', b.columns())).toEqual([]);
  });
});

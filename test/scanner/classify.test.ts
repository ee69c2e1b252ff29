import { describe, expect, it } from 'vitest';
import type { Code } from '../../src/lib/domain';
import { lookUpElsewhere, resolveScan, resolveTyped } from '../../src/lib/scanner/classify';
import { scanBoard } from './board';

describe('what a scanned payload is', () => {
  const b = scanBoard([{ name: 'Doing' }, { name: 'Review' }], { Doing: ['Fix login', 'Old idea'] });
  b.archive('Old idea');
  const card = b.card('Fix login');
  const review = b.col('Review');

  it('finds this board’s cards, column signs and board sign, in any printed form', () => {
    for (const text of [
      `HTTPS://KANBAN.LOCAL:3000/C/${card.code}`,
      `http://kanban.local/c/${card.code.toLowerCase()}/`,
      `/C/${card.code}`
    ]) {
      expect(resolveScan(text, b.index())).toMatchObject({ kind: 'card', card: { id: card.id }, column: { name: 'Doing' } });
    }
    expect(resolveScan(`HTTP://10.0.0.5:3000/L/${review.code}`, b.index())).toMatchObject({ kind: 'column', column: { id: review.id } });
    expect(resolveScan(`HTTP://10.0.0.5:3000/B/${b.state.code}`, b.index())).toEqual({ kind: 'board' });
  });

  it('goes by the code, not the letter: a column code printed as a card still names the column', () => {
    expect(resolveScan(`HTTP://X/C/${review.code}`, b.index())).toMatchObject({ kind: 'column', column: { id: review.id } });
  });

  it('says archived cards are archived', () => {
    expect(resolveScan(`HTTP://X/C/${b.card('Old idea').code}`, b.index())).toMatchObject({
      kind: 'archived',
      card: { title: 'Old idea' }
    });
  });

  it('calls a well-formed code this board does not have "elsewhere", with its code', () => {
    expect(resolveScan('HTTP://OTHER.EXAMPLE/C/7K3M9QX', b.index())).toEqual({ kind: 'elsewhere', code: '7K3M9QX' });
  });

  it('refuses everything that is not exactly a Kanbridge payload', () => {
    const foreign = [
      'https://example.com/',
      'javascript:alert(1)',
      `HTTP://X/C/${card.code}?next=https://evil.example`,
      `HTTP://X/C/${card.code}#x`,
      `HTTP://ATTACKER@X/C/${card.code}`,
      'WIFI:S:office;T:WPA;P:secret;;',
      `HTTP://X/Q/${card.code}`,
      'HTTP://X/C/7K3M9', // too short
      'HTTP://X/C/7K3M9QU', // U is not Crockford
      ''
    ];
    for (const text of foreign) expect(resolveScan(text, b.index()), text).toEqual({ kind: 'foreign' });
  });
});

describe('what a typed code is', () => {
  const b = scanBoard([{ name: 'Doing' }], { Doing: ['Fix login'] });

  it('reads codes as people type them: lower case, O for zero, I or L for one, dashes', () => {
    const code = b.card('Fix login').code;
    const typed = code.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l');
    expect(resolveTyped(` ${typed.slice(0, 3)}-${typed.slice(3)} `, b.index())).toMatchObject({ kind: 'card', card: { code } });
    expect(resolveTyped(b.col('Doing').code, b.index())).toMatchObject({ kind: 'column' });
  });

  it('refuses what cannot be a code, and sends unknown codes elsewhere', () => {
    expect(resolveTyped('fix login', b.index())).toEqual({ kind: 'foreign' });
    expect(resolveTyped('zzzzzz', b.index())).toEqual({ kind: 'elsewhere', code: 'ZZZZZZ' });
  });
});

describe('lookUpElsewhere', () => {
  const answer =
    (status: number, body: unknown): typeof fetch =>
    async (url) => {
      expect(String(url)).toBe('/api/codes/7K3M9Q');
      return new Response(JSON.stringify(body), { status });
    };

  it('asks this server (a relative URL) whether another board has the code', async () => {
    expect(await lookUpElsewhere('7K3M9Q' as Code, 'b_here', answer(200, { code: '7K3M9Q', kind: 'card', boardId: 'b_other' }))).toBe(
      'other-board'
    );
    expect(await lookUpElsewhere('7K3M9Q' as Code, 'b_here', answer(404, { error: { code: 'NOT_FOUND' } }))).toBe('unknown');
  });

  it('is unchecked when the server cannot be asked, or has the code on this very board', async () => {
    expect(await lookUpElsewhere('7K3M9Q' as Code, 'b_here', answer(200, { boardId: 'b_here' }))).toBe('unchecked');
    expect(await lookUpElsewhere('7K3M9Q' as Code, 'b_here', answer(503, {}))).toBe('unchecked');
    const offline: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    expect(await lookUpElsewhere('7K3M9Q' as Code, 'b_here', offline)).toBe('unchecked');
  });
});

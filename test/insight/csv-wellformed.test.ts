/**
 * A board, card or column name may hold a lone surrogate (JSON allows "\ud800"). The insight
 * and portfolio pages put CSV into a data: link with encodeURIComponent, which throws on one:
 * the whole page answered 500 for everyone who could see that board.
 */
import { expect, it } from 'vitest';
import { toCsv } from '../../src/lib/insight/csv';

it('makes CSV that can always be percent-encoded, a lone surrogate becoming U+FFFD', () => {
  const csv = toCsv({
    headers: ['name', 'x\udfff'],
    rows: [
      ['\ud800', 1],
      ['ok 💥', null]
    ]
  });
  expect(() => encodeURIComponent(csv)).not.toThrow();
  expect(csv).toBe('name,x\ufffd\r\n\ufffd,1\r\nok 💥,\r\n');
});

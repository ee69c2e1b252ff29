import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/lib/insight/csv';

/** The one data cell of a one-column table, as written. */
const written = (v: string) => toCsv({ headers: ['h'], rows: [[v]] }).slice('h\r\n'.length, -2);

describe('CSV formula neutralising', () => {
  it('defuses formulas behind leading whitespace', () => {
    expect(written(' =HYPERLINK("http://x","y")')).toBe('"\' =HYPERLINK(""http://x"",""y"")"');
    expect(written('   +1+2')).toBe("'   +1+2");
    expect(written('\u00a0-2+3')).toBe("'\u00a0-2+3");
    expect(written('\n@SUM(A1)')).toBe('"\'\n@SUM(A1)"');
  });

  it('defuses tab and carriage-return starts', () => {
    expect(written('\tplain')).toBe("'\tplain");
    expect(written('\rplain')).toBe('"\'\rplain"');
  });

  it('defuses each formula sign at the start', () => {
    for (const sign of ['=', '+', '-', '@']) expect(written(`${sign}1`)).toBe(`'${sign}1`);
  });

  it('leaves ordinary text alone, also with leading spaces', () => {
    expect(written('Fix login')).toBe('Fix login');
    expect(written('  Fix login')).toBe('"  Fix login"');
    expect(written('a=b')).toBe('a=b');
    expect(written('')).toBe('');
  });

  it('writes numbers as numbers, negative ones too', () => {
    expect(toCsv({ headers: ['n'], rows: [[-3]] })).toBe('n\r\n-3\r\n');
  });
});

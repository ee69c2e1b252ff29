import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/lib/insight/csv';
import { filterRows, sortRows, type PortfolioRow } from '../../src/lib/insight/portfolio';
import { portfolioTable } from '../../src/lib/insight/tables';

function row(name: string, over: Partial<PortfolioRow> = {}): PortfolioRow {
  return {
    boardId: `b_${name.toLowerCase()}`,
    name,
    code: 'AAAAAA',
    throughput: 0,
    medianCycleTime: null,
    wip: 0,
    wipLimit: null,
    columnsOverLimit: 0,
    aging: 0,
    completion: { hits: 0, of: 0, rate: null },
    dueDates: { hits: 0, of: 0, rate: null },
    earnedValue: null,
    schedule: null,
    ...over
  };
}

const ev = (status: 'green' | 'amber' | 'red', spi: number) => ({
  currency: 'EUR',
  budget: 100,
  plannedStart: '2026-01-01',
  plannedEnd: '2026-12-31',
  complete: 0.5,
  weightedBy: 'count' as const,
  pv: 50,
  ev: 50 * spi,
  ac: 40,
  spi,
  cpi: 1.25,
  status,
  thresholds: { green: 0.95, amber: 0.85 }
});

const rows = [
  row('Platform', { throughput: 12, medianCycleTime: 4, aging: 2, earnedValue: ev('amber', 0.9) }),
  row('Mobile', { throughput: 3, medianCycleTime: 9.5, earnedValue: ev('red', 0.7) }),
  row('Data', { throughput: 7, medianCycleTime: null, aging: 1 }),
  row('Web shop', { throughput: 7, medianCycleTime: 2, earnedValue: ev('green', 1.1) })
];
const names = (r: PortfolioRow[]) => r.map((x) => x.name);

describe('portfolio sorting and filtering', () => {
  it('sorts either way, ties by name, and keeps boards without a value last', () => {
    expect(names(sortRows(rows, 'throughput', 'desc'))).toEqual(['Platform', 'Data', 'Web shop', 'Mobile']);
    expect(names(sortRows(rows, 'cycle', 'asc'))).toEqual(['Web shop', 'Platform', 'Mobile', 'Data']);
    expect(names(sortRows(rows, 'cycle', 'desc'))).toEqual(['Mobile', 'Platform', 'Web shop', 'Data']);
    expect(names(sortRows(rows, 'status', 'asc'))).toEqual(['Mobile', 'Platform', 'Web shop', 'Data']);
    expect(names(sortRows(rows, 'name', 'asc'))).toEqual(['Data', 'Mobile', 'Platform', 'Web shop']);
  });

  it('filters by name words, status (or no figures) and aging', () => {
    expect(names(filterRows(rows, { q: 'shop WEB' }))).toEqual(['Web shop']);
    expect(names(filterRows(rows, { status: 'red' }))).toEqual(['Mobile']);
    expect(names(filterRows(rows, { status: 'none' }))).toEqual(['Data']);
    expect(names(filterRows(rows, { agingOnly: true }))).toEqual(['Platform', 'Data']);
  });
});

describe('CSV', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    const csv = toCsv({
      headers: ['a', 'b', 'c', 'd'],
      rows: [
        ['x, y', 'say "hi"', '=SUM(A1)', null],
        [1.5, true, 'line\nbreak', '-3 bugs']
      ]
    });
    expect(csv).toBe('a,b,c,d\r\n"x, y","say ""hi""",\'=SUM(A1),\r\n1.5,true,"line\nbreak",\'-3 bugs\r\n');
  });

  it('writes the portfolio with the figures the page shows', () => {
    const lines = toCsv(portfolioTable(rows)).split('\r\n');
    expect(lines[0]).toBe(
      'Board,Throughput,Median cycle time (days),WIP,WIP limit,Columns over limit,Aging cards,Completion %,Due dates hit %,Currency,PV,EV,AC,SPI,CPI,Status,Remaining cards,Forecast finish (85%),Planned end,Schedule'
    );
    expect(lines[2]).toBe('Mobile,3,9.5,0,,0,0,,,EUR,50,35,40,0.7,1.25,red,,,,');
  });
});

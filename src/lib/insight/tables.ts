/**
 * Every chart's data as a table: the table view under each chart (for screen readers) and its
 * CSV download (for spreadsheets) show exactly the numbers the chart draws.
 */
import type { BoardMetrics } from './board-metrics';
import type { Table } from './csv';
import type { PortfolioRow } from './portfolio';

const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);
const round2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);

export function cfdTable(m: BoardMetrics): Table {
  return {
    headers: ['Day', ...m.cfd.series.map((s) => s.name)],
    rows: m.cfd.days.map((d, i) => [d, ...m.cfd.series.map((s) => s.counts[i])])
  };
}

export function cycleTimeTable(m: BoardMetrics): Table {
  return {
    headers: ['Code', 'Card', 'Started', 'Done', 'Cycle time (days)'],
    rows: m.cycleTime.items.map((i) => [i.code, i.title, i.from, i.done, i.days])
  };
}

export function dailyThroughputTable(m: BoardMetrics): Table {
  return { headers: ['Day', 'Cards finished'], rows: m.throughputDaily.map((d) => [d.day, d.count]) };
}

export function leadTimeTable(m: BoardMetrics): Table {
  return {
    headers: ['Code', 'Card', 'Created', 'Done', 'Lead time (days)'],
    rows: m.leadTime.items.map((i) => [i.code, i.title, i.from, i.done, i.days])
  };
}

export function throughputTable(m: BoardMetrics): Table {
  return {
    headers: ['Week of', 'From', 'To', 'Cards done', 'Whole week'],
    rows: m.throughput.map((w) => [w.week, w.from, w.to, w.count, w.partial ? 'no' : 'yes'])
  };
}

export function agingTable(m: BoardMetrics): Table {
  return {
    headers: ['Code', 'Card', 'Column', 'Age (days)', 'Older than 85th percentile'],
    rows: m.aging.items.map((i) => [i.code, i.title, i.column, i.days, i.over ? 'yes' : 'no'])
  };
}

export function wipTable(m: BoardMetrics): Table {
  return {
    headers: ['Day', ...m.wip.series.flatMap((s) => [s.name, `${s.name} limit`]), 'Total in progress'],
    rows: m.wip.days.map((d, i) => [d, ...m.wip.series.flatMap((s) => [s.counts[i], s.limits[i]]), m.wip.total[i]])
  };
}

export function portfolioTable(rows: readonly PortfolioRow[]): Table {
  return {
    headers: [
      'Board',
      'Throughput',
      'Median cycle time (days)',
      'WIP',
      'WIP limit',
      'Columns over limit',
      'Aging cards',
      'Completion %',
      'Due dates hit %',
      'Currency',
      'PV',
      'EV',
      'AC',
      'SPI',
      'CPI',
      'Status',
      'Remaining cards',
      'Forecast finish (85%)',
      'Planned end',
      'Schedule'
    ],
    rows: rows.map((r) => {
      const ev = r.earnedValue;
      return [
        r.name,
        r.throughput,
        r.medianCycleTime,
        r.wip,
        r.wipLimit,
        r.columnsOverLimit,
        r.aging,
        pct(r.completion.rate),
        pct(r.dueDates.rate),
        ev?.currency ?? null,
        round2(ev?.pv ?? null),
        round2(ev?.ev ?? null),
        round2(ev?.ac ?? null),
        round2(ev?.spi ?? null),
        round2(ev?.cpi ?? null),
        ev?.status ?? null,
        r.schedule?.remaining ?? null,
        r.schedule ? (r.schedule.p85 ?? r.schedule.reason) : null,
        r.schedule?.plannedEnd ?? null,
        r.schedule?.status ?? null
      ];
    })
  };
}

/** Chart configurations for young boards and the percentile lines, without a browser. */
import { describe, expect, it } from 'vitest';
import { cfdChart, cycleTimeChart, percentileLines } from '../../src/lib/components/insight/charts';
import { days } from '../../src/lib/components/insight/format';
import type { ChartTheme } from '../../src/lib/components/insight/theme';
import { boardMetrics } from '../../src/lib/insight/board-metrics';
import { History } from './history';

const theme = {
  dark: false,
  text: '#111',
  muted: '#777',
  grid: '#ddd',
  accent: '#44f',
  ok: '#0a0',
  warn: '#a60',
  danger: '#c00',
  surface: '#fff'
} as unknown as ChartTheme;

describe('charts', () => {
  it("draws a one-day-old board's cumulative flow as points", () => {
    const h = new History(['To do', 'Doing', 'Done'], '2026-03-02T09:00:00Z');
    h.create('A', 'To do');
    const m = boardMetrics(h.events, { from: '2026-03-02', to: '2026-03-02' }, Date.parse('2026-03-02T12:00:00Z'));
    const config = cfdChart(m, theme);
    expect(config.data.labels).toHaveLength(1);
    expect(config.data.datasets.every((d) => (d as { pointRadius: number }).pointRadius > 0)).toBe(true);
  });

  it('puts 50, 70, 85 and 95% lines on the cycle-time scatter', () => {
    expect(percentileLines({ count: 4, p50: 1, p70: 2, p85: 3, p95: 4 }, theme).map((l) => l.y)).toEqual([1, 2, 3, 4]);
    const h = new History(['To do', 'Doing', 'Done'], '2026-03-02T09:00:00Z');
    h.create('A', 'Doing').at('2026-03-03T09:00:00Z').move('A', 'Done');
    const m = boardMetrics(h.events, { from: '2026-03-02', to: '2026-03-04' }, Date.parse('2026-03-04T12:00:00Z'));
    const lines = (cycleTimeChart(m, theme).options!.plugins as { referenceLines: { lines: { y: number }[] } }).referenceLines.lines;
    expect(lines.map((l) => l.y)).toEqual([1, 1, 1, 1]);
  });
});

describe('durations on screen', () => {
  it('shows hours under two days, and days with a fraction from there', () => {
    expect([0.01, 0.25, 1.5, 1.99, 2, 5.25, 12.6, null].map(days)).toEqual([
      '0.2\u00a0h',
      '6\u00a0h',
      '36\u00a0h',
      '48\u00a0h',
      '2\u00a0d',
      '5.3\u00a0d',
      '13\u00a0d',
      '–'
    ]);
  });
});

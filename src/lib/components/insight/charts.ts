/**
 * The insight charts as Chart.js configurations, built from a board's metrics and the page's
 * colours. Data goes in as plain arrays (never Svelte state proxies, which Chart.js would try
 * to patch).
 */
import type { ChartConfiguration, ChartOptions, ChartType } from 'chart.js';
import type { BoardMetrics } from '$lib/insight/board-metrics';
import type { HowManyForecast, WhenForecast } from '$lib/insight/forecast';
import { histogram } from '$lib/insight/times';
import { dayStart, DAY_MS } from '$lib/insight/time';
import { days, shortDay } from './format';
import { alpha, stageColours, type ChartTheme } from './theme';

const FONT = "ui-sans-serif, -apple-system, BlinkMacSystemFont, 'Segoe UI', system-ui, Roboto, 'Noto Sans', sans-serif";

function options<T extends ChartType>(t: ChartTheme, extra: ChartOptions<T>): ChartOptions<T> {
  const axis = {
    ticks: { color: t.muted, font: { family: FONT, size: 11 }, maxRotation: 0, autoSkipPadding: 14 },
    grid: { color: alpha(t.grid, 0.9), drawTicks: false },
    border: { display: false }
  };
  const base: ChartOptions<'line'> = {
    animation: false,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest', intersect: false },
    layout: { padding: { top: 4, right: 4 } },
    plugins: {
      legend: {
        position: 'bottom',
        labels: {
          color: t.text,
          font: { family: FONT, size: 12 },
          boxWidth: 10,
          boxHeight: 10,
          useBorderRadius: true,
          borderRadius: 2,
          padding: 14
        }
      },
      tooltip: { titleFont: { family: FONT }, bodyFont: { family: FONT }, padding: 10, cornerRadius: 8, boxPadding: 4 }
    },
    scales: {
      x: { ...axis, grid: { display: false } },
      y: { ...axis, beginAtZero: true, ticks: { ...axis.ticks, precision: 0, padding: 6 } }
    }
  };
  return merge(base as ChartOptions<T>, extra);
}

/** Deep merge of plain option objects (arrays and values from `b` win). */
function merge<T>(a: T, b: unknown): T {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null || Array.isArray(b)) return (b ?? a) as T;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
  return out as T;
}

export function cfdChart(m: BoardMetrics, t: ChartTheme): ChartConfiguration<'line'> {
  const colours = stageColours(
    m.cfd.series.map((s) => s.stage),
    t
  );
  // Done at the bottom, the queues on top: the bands then read in the order work flows.
  const series = m.cfd.series.map((s, i) => ({ s, colour: colours[i] })).reverse();
  return {
    type: 'line',
    data: {
      labels: m.cfd.days.map(shortDay),
      datasets: series.map(({ s, colour }, i) => ({
        label: s.name,
        data: [...s.counts],
        fill: i === 0 ? 'origin' : '-1',
        backgroundColor: alpha(colour, t.dark ? 0.45 : 0.55),
        // A board's first days have too few samples for a line: draw them as points.
        borderColor: colour,
        borderWidth: 1.5,
        pointRadius: m.cfd.days.length < 3 ? 4 : 0,
        pointHitRadius: 6,
        tension: 0.2
      }))
    },
    options: options<'line'>(t, {
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { reverse: true }, tooltip: { itemSort: (a, b) => b.datasetIndex - a.datasetIndex } },
      scales: { x: { offset: m.cfd.days.length < 3 }, y: { stacked: true, title: { display: true, text: 'cards', color: t.muted } } }
    })
  };
}

/** x: days since the period started (fractional), so the axis needs no date adapter. */
const dayOffset = (iso: string, from: string) => (Date.parse(iso) - dayStart(from)) / DAY_MS;

function dayAxis(m: BoardMetrics, t: ChartTheme) {
  const n = m.cfd.days.length || 1;
  return {
    type: 'linear' as const,
    min: 0,
    max: n,
    ticks: {
      color: t.muted,
      stepSize: n > 35 ? 7 : n > 10 ? 2 : 1,
      callback: (v: string | number) => (m.cfd.days[Number(v)] ? shortDay(m.cfd.days[Number(v)]) : '')
    },
    grid: { display: false }
  };
}

/** The 50th, 70th, 85th and 95th percentile lines, coloured like the chips above the chart (which carry their values: labels on lines this close would overlap). */
export function percentileLines(p: BoardMetrics['cycleTime']['percentiles'], t: ChartTheme) {
  const lines = [
    { v: p.p50, colour: t.ok },
    { v: p.p70, colour: t.accent },
    { v: p.p85, colour: t.warn },
    { v: p.p95, colour: t.danger }
  ];
  return lines.filter((l) => l.v !== null).map((l) => ({ y: l.v!, label: '', colour: l.colour }));
}

export function cycleTimeChart(m: BoardMetrics, t: ChartTheme): ChartConfiguration<'scatter'> {
  const items = m.cycleTime.items;
  return {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'Cycle time (days)',
          data: items.map((i) => ({ x: Math.round(dayOffset(i.done, m.period.from) * 100) / 100, y: i.days })),
          backgroundColor: alpha(t.accent, 0.55),
          borderColor: t.accent,
          borderWidth: 1,
          pointRadius: 4,
          pointHoverRadius: 6
        }
      ]
    },
    options: options<'scatter'>(t, {
      interaction: { mode: 'nearest', intersect: true },
      plugins: {
        legend: { display: false },
        referenceLines: { lines: percentileLines(m.cycleTime.percentiles, t) },
        tooltip: {
          callbacks: {
            title: (ctx) => items[ctx[0].dataIndex]?.title ?? '',
            label: (ctx) => `${days(items[ctx.dataIndex].days)}, done ${items[ctx.dataIndex].done.slice(0, 10)}`
          }
        }
      },
      scales: { x: dayAxis(m, t), y: { title: { display: true, text: 'days', color: t.muted } } }
    })
  };
}

export function throughputChart(m: BoardMetrics, t: ChartTheme): ChartConfiguration<'bar'> {
  const weeks = m.throughput;
  return {
    type: 'bar',
    data: {
      labels: weeks.map((w) => shortDay(w.week)),
      datasets: [
        {
          label: 'Cards done',
          data: weeks.map((w) => w.count),
          borderRadius: 4,
          maxBarThickness: 42,
          backgroundColor: weeks.map((w) => (w.partial ? alpha(t.accent, 0.35) : t.accent))
        }
      ]
    },
    options: options<'bar'>(t, {
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (ctx) => {
              const w = weeks[ctx[0].dataIndex];
              return `${shortDay(w.from)} – ${shortDay(w.to)}${w.partial ? ' (part of the week)' : ''}`;
            }
          }
        }
      }
    })
  };
}

/** The throughput run chart: cards finished each day, with the period's daily mean as a line. */
export function throughputDailyChart(m: BoardMetrics, t: ChartTheme): ChartConfiguration<'line'> {
  const daysList = m.throughputDaily;
  const mean = daysList.length ? daysList.reduce((s, d) => s + d.count, 0) / daysList.length : 0;
  return {
    type: 'line',
    data: {
      labels: daysList.map((d) => shortDay(d.day)),
      datasets: [
        {
          label: 'Cards finished',
          data: daysList.map((d) => d.count),
          borderColor: t.accent,
          backgroundColor: t.accent,
          borderWidth: 1.5,
          pointRadius: daysList.length > 60 ? 1.5 : 3,
          tension: 0
        }
      ]
    },
    options: options<'line'>(t, {
      plugins: {
        legend: { display: false },
        referenceLines: { lines: daysList.length ? [{ y: mean, label: `mean ${Math.round(mean * 10) / 10} a day`, colour: t.muted }] : [] }
      },
      scales: { y: { title: { display: true, text: 'cards a day', color: t.muted } } }
    })
  };
}

export function leadTimeChart(m: BoardMetrics, t: ChartTheme): ChartConfiguration<'bar'> {
  const bins = histogram(m.leadTime.items.map((i) => i.days));
  const label = (b: { from: number; to: number }) => (b.to - b.from === 1 ? `${b.from}` : `${b.from}–${b.to}`);
  return {
    type: 'bar',
    data: {
      labels: bins.map(label),
      datasets: [
        {
          label: 'Cards',
          data: bins.map((b) => b.count),
          backgroundColor: alpha(t.ok, 0.8),
          borderRadius: 3,
          categoryPercentage: 0.92,
          barPercentage: 0.95
        }
      ]
    },
    options: options<'bar'>(t, {
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (ctx) => {
              const b = bins[ctx[0].dataIndex];
              return `${b.from} to ${b.to} days`;
            }
          }
        }
      },
      scales: { x: { title: { display: true, text: 'days from creation to done', color: t.muted } } }
    })
  };
}

/** The in-progress columns the aging chart places cards in, in board order. */
export const agingColumns = (m: BoardMetrics) => m.columns.filter((c) => c.stage === 'doing' && !c.removed).map((c) => c.name);

export function agingChart(m: BoardMetrics, t: ChartTheme): ChartConfiguration<'scatter'> {
  const columns = agingColumns(m);
  const items = m.aging.items;
  // Cards of one column fan out a little sideways, so equal ages do not hide each other.
  const seen = new Map<string, number>();
  const points = items.map((i) => {
    const k = seen.get(i.column) ?? 0;
    seen.set(i.column, k + 1);
    return { x: columns.indexOf(i.column) + ((k % 5) - 2) * 0.09, y: i.days };
  });
  const p85 = m.aging.p85;
  // The cycle time's percentile lines, once there is enough history for them to mean something.
  const lines = m.aging.enoughHistory ? percentileLines(m.cycleTime.percentiles, t) : [];
  return {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'Age (days)',
          data: points,
          pointRadius: 6,
          pointHoverRadius: 8,
          borderWidth: 1.5,
          backgroundColor: items.map((i) => alpha(i.over ? t.danger : t.accent, 0.6)),
          borderColor: items.map((i) => (i.over ? t.danger : t.accent))
        }
      ]
    },
    options: options<'scatter'>(t, {
      interaction: { mode: 'nearest', intersect: true },
      plugins: {
        legend: { display: false },
        referenceLines: { lines },
        tooltip: {
          callbacks: {
            title: (ctx) => items[ctx[0].dataIndex]?.title ?? '',
            label: (ctx) => `${items[ctx.dataIndex].column}: ${days(items[ctx.dataIndex].days)} in progress`
          }
        }
      },
      scales: {
        x: {
          type: 'linear',
          min: -0.5,
          max: Math.max(0.5, columns.length - 0.5),
          // One tick per column, at its centre (a linear axis would start its ticks at -0.5).
          afterBuildTicks: (axis) => {
            axis.ticks = columns.map((_, i) => ({ value: i }));
          },
          ticks: { color: t.text, font: { family: FONT, size: 12, weight: 600 }, callback: (v) => columns[Number(v)] ?? '' },
          grid: { display: false }
        },
        y: { suggestedMax: p85 === null ? undefined : p85 * 1.2, title: { display: true, text: 'days in progress', color: t.muted } }
      }
    })
  };
}

export function wipChart(m: BoardMetrics, t: ChartTheme): ChartConfiguration<'line'> {
  const colours = stageColours(
    m.wip.series.map(() => 'doing'),
    t
  );
  // A board's first days have too few samples for a line: draw them as points.
  const few = m.wip.days.length < 3;
  return {
    type: 'line',
    data: {
      labels: m.wip.days.map(shortDay),
      datasets: m.wip.series.flatMap((s, i) => {
        const count = {
          label: s.name,
          data: [...s.counts],
          borderColor: colours[i],
          backgroundColor: colours[i],
          borderWidth: 2,
          pointRadius: few ? 4 : 0,
          pointStyle: 'rectRounded' as const,
          stepped: true as const
        };
        if (s.limits.every((l) => l === null)) return [count];
        const limit = {
          label: `${s.name} limit`,
          data: s.limits.map((l) => l ?? Number.NaN),
          borderColor: colours[i],
          backgroundColor: colours[i],
          borderWidth: 1.5,
          borderDash: [6, 4],
          pointRadius: 0,
          pointStyle: 'dash' as const,
          stepped: true as const,
          spanGaps: false
        };
        return [count, limit];
      })
    },
    options: options<'line'>(t, {
      interaction: { mode: 'index', intersect: false },
      // Legend marks drawn like the lines: a box for a column's cards, a dash for its limit.
      plugins: { legend: { labels: { usePointStyle: true, pointStyleWidth: 18 } } },
      scales: { x: { offset: few }, y: { title: { display: true, text: 'cards', color: t.muted } } }
    })
  };
}

/** Bars of the runs' outcomes, coloured by the percentile band they fall in (50 / 70 / 85 / 95 / beyond). */
function bandColours<T>(bars: readonly T[], cut: readonly (T | null)[], after: (bar: T, edge: T) => boolean, t: ChartTheme): string[] {
  const colours = [t.ok, t.accent, t.warn, t.danger, t.muted];
  return bars.map((bar) => {
    const band = cut.findIndex((edge) => edge !== null && !after(bar, edge));
    return alpha(colours[band < 0 ? 4 : band], 0.8);
  });
}

/** A forecast's histogram of runs: one bar per outcome, coloured by the percentile band it falls in. */
function runsChart(
  bars: { runs: number }[],
  labels: string[],
  colours: string[],
  totalRuns: number,
  titleOf: (index: number) => string,
  xTitle: string,
  t: ChartTheme
): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          label: 'Runs',
          data: bars.map((b) => b.runs),
          backgroundColor: colours,
          borderRadius: 3,
          categoryPercentage: 0.92,
          barPercentage: 0.95
        }
      ]
    },
    options: options<'bar'>(t, {
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (ctx) => titleOf(ctx[0].dataIndex),
            label: (ctx) => `${bars[ctx.dataIndex].runs} of ${totalRuns} runs`
          }
        }
      },
      scales: {
        x: { title: { display: true, text: xTitle, color: t.muted } },
        y: { title: { display: true, text: 'runs', color: t.muted } }
      }
    })
  };
}

export function whenChart(f: WhenForecast, t: ChartTheme): ChartConfiguration<'bar'> {
  const bars = f.histogram;
  const colours = bandColours(
    bars.map((b) => b.date),
    f.when.map((w) => w.date),
    (a, b) => a > b,
    t
  );
  return runsChart(
    bars,
    bars.map((b) => shortDay(b.date)),
    colours,
    f.runs,
    (i) => `Done ${shortDay(bars[i].date)}`,
    `day the ${f.items} cards are finished`,
    t
  );
}

export function howManyChart(f: HowManyForecast, t: ChartTheme): ChartConfiguration<'bar'> {
  const bars = f.histogram;
  const colours = bandColours(
    bars.map((b) => b.items),
    f.howMany.map((h) => h.items),
    (a, b) => a < b,
    t
  );
  return runsChart(
    bars,
    bars.map((b) => String(b.items)),
    colours,
    f.runs,
    (i) => `${bars[i].items} cards`,
    `cards finished by ${shortDay(f.by)}`,
    t
  );
}

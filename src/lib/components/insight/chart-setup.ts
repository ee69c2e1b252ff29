/**
 * Chart.js with only the parts the insight charts use (it tree-shakes), and one small plugin:
 * labelled horizontal reference lines (percentiles, the 85th-percentile age) drawn across the
 * whole plot, which a dataset on a category axis cannot do.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartType,
  type Plugin
} from 'chart.js';

export interface ReferenceLine {
  y: number;
  label: string;
  colour: string;
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the augmented interface must repeat chart.js's type parameter
  interface PluginOptionsByType<TType extends ChartType> {
    referenceLines?: { lines: ReferenceLine[]; font?: string };
  }
}

const referenceLines: Plugin = {
  id: 'referenceLines',
  afterDatasetsDraw(chart) {
    const options = chart.options.plugins?.referenceLines;
    const y = chart.scales.y;
    if (!options?.lines?.length || !y) return;
    const { ctx, chartArea: area } = chart;
    ctx.save();
    ctx.font = options.font ?? '600 11px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    for (const line of options.lines) {
      if (line?.y === undefined || !line.colour) continue;
      const py = Math.round(y.getPixelForValue(line.y)) + 0.5;
      if (py < area.top || py > area.bottom) continue;
      ctx.strokeStyle = line.colour;
      ctx.fillStyle = line.colour;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([5, 4]);
      ctx.beginPath();
      ctx.moveTo(area.left, py);
      ctx.lineTo(area.right, py);
      ctx.stroke();
      ctx.fillText(line.label ?? '', area.right - 4, py - 3);
    }
    ctx.restore();
  }
};

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  referenceLines
);

export { Chart };

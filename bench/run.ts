/**
 * `npm run bench`: every figure beside a baseline measured in the same run, as a table and
 * as JSON in bench/results/latest.json. Ratios, never wall-clock asserts: machines are shared.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { runImportBench } from './import';
import { round } from './stats';
import { runSync } from './sync';
import { moveCosts } from './write-cost';

interface Row {
  section: string;
  figure: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  target?: string;
  met?: boolean;
}

const rows: Row[] = [];
const only = process.argv.slice(2);
const wanted = (section: string) => only.length === 0 || only.includes(section);

function add(row: Row) {
  rows.push(row);
  const base = row.baseline
    ? `  vs ${row.baseline.name} ${round(row.baseline.value)} (×${round(row.ratio ?? row.value / row.baseline.value)})`
    : '';
  const target = row.target ? `  target ${row.target}: ${row.met ? 'met' : 'NOT met'}` : '';
  console.log(`[${row.section}] ${row.figure}: ${round(row.value)} ${row.unit}${base}${target}`);
}

async function syncSection() {
  const opts = { cards: 10_000, clients: 50, moves: 4_000, maxSeconds: 30, pacedMoves: 300 };
  const raw = await runSync('raw', opts);
  const ours = await runSync('kanbridge', opts);
  const naive = await runSync('naive', { ...opts, moves: 400, maxSeconds: 15, pacedMoves: 20 });
  const ratio = ours.movesPerSec / raw.movesPerSec;
  add({
    section: 'sync',
    figure: 'durable moves/s (10k cards, 50 clients)',
    value: ours.movesPerSec,
    unit: '/s',
    baseline: { name: 'raw Socket.IO', value: raw.movesPerSec },
    ratio,
    target: '>= 1000/s and >= 0.5× raw',
    met: ours.movesPerSec >= 1000 && ratio >= 0.5
  });
  add({
    section: 'sync',
    figure: 'naive lowdb store moves/s',
    value: naive.movesPerSec,
    unit: '/s',
    baseline: { name: 'Kanbridge', value: ours.movesPerSec }
  });
  // Latency one move at a time (no queue in front), then under full load (50 movers at once).
  const fan = (figure: string, a: number, b: number, target = true) =>
    add({
      section: 'sync',
      figure,
      value: a,
      unit: 'ms',
      baseline: { name: 'raw', value: b },
      ratio: a / Math.max(b, 0.001),
      ...(target ? { target: '<= 3× raw', met: a <= 3 * Math.max(b, 0.5) } : {})
    });
  fan('fan-out p50, paced (ack → all 50)', ours.pacedFanoutP50, raw.pacedFanoutP50);
  fan('fan-out p99, paced (ack → all 50)', ours.pacedFanoutP99, raw.pacedFanoutP99);
  fan('send → all 50 p50, paced', ours.pacedSendToAllP50, raw.pacedSendToAllP50);
  fan('send → all 50 p99, paced', ours.pacedSendToAllP99, raw.pacedSendToAllP99);
  fan('fan-out p50, saturated (ack → all 50)', ours.fanoutP50, raw.fanoutP50, false);
  fan('fan-out p99, saturated (ack → all 50)', ours.fanoutP99, raw.fanoutP99, false);
  fan('send → all 50 p50, saturated', ours.sendToAllP50, raw.sendToAllP50, false);
  fan('send → all 50 p99, saturated', ours.sendToAllP99, raw.sendToAllP99, false);
  add({
    section: 'sync',
    figure: 'server RSS, 10k-card board loaded, 50 clients',
    value: ours.rssLoadedMb,
    unit: 'MB',
    baseline: { name: 'raw Socket.IO server', value: raw.rssLoadedMb },
    target: '< 150 MB',
    met: ours.rssLoadedMb < 150
  });
  add({
    section: 'sync',
    figure: 'server RSS after the moves',
    value: ours.rssMb,
    unit: 'MB',
    baseline: { name: 'raw Socket.IO server', value: raw.rssMb }
  });
}

async function writeSection() {
  const { small, big } = await moveCosts(1_000, 100_000);
  add({
    section: 'write',
    figure: 'cost per durable move, 100k-card board',
    value: big,
    unit: 'ms',
    baseline: { name: '1k-card board', value: small },
    ratio: big / small,
    target: '<= 1.5× the 1k board',
    met: big / small <= 1.5
  });
}

async function importSection() {
  const f = await runImportBench('kanbridge');
  const what = `max-size import (${round(f.fileMb, 1)} MB)`;
  for (const [name, l] of [
    ['GET /api/health', f.health],
    ['card move (ack)', f.move]
  ] as const) {
    for (const p of ['p50', 'p99', 'max'] as const) {
      const busy = l.importing[p];
      const idle = l.idle[p];
      add({
        section: 'import',
        figure: `${name} ${p} during a ${what}`,
        value: busy,
        unit: 'ms',
        baseline: { name: 'no import', value: idle },
        ratio: busy / Math.max(idle, 0.001),
        ...(p === 'p50' ? {} : { target: '<= 100 ms', met: busy <= 100 })
      });
    }
  }
  add({
    section: 'import',
    figure: `server RSS peak during the ${what}`,
    value: f.rss.peak,
    unit: 'MB',
    baseline: { name: 'before it', value: f.rss.before },
    ratio: f.rss.peak / f.rss.before,
    target: '< 3× before',
    met: f.rss.peak < 3 * f.rss.before
  });
  add({
    section: 'import',
    figure: 'server RSS 2 s after the import',
    value: f.rss.after,
    unit: 'MB',
    baseline: { name: 'before it', value: f.rss.before },
    ratio: f.rss.after / f.rss.before
  });
  add({ section: 'import', figure: `time to import the ${what}`, value: f.importSeconds, unit: 's' });
}

async function optional(section: string, file: string, fn: string) {
  const mod = (await import(file).catch(() => null)) as Record<string, () => Promise<Record<string, number>>> | null;
  if (!mod?.[fn]) {
    console.log(`[${section}] not available`);
    return;
  }
  const figures = await mod[fn]();
  for (const [figure, value] of Object.entries(figures)) add({ section, figure, value, unit: '' });
}

const sections: [string, () => Promise<void>][] = [
  ['sync', syncSection],
  ['write', writeSection],
  ['import', importSection],
  ['qr', () => optional('qr', './qr.ts', 'benchDecoder')],
  ['print', () => optional('print', './print.ts', 'benchPrint')],
  ['scanner', () => optional('scanner', './scanner.ts', 'benchScanner')],
  ['wall', () => optional('wall', './wall.ts', 'benchWall')],
  ['insight', () => optional('insight', './insight.ts', 'benchInsight')],
  ['flow', () => optional('flow', './flow.ts', 'benchFlow')],
  ['scale', () => optional('scale', './scale.ts', 'benchScale')],
  ['browser', () => optional('browser', './browser.ts', 'benchBrowser')]
];

for (const [name, fn] of sections) {
  if (!wanted(name)) continue;
  try {
    await fn();
  } catch (err) {
    console.error(`[${name}] failed:`, err);
    process.exitCode = 1;
  }
}

const out = path.join('bench', 'results', 'latest.json');
await fs.mkdir(path.dirname(out), { recursive: true });
await fs.writeFile(out, JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
console.log(`\nwritten ${out}`);
console.table(
  rows.map((r) => ({
    section: r.section,
    figure: r.figure,
    value: `${round(r.value)} ${r.unit}`,
    baseline: r.baseline ? `${r.baseline.name}: ${round(r.baseline.value)}` : '',
    ratio: r.ratio === undefined ? '' : round(r.ratio),
    target: r.target ? `${r.target} ${r.met ? '✓' : '✗'}` : ''
  }))
);

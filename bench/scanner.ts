/**
 * Scanner benchmark: scan-to-screen latency, from the camera frame that first shows a column
 * sign to the card appearing in that column in a second browser. Real Chromium (fake camera
 * playing a clip), the real built server, the board page as the second browser.
 *
 * How the two ends are timestamped:
 * - The clip (10 fps) shows the card, a blank wall, then a column sign, a blank wall, and
 *   again, the sign alternating between Review and Backlog, so every sign is one move. A probe
 *   injected into the scanner page watches every frame the <video> presents
 *   (requestVideoFrameCallback) at 64×48 and counts dark pixels: the blank wall has none, a
 *   printed code has many. The first frame of every second code segment is a sign; its time is
 *   the frame's captureTime (when the camera delivered it; presentation time if the browser
 *   gives none), on the page's clock. The app's own decoder may see that frame or a later one:
 *   the sampling interval is part of what is measured.
 * - On the board page a MutationObserver records when the card's element lands in another
 *   column section.
 * - Both are turned into wall-clock time with performance.timeOrigin, so the two pages (and
 *   Node) share one clock.
 * Baseline in the same run: a move POSTed to the HTTP API from Node to the same DOM change in
 * the same second browser (network, server, fan-out and render, without camera or decoding).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { BoardJson } from '../src/lib/protocol';
import { launchBrowser } from '../test/helpers/browser';
import { api } from '../test/helpers/server';
import { writeClip, type ClipSegment } from '../test/helpers/y4m';
import { percentile } from './stats';

const RUNS = 9;
const LEAD_S = 2.5;

export async function benchScanner(): Promise<Record<string, number>> {
  const entry = path.resolve('build', 'kanbridge.js');
  if (!existsSync(entry)) throw new Error('build/kanbridge.js is missing: run `npm run build` first');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kanbridge-bench-scan-'));
  const server = await startServer(entry, dir);
  let browser: Awaited<ReturnType<typeof launchBrowser>> | null = null;
  try {
    const board = (
      await api<BoardJson>(server.url, 'POST', '/api/boards', { name: 'Scanner bench', columns: [{ name: 'Backlog' }, { name: 'Review' }] })
    ).body;
    const [backlog, review] = board.columns;
    const card = (
      await api<{ card: { id: string; code: string } }>(server.url, 'POST', `/api/boards/${board.id}/cards`, {
        title: 'Bench card',
        columnId: backlog.id
      })
    ).body.card;
    const origin = server.url.toUpperCase();
    const targets = Array.from({ length: RUNS }, (_, i) => (i % 2 === 0 ? review : backlog));
    const segments: ClipSegment[] = [{ seconds: LEAD_S }];
    for (const to of targets) {
      segments.push(
        { seconds: 1, qr: `${origin}/C/${card.code}` },
        { seconds: 1 },
        { seconds: 1, qr: `${origin}/L/${to.code}` },
        { seconds: 1.5 }
      );
    }
    segments.push({ seconds: 30 });
    const clip = path.join(dir, 'bench.y4m');
    await writeClip(clip, segments, { fps: 10 });

    browser = await launchBrowser([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${clip}`
    ]);
    const watcher = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await watcher.goto(`${server.url}/boards/${board.id}`);
    await watcher.locator('[data-status="live"]').waitFor();
    await watcher.evaluate(`(${WATCH_CARD})(${JSON.stringify(card.id)})`);

    // Baseline first, while the camera is not running: API move → the same DOM change.
    const baseline: number[] = [];
    for (let i = 0; i < 6; i++) {
      const to = i % 2 === 0 ? review : backlog;
      const before = await landings(watcher);
      const sent = performance.timeOrigin + performance.now();
      const r = await api(server.url, 'POST', `/api/boards/${board.id}/commands`, {
        opId: `op_bench${Date.now()}${i}`,
        type: 'moveCard',
        cardId: card.id,
        toColumnId: to.id
      });
      if (r.status !== 200) throw new Error(`baseline move failed: ${JSON.stringify(r.body)}`);
      const landed = await waitForLanding(watcher, before.length, to.id);
      baseline.push(landed - sent);
    }
    // Back to Backlog, where the clip expects the card.
    if ((await landings(watcher)).at(-1)?.columnId !== backlog.id) throw new Error('baseline left the card outside Backlog');

    const scanner = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await scanner.addInitScript({ content: PROBE_FRAMES });
    const start = (await landings(watcher)).length;
    await scanner.goto(`${server.url}/boards/${board.id}/scan`);
    await scanner.locator('[data-camera-status="live"]').waitFor();
    const clipSeconds = segments.reduce((s, x) => s + x.seconds, 0) - 30;
    await waitFor(async () => (await landings(watcher)).length - start >= RUNS, (clipSeconds + 20) * 1000);

    const codeStarts = (await scanner.evaluate('window.__frames')) as number[];
    const signs = codeStarts.filter((_, i) => i % 2 === 1).slice(0, RUNS);
    const moves = (await landings(watcher)).slice(start);
    const latencies: number[] = [];
    let missed = 0;
    signs.forEach((t, i) => {
      const next = signs[i + 1] ?? Infinity;
      const hit = moves.find((m) => m.columnId === targets[i].id && m.at > t && m.at < next);
      if (hit) latencies.push(hit.at - t);
      else missed++;
    });
    missed += RUNS - signs.length;
    return {
      'scan → second screen, median (ms)': percentile(latencies, 50),
      'scan → second screen, p90 (ms)': percentile(latencies, 90),
      'baseline: API move → second screen, median (ms)': percentile(baseline, 50),
      'baseline: API move → second screen, p90 (ms)': percentile(baseline, 90),
      'scan runs measured': latencies.length,
      'scan runs missed': missed
    };
  } finally {
    await browser?.close();
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function startServer(entry: string, dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, KANBRIDGE_DEMO: '0' },
    stdio: ['ignore', 'pipe', 'inherit']
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    }
  };
}

interface Landing {
  at: number;
  columnId: string;
}

// The two in-page probes are plain JavaScript text: functions passed to page.evaluate are
// serialised, and the TypeScript loader adds helper calls to them that the page lacks.

/** In the board page: records (wall-clock time, column) each time the card's element changes column. */
const WATCH_CARD = `(cardId) => {
  window.__landings = [];
  let last;
  const check = () => {
    const column = document.querySelector('[data-card-id="' + cardId + '"]')?.closest('section[data-column-id]')?.dataset.columnId;
    if (column && column !== last) {
      if (last !== undefined) window.__landings.push({ at: performance.timeOrigin + performance.now(), columnId: column });
      last = column;
    }
  };
  check();
  new MutationObserver(check).observe(document.body, { childList: true, subtree: true });
}`;

/**
 * In the scanner page, before its scripts: once the <video> exists, looks at every presented
 * frame at 64×48 and records the wall-clock time of the first frame of each stretch showing a
 * code (many dark pixels; the blank wall has none).
 */
const PROBE_FRAMES = `(() => {
  window.__frames = [];
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let showing = false;
  const watch = (video) => {
    const onFrame = (now, meta) => {
      if (video.videoWidth) {
        ctx.drawImage(video, 0, 0, 64, 48);
        const px = ctx.getImageData(0, 0, 64, 48).data;
        let dark = 0;
        for (let i = 0; i < px.length; i += 4) if (px[i] < 70) dark++;
        const code = dark > 64 * 48 * 0.03;
        if (code && !showing) window.__frames.push(performance.timeOrigin + (meta.captureTime ?? meta.presentationTime ?? now));
        showing = code;
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  const find = setInterval(() => {
    const video = document.querySelector('video');
    if (video) {
      clearInterval(find);
      watch(video);
    }
  }, 20);
})()`;

async function landings(page: Page): Promise<Landing[]> {
  return (await page.evaluate('window.__landings')) as Landing[];
}

async function waitForLanding(page: Page, count: number, columnId: string): Promise<number> {
  let hit: Landing | undefined;
  await waitFor(async () => {
    const all = await landings(page);
    hit = all.slice(count).find((l) => l.columnId === columnId);
    return hit !== undefined;
  }, 10_000);
  return hit!.at;
}

async function waitFor(test: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

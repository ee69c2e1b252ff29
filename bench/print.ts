/**
 * Print benchmark: a PDF of 500 mixed-script cards on A4 (63 pages), streamed to a null sink.
 * Aims: under 3 s and under 250 MB RSS.
 *
 * The render runs in a child process so that its peak RSS (the kernel's high-water mark) is
 * the renderer's own, not whatever the benchmark runner grew to before.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  cardsInOrder,
  decide,
  decideCreateBoard,
  emptyBoard,
  evolve,
  newBoardId,
  newCardId,
  newColumnId,
  type BoardEvent,
  type BoardState,
  type Code,
  type DecideContext,
  type EventBody,
  type OpId
} from '../src/lib/domain';
import { renderPdf } from '../server/print/render';

const CARDS = 500;

const TITLES = [
  'Fix login redirect loop on Safari when cookies are blocked',
  'Исправить экспорт CSV для длинных названий колонок',
  'Διόρθωση της εξαγωγής αναφορών τριμήνου',
  '修复看板导出时中文标题被截断的问题',
  'カンバンの印刷レイアウトを改善する',
  'Write the onboarding guide for new team members joining in spring, with a checklist for their first week'
];

function buildBoard(): BoardState {
  let n = 0;
  const ctx: DecideContext = {
    newCardId,
    newColumnId,
    newCode: () =>
      (n++).toString(32).toUpperCase().replace(/I/g, 'X').replace(/L/g, 'Y').replace(/O/g, 'Z').replace(/U/g, 'W').padStart(7, '0') as Code
  };
  const state = emptyBoard(newBoardId());
  const apply = (bodies: EventBody[]) => {
    for (const body of bodies) {
      evolve(state, {
        ...body,
        boardId: state.id,
        revision: state.revision + 1,
        at: new Date().toISOString(),
        source: 'import',
        actor: { id: 'bench', name: 'Bench' },
        opId: `b${state.revision}` as OpId
      } as BoardEvent);
    }
  };
  const created = decideCreateBoard('Print benchmark — Платформа — 看板', [{ name: 'To do' }, { name: 'Doing' }, { name: 'Done' }], ctx);
  if (!created.ok) throw new Error(created.rejection.message);
  apply(created.events);
  for (let i = 0; i < CARDS; i++) {
    const d = decide(
      state,
      {
        type: 'createCard',
        opId: 'x' as OpId,
        title: `${TITLES[i % TITLES.length]} ${i}`,
        columnId: state.columns[i % 3].id,
        assignee: i % 2 ? 'Алиса Петрова' : '王小明',
        tags: i % 3 ? ['backend', 'q3'] : [],
        due: i % 4 ? '2026-12-01' : null
      },
      ctx
    );
    if (!d.ok) throw new Error(d.rejection.message);
    apply(d.events);
  }
  return state;
}

/** Discards the PDF, counting its bytes. */
class NullSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.bytes += chunk.length;
    cb();
  }
}

interface ChildResult {
  firstMs: number;
  nextMs: number;
  /** CPU time (user + system) of the first render: steadier than wall time on a shared machine. */
  firstCpuMs: number;
  pages: number;
  bytes: number;
  peakRssMb: number;
}

/**
 * The process's own high-water mark (VmHWM). Not `resourceUsage().maxRSS`: Linux keeps that
 * across exec, so a child would report the benchmark runner's size when it was started.
 */
function peakRssMb(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function child(): Promise<ChildResult> {
  const board = buildBoard();
  const cards = cardsInOrder(board);
  const once = async () => {
    const sink = new NullSink();
    const t = performance.now();
    const cpu = process.cpuUsage();
    const { pages } = await renderPdf({ board, cards, layout: 'a4-8', publicUrl: 'http://192.168.1.20:3000', printedAt: new Date() }, sink);
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, pages, bytes: sink.bytes };
  };
  // The first document parses the fonts (once per process), as a server's first print job does.
  const first = await once();
  const next = await once();
  return { firstMs: first.ms, nextMs: next.ms, firstCpuMs: first.cpuMs, pages: first.pages, bytes: first.bytes, peakRssMb: peakRssMb() };
}

export async function benchPrint(): Promise<Record<string, number>> {
  const self = fileURLToPath(import.meta.url);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', self, '--child'], {
    cwd: path.resolve(path.dirname(self), '..')
  });
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
  return {
    'A4, 500 cards: first PDF incl. font parsing (ms, aim < 3000)': r.firstMs,
    'A4, 500 cards: first PDF, CPU time (ms)': r.firstCpuMs,
    'A4, 500 cards: next PDF (ms)': r.nextMs,
    'A4, 500 cards: peak RSS (MB, aim < 250)': r.peakRssMb,
    'A4, 500 cards: pages': r.pages,
    'A4, 500 cards: size (KB)': r.bytes / 1024
  };
}

if (process.argv.includes('--child') && process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  console.log(JSON.stringify(await child()));
}

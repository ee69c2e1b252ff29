/**
 * Write cost per move on a small and a huge board: an append must not depend on the board's
 * size. Each board lives in its own process (as it would on its own server), and the two
 * processes take turns in rounds, so a burst of load on the shared machine hits both alike;
 * the figure is the median of the rounds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { percentile } from './stats';

const WORKER = new URL('./write-cost-worker.ts', import.meta.url).pathname;

class Worker {
  readonly #child: ChildProcess;
  readonly #lines: AsyncIterator<string>;
  constructor(cards: number) {
    this.#child = spawn(process.execPath, ['--import', 'tsx', WORKER, String(cards)], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.#lines = createInterface({ input: this.#child.stdout! })[Symbol.asyncIterator]();
  }
  async next(): Promise<string> {
    const { value, done } = await this.#lines.next();
    if (done) throw new Error('write-cost worker ended early');
    return value;
  }
  /** Runs `moves` durable moves; answers the mean milliseconds per move. */
  async run(moves: number): Promise<number> {
    this.#child.stdin!.write(`${moves}\n`);
    return Number(await this.next());
  }
  stop() {
    this.#child.stdin!.end();
  }
}

export async function moveCosts(small = 1_000, big = 100_000, rounds = 9, moves = 300): Promise<{ small: number; big: number }> {
  const a = new Worker(small);
  const b = new Worker(big);
  await Promise.all([a.next(), b.next()]); // "ready" once seeded and warmed up
  const costs = { small: [] as number[], big: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    costs.small.push(await a.run(moves));
    costs.big.push(await b.run(moves));
  }
  a.stop();
  b.stop();
  return { small: percentile(costs.small, 50), big: percentile(costs.big, 50) };
}

/**
 * A believable board history for pages, browser tests, screenshots and the benchmark: a team
 * working through `weeks` weeks up to `now`, with queues, reviews that bounce back, cards that
 * are never started, tidied-up Done cards, due dates and project figures. Deterministic for a
 * given seed, so a test can compute the expected figures from the same log.
 */
import type { BoardEvent } from '../../src/lib/domain';
import { EXPORT_FORMAT, EXPORT_VERSION, type KanbridgeFile } from '../../server/import/kanbridge-file';
import { History } from './history';
import { seededRandom as random } from '../../src/lib/random';

const DAY = 86_400_000;
const HOUR = 3_600_000;

const VERBS = ['Fix', 'Add', 'Improve', 'Speed up', 'Document', 'Redesign', 'Test', 'Migrate', 'Clean up', 'Review'];
const THINGS = [
  'invoice export',
  'login page',
  'search results',
  'onboarding emails',
  'print layout',
  'scanner feedback',
  'API rate limits',
  'dark mode',
  'CSV import',
  'audit log',
  'billing page',
  'mobile menu',
  'error messages',
  'backup job',
  'release notes'
];
const PEOPLE = [
  { id: 'u_priya', name: 'Priya' },
  { id: 'u_marco', name: 'Marco' },
  { id: 'u_aiko', name: 'Aiko' },
  { id: 'u_sam', name: 'Sam' },
  { id: 'u_lena', name: 'Lena' }
];
const TAGS = ['bug', 'ui', 'api', 'infra', 'docs', 'pmo'];
const SOURCES = ['drag', 'drag', 'drag', 'keyboard', 'scan', 'wall', 'api'] as const;

interface Step {
  at: number;
  run: (h: History) => void;
}

export interface SeedOptions {
  now: number;
  weeks?: number;
  /** Cards arriving per working day, on average. */
  perDay?: number;
  seed?: number;
  name?: string;
  /** Set project figures (budget, plan, cost) on the board. */
  project?: boolean;
}

export function seedHistory(o: SeedOptions): History {
  const rand = random(o.seed ?? 7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const weeks = o.weeks ?? 12;
  const start = Math.floor(o.now / DAY) * DAY - weeks * 7 * DAY;
  const h = new History(
    ['Backlog', 'Ready', { name: 'Doing', wipLimit: 6 }, { name: 'Review', wipLimit: 3 }, 'Done'],
    new Date(start + 8 * HOUR).toISOString(),
    o.name ?? 'Product team',
    `b_seed${o.seed ?? 7}`
  );
  const steps: Step[] = [];
  const later = (at: number, run: (h: History) => void) => {
    if (at < o.now) steps.push({ at, run });
  };
  let n = 0;
  for (let day = start; day < o.now; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const arrivals = Math.round((o.perDay ?? 2) * (0.5 + rand()));
    for (let i = 0; i < arrivals; i++) {
      const title = `${pick(VERBS)} ${pick(THINGS)} #${++n}`;
      const person = pick(PEOPLE);
      let t = day + (8 + rand() * 9) * HOUR;
      const due = rand() < 0.4 ? new Date(t + (5 + rand() * 20) * DAY).toISOString().slice(0, 10) : null;
      const fields = {
        assignee: person.name,
        tags: rand() < 0.7 ? [pick(TAGS)] : [],
        due,
        estimate: rand() < 0.8 ? pick([1, 2, 3, 5, 8]) : null
      };
      later(t, (x) => x.as(pick(PEOPLE), 'ui').create(title, 'Backlog', fields));
      if (rand() < 0.15) continue; // never started
      // Most work flows; about one card in ten gets stuck in Doing for weeks.
      const stuck = rand() < 0.1 ? 8 + rand() * 20 : 0;
      const path: [string, number][] = [
        ['Ready', 0.5 + rand() * 3],
        ['Doing', 0.3 + rand() * 4],
        ['Review', 1 + rand() * 5 + stuck],
        ['Review', 0.2 + rand() * 2]
      ];
      if (rand() < 0.2) path.splice(3, 0, ['Doing', 0.5 + rand() * 2]); // review sent it back
      path.push(['Done', 0]);
      let column = 'Backlog';
      for (const [to, wait] of path) {
        t += wait * DAY;
        if (to !== column) {
          const target = to;
          later(t, (x) => x.as(person, pick(SOURCES)).move(title, target));
          column = to;
        }
      }
      if (rand() < 0.5) later(t + (3 + rand() * 10) * DAY, (x) => x.as(person, 'ui').archive(title));
    }
  }
  if (o.project) {
    const d = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    later(start + 9 * HOUR, (x) =>
      x.as(PEOPLE[0], 'ui').project({
        budget: 120_000,
        currency: 'EUR',
        plannedStart: d(start),
        plannedEnd: d(start + (weeks + 6) * 7 * DAY),
        actualCost: 48_000,
        thresholds: { green: 0.95, amber: 0.85 }
      })
    );
  }
  steps.sort((a, b) => a.at - b.at);
  for (const s of steps) s.run(h.at(new Date(s.at).toISOString()));
  return h;
}

/** The history as a Kanbridge export file, ready for `POST /api/import?format=kanbridge`. */
export function exportOf(h: History): KanbridgeFile {
  const events: BoardEvent[] = h.events;
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    board: { id: h.state.id, name: h.state.name, code: h.state.code, revision: h.state.revision },
    events
  };
}

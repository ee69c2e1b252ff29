/**
 * The demo board created on first start, so a new install opens on something real: a product
 * team's board with twelve weeks of history behind it. Cards arrived, waited, were worked on and
 * finished at a varying pace, on working days; a few in progress are aging. Insight and
 * Portfolio therefore show real charts on the first visit.
 *
 * The history is planned first (a seeded random walk, so every install gets the same story,
 * dated back from its first start), then turned into events by the domain's own `decide` on a
 * scratch board and stored through the same history path as an import.
 */
import {
  decide,
  decideCreateBoard,
  emptyBoard,
  evolve,
  type Actor,
  type BoardEvent,
  type BoardId,
  type CardId,
  type Command,
  type DecideContext,
  type EventBody,
  type OpId
} from '../src/lib/domain';
import type { BoardService, HistoricEvent } from './board-service';
import { seededRandom as random } from '../src/lib/random';

const DAY = 864e5;
/** How far back the history goes. */
export const DEMO_HISTORY_DAYS = 84;
const COLUMNS = [{ name: 'Backlog' }, { name: 'Ready' }, { name: 'Doing', wipLimit: 3 }, { name: 'Review' }, { name: 'Done' }];
const DOING = 2;
const DOING_LIMIT = 3;
const DONE = 4;

const PEOPLE: Actor[] = ['Priya', 'Marco', 'Aiko', 'Sam', 'Lena'].map((name) => ({ id: `demo-${name.toLowerCase()}`, name }));
const OWNER: Actor = { id: 'demo-jordan', name: 'Jordan' };
const person = (name: string): Actor => PEOPLE.find((p) => p.name === name) ?? OWNER;

type Fields = { title: string; assignee?: string; tags?: string[]; estimate?: number; description?: string };

/** The cards on the board today, where they stand and when they got there (days ago). */
type Seed = Fields & { created: number; moves: number[]; dueInDays?: number };
const SEEDS: Seed[] = [
  { title: 'Customer interviews for the onboarding redesign', tags: ['research'], estimate: 5, created: 30, moves: [] },
  { title: 'Export the quarterly portfolio report as PDF', tags: ['pmo'], estimate: 3, created: 12, moves: [] },
  { title: 'Dark mode for the print preview', tags: ['ui'], estimate: 2, created: 4, moves: [] },
  {
    title: 'Single sign-on with the company directory',
    assignee: 'Priya',
    tags: ['security'],
    estimate: 8,
    dueInDays: 21,
    created: 25,
    moves: [10]
  },
  {
    title: 'Print card set for the platform team wall',
    assignee: 'Marco',
    tags: ['pmo', 'wall'],
    estimate: 1,
    dueInDays: 3,
    created: 15,
    moves: [5]
  },
  { title: 'Fix flaky invoice totals on month end', assignee: 'Aiko', tags: ['bug'], estimate: 3, dueInDays: 5, created: 8, moves: [2] },
  {
    title: 'Migrate build pipeline to the new runners',
    assignee: 'Sam',
    tags: ['infra'],
    estimate: 5,
    dueInDays: 7,
    created: 40,
    moves: [28, 20]
  },
  {
    title: 'Scanner: vibrate and beep on every read',
    assignee: 'Lena',
    tags: ['mobile'],
    estimate: 2,
    dueInDays: 2,
    created: 18,
    moves: [11, 5.9],
    description: 'Facilitators asked for feedback they can feel while holding the phone up to the wall.'
  },
  { title: 'Cycle-time chart with 85th percentile line', assignee: 'Priya', tags: ['insight'], estimate: 3, created: 10, moves: [6, 1.9] },
  { title: 'Accessibility review of the board page', assignee: 'Marco', tags: ['a11y'], estimate: 2, created: 22, moves: [14, 9, 3] },
  { title: 'WIP limits per column', assignee: 'Aiko', tags: ['board'], estimate: 3, created: 45, moves: [35, 24, 18, 16] },
  { title: 'Live sync between browsers', assignee: 'Sam', tags: ['board'], estimate: 5, created: 30, moves: [20, 12, 6.2, 4] }
];

/** The work the team finished (or dropped) before today. */
const PAST: Fields[] = [
  ['Sign-in with email and password', 'security'],
  ['Password reset by email', 'security'],
  ['Board list with search', 'board'],
  ['Column rename and reorder', 'board'],
  ['Card detail dialog', 'board'],
  ['Drag cards between columns', 'board'],
  ['Keyboard moves for cards', 'a11y'],
  ['Screen reader announcements for moves', 'a11y'],
  ['QR code on every printed card', 'wall'],
  ['A4 card sheet layout', 'pmo'],
  ['Column signs with QR codes', 'wall'],
  ['Scanner page on phones', 'mobile'],
  ['Camera permission help text', 'mobile'],
  ['Offline queue for scans', 'mobile'],
  ['Undo the last scan', 'mobile'],
  ['Activity feed per board', 'insight'],
  ['Throughput per week', 'insight'],
  ['Cumulative flow diagram', 'insight'],
  ['CSV export of cards', 'pmo'],
  ['Trello import', 'pmo'],
  ['Board export and import', 'pmo'],
  ['Due dates on cards', 'board'],
  ['Overdue badge on cards', 'board'],
  ['Tags with colours', 'board'],
  ['Estimate field on cards', 'board'],
  ['Archive and restore cards', 'board'],
  ['Presence: who is on the board', 'board'],
  ['Reconnect without losing moves', 'infra'],
  ['Nightly backup of the data folder', 'infra'],
  ['Health endpoint for monitoring', 'infra'],
  ['HTTPS with a self-signed certificate', 'infra'],
  ['Invite teammates by link', 'security'],
  ['Roles: owner, editor, viewer', 'security'],
  ['API tokens for scripts', 'security'],
  ['Pair a phone as a scanner', 'mobile'],
  ['Wall photo: read every card at once', 'wall'],
  ['Review screen for wall photos', 'wall'],
  ['Earned value figures', 'pmo'],
  ['Portfolio overview of all boards', 'pmo'],
  ['Print only changed cards', 'pmo'],
  ['Fix card titles cut off in print', 'bug'],
  ['Fix double move after reconnect', 'bug'],
  ['Fix timezone of due dates', 'bug'],
  ['Fix scanner freezing on old phones', 'bug'],
  ['Speed up boards with many cards', 'infra'],
  ['Dark theme', 'ui'],
  ['Empty states with help text', 'ui'],
  ['Onboarding checklist for new boards', 'ui']
].map(([title, tag], i) => ({ title, tags: [tag], assignee: PEOPLE[i % PEOPLE.length].name, estimate: [1, 2, 3, 5, 8][(i * 7) % 5] }));

interface Planned extends Fields {
  created: number;
  /** Column index reached at each time, in order. */
  moves: { to: number; at: number }[];
  archivedAt?: number;
  due: string | null;
}

/** The same moment moved into working hours (Monday to Friday, 09:00–17:30 UTC), never earlier. */
function workingTime(at: number, rand: () => number): number {
  let t = at;
  for (;;) {
    const d = new Date(t);
    const day = d.getUTCDay();
    const hours = d.getUTCHours() + d.getUTCMinutes() / 60;
    const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    if (day === 0 || day === 6 || hours >= 17.5) t = midnight + DAY + (9 + rand() * 2) * 36e5;
    else if (hours < 9) t = midnight + (9 + rand() * 2) * 36e5;
    else return t;
  }
}

const WORKING_DAY = 8.5 * 36e5;

/**
 * Counts back from `end` in working time: `back(d)` is the moment `d` working days (of 8.5 hours,
 * 09:00–17:30 UTC, Monday to Friday) before `end`. Strictly decreasing in `d`.
 */
function workingClock(end: number): (days: number) => number {
  return (days) => {
    let left = days * WORKING_DAY;
    let dayStart = Date.UTC(new Date(end).getUTCFullYear(), new Date(end).getUTCMonth(), new Date(end).getUTCDate());
    for (;;) {
      const weekday = new Date(dayStart).getUTCDay();
      if (weekday !== 0 && weekday !== 6) {
        const open = dayStart + 9 * 36e5;
        const close = Math.min(dayStart + 17.5 * 36e5, end);
        if (close > open) {
          if (left <= close - open) return close - left;
          left -= close - open;
        }
      }
      dayStart -= DAY;
    }
  };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The whole history as a plan: when each card was created and moved. */
export function planDemo(now: Date): Planned[] {
  const rand = random(20261204);
  const end = now.getTime() - 60_000;
  const ago = (days: number) => end - days * DAY;
  // Seeds count back in working time (days of 8.5 working hours, Monday to Friday), which keeps
  // their order however the calendar falls.
  const back = workingClock(end);
  const seeds: Planned[] = SEEDS.map((s) => {
    const created = back(s.created);
    const moves = s.moves.map((days, i) => ({ to: i + 1, at: back(days) }));
    return { ...s, created, moves, due: s.dueInDays === undefined ? null : isoDay(end + s.dueInDays * DAY) };
  });

  // Time each card spent in Doing, seeds included: nobody starts a card while three are under way.
  const doing: [number, number][] = seeds.flatMap((p) => {
    const start = p.moves.find((m) => m.to === DOING)?.at;
    return start === undefined ? [] : [[start, p.moves.find((m) => m.to === DOING + 1)?.at ?? Infinity] as [number, number]];
  });
  const busy = (from: number, to: number) => {
    const points = [from, ...doing.map(([s]) => s).filter((s) => s > from && s < to)];
    return Math.max(...points.map((t) => doing.filter(([s, e]) => s <= t && t < e).length));
  };

  const past: Planned[] = [];
  let arrival = workingTime(ago(DEMO_HISTORY_DAYS - 0.2), rand);
  for (const fields of PAST) {
    arrival = workingTime(arrival + (0.4 + rand() * 1.6) * DAY, rand);
    const created = arrival;
    if (created > end - 3 * DAY) break;
    const ready = workingTime(created + (0.5 + rand() * 5) * DAY, rand);
    // Doing takes from half a day to about two weeks; most cards take a few days.
    const work = (0.4 + -Math.log(1 - rand() * 0.97) * 2.4) * DAY;
    let start = workingTime(ready + rand() * 3 * DAY, rand);
    let review = workingTime(start + work, rand);
    while (review < end - 2 * DAY && busy(start, review) >= DOING_LIMIT) {
      start = workingTime(start + DAY / 4, rand);
      review = workingTime(start + work, rand);
    }
    const done = workingTime(review + (0.1 + rand() * 2) * DAY, rand);
    const due = rand() < 0.4 ? isoDay(created + (8 + rand() * 20) * DAY) : null;
    if (done >= end - DAY || busy(start, review) >= DOING_LIMIT) {
      // It never fitted: the team dropped it from the backlog.
      past.push({ ...fields, created, moves: [], archivedAt: Math.min(end, workingTime(created + 2 * DAY, rand)), due });
      continue;
    }
    doing.push([start, review]);
    past.push({
      ...fields,
      created,
      moves: [
        { to: 1, at: ready },
        { to: DOING, at: start },
        { to: 3, at: review },
        { to: DONE, at: done }
      ],
      due
    });
  }
  return [...past, ...seeds];
}

/** The plan as events, decided by the domain on a scratch board, oldest first. */
export function demoHistory(plan: Planned[], creator: Actor, start: number, ctx: DecideContext): HistoricEvent[] {
  const created = decideCreateBoard('Product team', COLUMNS, ctx);
  if (!created.ok) throw new Error(`demo board: ${created.rejection.message}`);
  const state = emptyBoard('b_demo' as BoardId);
  const out: HistoricEvent[] = [];
  const apply = (bodies: EventBody[], at: number, actor: Actor) => {
    for (const body of bodies) {
      const opId = `demo-${out.length + 1}` as OpId;
      evolve(state, {
        ...body,
        boardId: state.id,
        revision: state.revision + 1,
        at: new Date(at).toISOString(),
        source: 'system',
        actor,
        opId
      } as BoardEvent);
      out.push({ body, at: new Date(at).toISOString(), actor, opId });
    }
  };
  apply(created.events, start, creator);

  type Step = { at: number; card: number; kind: 'create' | 'move' | 'archive'; to?: number };
  const steps: Step[] = plan.flatMap((p, card): Step[] => [
    { at: p.created, card, kind: 'create' },
    ...p.moves.map((m): Step => ({ at: m.at, card, kind: 'move', to: m.to })),
    ...(p.archivedAt === undefined ? [] : [{ at: p.archivedAt, card, kind: 'archive' } as Step])
  ]);
  // By time; a card's own steps keep their order.
  steps.sort((a, b) => a.at - b.at || a.card - b.card);
  const ids: CardId[] = [];
  for (const step of steps) {
    const p = plan[step.card];
    const actor = step.kind === 'create' ? OWNER : person(p.assignee ?? '');
    const opId = 'demo' as OpId;
    const command: Command =
      step.kind === 'create'
        ? {
            type: 'createCard',
            opId,
            columnId: state.columns[0].id,
            title: p.title,
            description: p.description ?? '',
            assignee: p.assignee ?? '',
            tags: p.tags ?? [],
            estimate: p.estimate ?? null,
            due: p.due
          }
        : step.kind === 'move'
          ? { type: 'moveCard', opId, cardId: ids[step.card], toColumnId: state.columns[step.to!].id, override: true }
          : { type: 'archiveCard', opId, cardId: ids[step.card] };
    const d = decide(state, command, ctx);
    if (!d.ok) throw new Error(`demo history: ${command.type} of "${p.title}": ${d.rejection.message}`);
    if (step.kind === 'create') {
      const e = d.events[0];
      if (e.type === 'cardCreated') ids[step.card] = e.card.id as CardId;
    }
    apply(d.events, step.at, actor);
  }
  return out;
}

export async function createDemoBoard(service: BoardService, actor: Actor, now = new Date()) {
  const plan = planDemo(now);
  const start = Math.min(now.getTime() - DEMO_HISTORY_DAYS * DAY, ...plan.map((p) => p.created - 3_600_000));
  return service.createBoardFromHistory(1 + COLUMNS.length + plan.length, (ctx) => demoHistory(plan, actor, start, ctx), 'system');
}

/** Building boards through the real domain rules (never hand-made states). */
import {
  decide,
  decideCreateBoard,
  evolve,
  emptyBoard,
  newCardId,
  newColumnId,
  type BoardEvent,
  type BoardId,
  type BoardState,
  type Code,
  type Command,
  type DecideContext,
  type EventBody,
  type OpId
} from '../../src/lib/domain';

let codeCounter = 0;
export function testContext(): DecideContext {
  return {
    newCardId,
    newColumnId,
    newCode: () => {
      const n = (codeCounter++).toString(32).toUpperCase().replace(/I/g, 'X').replace(/L/g, 'Y').replace(/O/g, 'Z').replace(/U/g, 'W');
      return n.padStart(6, '0') as Code;
    }
  };
}

export function stamp(state: BoardState, bodies: EventBody[], opId = 'op-test-0001', at = '2026-01-05T10:00:00.000Z'): BoardEvent[] {
  return bodies.map(
    (b, i) =>
      ({
        ...b,
        boardId: state.id,
        revision: state.revision + i + 1,
        at,
        source: 'api',
        actor: { id: 't', name: 'Test' },
        opId: opId as OpId
      }) as BoardEvent
  );
}

export function makeBoard(columns = [{ name: 'Backlog' }, { name: 'Doing', wipLimit: 3 }, { name: 'Done' }]): {
  state: BoardState;
  events: BoardEvent[];
} {
  const state = emptyBoard('b_test' as BoardId);
  const d = decideCreateBoard('Test board', columns, testContext());
  if (!d.ok) throw new Error(d.rejection.message);
  const events = stamp(state, d.events);
  for (const e of events) evolve(state, e);
  return { state, events };
}

/** Runs a command through decide + evolve; throws on rejection unless `allowReject`. */
export function run(state: BoardState, command: Command, log?: BoardEvent[]): BoardEvent[] {
  const d = decide(state, command, testContext());
  if (!d.ok) throw new Error(`${command.type} rejected: ${d.rejection.code} ${d.rejection.message}`);
  const events = stamp(state, d.events, command.opId);
  for (const e of events) evolve(state, e);
  log?.push(...events);
  return events;
}

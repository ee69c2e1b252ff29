/**
 * Realistic event streams for storage tests: a ScriptedBoard runs commands through the real
 * `decide` against its own model state and stamps the events with gapless revisions, as the
 * board service would. It does not touch a store; tests append what it returns.
 */
import {
  decide,
  decideCreateBoard,
  emptyBoard,
  evolve,
  newBoardId,
  newCardId,
  newColumnId,
  newOpId,
  randomCode,
  type BoardEvent,
  type BoardId,
  type BoardState,
  type CardId,
  type ColumnId,
  type Command,
  type DecideContext,
  type EventBody
} from '../../src/lib/domain';

// Codes are random (32^8 of them), so tests that make thousands never collide in practice.
const ctx: DecideContext = { newCardId, newColumnId, newCode: () => randomCode(8) };

/** Commands without opId: the script makes one per command. */
type Script = Command extends infer C ? (C extends Command ? Omit<C, 'opId'> : never) : never;

export class ScriptedBoard {
  readonly id: BoardId;
  /** The board as the appended events make it (the model the store is checked against). */
  readonly state: BoardState;
  /** Every event made so far, oldest first. */
  readonly events: BoardEvent[] = [];

  constructor(name = 'Team board', columns: string[] = ['To do', 'Doing', 'Done'], id: BoardId = newBoardId()) {
    this.id = id;
    this.state = emptyBoard(id);
    const decision = decideCreateBoard(
      name,
      columns.map((c) => ({ name: c })),
      ctx
    );
    if (!decision.ok) throw new Error(decision.rejection.message);
    this.stamp(decision.events);
  }

  /** The board's first event (revision 1). */
  get created(): BoardEvent {
    return this.events[0];
  }

  column(index: number): ColumnId {
    return this.state.columns[index].id;
  }

  /** Runs a command; returns its events (already folded into `state`). Throws if rejected. */
  run(command: Script): BoardEvent[] {
    const decision = decide(this.state, { ...command, opId: newOpId() } as Command, ctx);
    if (!decision.ok) throw new Error(`${command.type} rejected: ${decision.rejection.message}`);
    return this.stamp(decision.events);
  }

  addCard(title: string, column = 0): BoardEvent[] {
    return this.run({ type: 'createCard', title, columnId: this.column(column) });
  }

  /** The id of the card the last `addCard` created. */
  lastCardId(): CardId {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i];
      if (e.type === 'cardCreated') return e.card.id;
    }
    throw new Error('no card yet');
  }

  /** Moves a card to the top of a column; the move must change something (one event). */
  move(cardId: CardId, toColumn: number): BoardEvent[] {
    const toColumnId = this.column(toColumn);
    const top = this.state.order[toColumnId]?.find((id) => id !== cardId);
    const events = this.run({ type: 'moveCard', cardId, toColumnId, ...(top ? { beforeCardId: top } : {}) });
    if (events.length !== 1) throw new Error('the move changed nothing');
    return events;
  }

  private stamp(bodies: EventBody[]): BoardEvent[] {
    const opId = newOpId();
    const stamped = bodies.map((body) => {
      const revision = this.state.revision + 1;
      const e = {
        ...body,
        boardId: this.id,
        revision,
        at: new Date(Date.UTC(2025, 0, 1) + revision * 1000).toISOString(),
        source: 'api',
        actor: { id: 'u_test', name: 'Tester' },
        opId
      } as BoardEvent;
      evolve(this.state, e);
      return e;
    });
    this.events.push(...stamped);
    return stamped;
  }
}

/** A copy of `e` claiming another revision (for conflict tests). */
export function atRevision(e: BoardEvent, revision: number): BoardEvent {
  return { ...structuredClone(e), revision };
}

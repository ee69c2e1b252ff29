/**
 * Hand-built event logs for metric tests: every event goes through the real `decide` and
 * `evolve`, stamped with a clock the test sets, so logs are ones the service could have written.
 */
import {
  decide,
  decideCreateBoard,
  emptyBoard,
  evolve,
  newCardId,
  newColumnId,
  type Actor,
  type BoardEvent,
  type BoardId,
  type BoardState,
  type CardFields,
  type CardId,
  type Code,
  type ColumnId,
  type Command,
  type EventBody,
  type OpId,
  type ProjectFigures,
  type Source,
  type Stage
} from '../../src/lib/domain';

type ColumnSpec = string | { name: string; wipLimit?: number | null };

/** Commands without opId: the builder numbers them. */
type Body<C> = C extends Command ? Omit<C, 'opId'> : never;

export class History {
  readonly state: BoardState;
  readonly events: BoardEvent[] = [];
  #clock: number;
  #ops = 0;
  #codes = 0;
  #actor: Actor = { id: 'u_ann', name: 'Ann' };
  /** Card ids by title, so that long generated histories stay linear. */
  readonly #byTitle = new Map<string, CardId>();
  #source: Source = 'drag';

  constructor(columns: ColumnSpec[], start: string, name = 'Insight test', boardId = 'b_insight') {
    this.state = emptyBoard(boardId as BoardId);
    this.#clock = Date.parse(start);
    const d = decideCreateBoard(
      name,
      columns.map((c) => (typeof c === 'string' ? { name: c } : c)),
      this.#ctx()
    );
    if (!d.ok) throw new Error(d.rejection.message);
    this.#append(d.events);
  }

  /** Sets the clock (ISO time) for the next commands. */
  at(iso: string): this {
    this.#clock = Date.parse(iso);
    return this;
  }

  /** Who acts next, and through what. */
  as(actor: Actor, source: Source): this {
    this.#actor = actor;
    this.#source = source;
    return this;
  }

  col(name: string): ColumnId {
    const c = this.state.columns.find((x) => x.name === name);
    if (!c) throw new Error(`no column ${name}`);
    return c.id;
  }

  card(title: string): CardId {
    const id = this.#byTitle.get(title);
    if (!id) throw new Error(`no card ${title}`);
    return id;
  }

  create(title: string, column: string, fields: Partial<CardFields> = {}): this {
    return this.run({ type: 'createCard', title, columnId: this.col(column), override: true, ...fields });
  }

  move(title: string, column: string): this {
    return this.run({ type: 'moveCard', cardId: this.card(title), toColumnId: this.col(column), override: true });
  }

  update(title: string, changes: Partial<CardFields>): this {
    return this.run({ type: 'updateCard', cardId: this.card(title), changes });
  }

  archive(title: string): this {
    return this.run({ type: 'archiveCard', cardId: this.card(title) });
  }

  restore(title: string, column: string): this {
    return this.run({ type: 'restoreCard', cardId: this.card(title), toColumnId: this.col(column), override: true });
  }

  limit(column: string, wipLimit: number | null): this {
    return this.run({ type: 'setWipLimit', columnId: this.col(column), wipLimit });
  }

  stage(column: string, stage: Stage): this {
    return this.run({ type: 'setColumnStage', columnId: this.col(column), stage });
  }

  project(project: ProjectFigures | null): this {
    return this.run({ type: 'setProject', project });
  }

  run(body: Body<Command>): this {
    const command = { ...body, opId: `op-${String(++this.#ops).padStart(6, '0')}` } as Command;
    const d = decide(this.state, command, this.#ctx());
    if (!d.ok) throw new Error(`${command.type} rejected: ${d.rejection.message}`);
    this.#append(d.events, command.opId);
    return this;
  }

  #append(bodies: EventBody[], opId = 'op-create-board') {
    for (const body of bodies) {
      const e = {
        ...body,
        boardId: this.state.id,
        revision: this.state.revision + 1,
        at: new Date(this.#clock).toISOString(),
        source: this.#source,
        actor: { ...this.#actor },
        opId: opId as OpId
      } as BoardEvent;
      evolve(this.state, e);
      this.events.push(e);
      if (e.type === 'cardCreated') this.#byTitle.set(e.card.title, e.card.id);
      if (e.type === 'cardUpdated' && e.changes.title !== undefined) this.#byTitle.set(e.changes.title, e.cardId);
    }
  }

  #ctx() {
    return {
      newCardId,
      newColumnId,
      newCode: () => `T${String(++this.#codes).padStart(5, '0')}` as Code
    };
  }
}

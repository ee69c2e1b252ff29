/**
 * PrintPlanner: what the print page would print, on a board built through the domain rules.
 * The board is read through a getter, as the page does; replacing it (the reload after a
 * download) must move every count.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { cloneBoard, newOpId, type BoardState, type CardId, type ColumnId } from '../../src/lib/domain';
import { PrintPlanner } from '../../src/lib/components/print/print-planner.svelte';
import { makeBoard, run } from '../domain/fixtures';

let board: BoardState;
const col = (name: string) => board.columns.find((c) => c.name === name)!.id as ColumnId;
const id = (title: string) => Object.values(board.cards).find((c) => c.title === title)!.id as CardId;
const printed = (titles: string[]) => run(board, { type: 'markPrinted', opId: newOpId(), cardIds: titles.map(id), layout: 'a4-8' });
const planner = (initial?: { layout: string | null; select: string | null }) => new PrintPlanner(() => board, initial);
const titles = (p: PrintPlanner) => (p.job.ok ? p.job.plan.cards.map((c) => c.title) : p.job.message);

beforeEach(() => {
  board = makeBoard([{ name: 'Backlog' }, { name: 'Doing' }, { name: 'Done' }]).state;
  for (const title of ['A', 'B', 'C']) run(board, { type: 'createCard', opId: newOpId(), title, columnId: col('Backlog') });
  run(board, { type: 'createCard', opId: newOpId(), title: 'D', columnId: col('Doing') });
  printed(['A', 'B']);
  // B changes after it was printed: its card on the wall is out of date.
  run(board, { type: 'updateCard', opId: newOpId(), cardId: id('B'), changes: { title: 'B2' } });
});

describe('counts', () => {
  it('counts live, never printed and changed-since-print cards', () => {
    const p = planner();
    expect(p.live.map((c) => c.title)).toEqual(['A', 'B2', 'C', 'D']);
    expect(p.newCount).toBe(2);
    expect(p.reprintCount).toBe(1);
  });

  it('follows the board when the page reloads it after a print', () => {
    const p = planner();
    p.cardChoice = 'new';
    expect(titles(p)).toEqual(['C', 'D']);
    const next = cloneBoard(board);
    board = next;
    printed(['C', 'D', 'B2']);
    expect(p.newCount).toBe(0);
    expect(p.reprintCount).toBe(0);
    expect(p.job).toEqual({ ok: false, empty: true, message: 'Nothing to print: every card has been printed already' });
  });

  it('queues a reprint only for a change the printed card shows', () => {
    run(board, { type: 'updateCard', opId: newOpId(), cardId: id('A'), changes: { description: 'Not on the printed card' } });
    run(board, { type: 'moveCard', opId: newOpId(), cardId: id('A'), toColumnId: col('Done') });
    const p = planner();
    p.cardChoice = 'reprint';
    expect(titles(p)).toEqual(['B2']);
    run(board, { type: 'updateCard', opId: newOpId(), cardId: id('A'), changes: { assignee: 'Ann' } });
    expect(titles(p)).toEqual(['B2', 'A']);
    expect(p.reprintCount).toBe(2);
  });

  it('leaves archived cards out', () => {
    run(board, { type: 'archiveCard', opId: newOpId(), cardId: id('C') });
    const p = planner();
    expect(p.live.map((c) => c.title)).toEqual(['A', 'B2', 'D']);
    expect(p.newCount).toBe(1);
  });
});

describe('card selections', () => {
  it('prints every card by default, in board order, eight to an A4 page', () => {
    const p = planner();
    expect(p.selection).toBe('all');
    expect(p.layout).toBe('a4-8');
    expect(titles(p)).toEqual(['A', 'B2', 'C', 'D']);
    expect(p.job.ok && p.job.pages).toBe(1);
    expect(p.perPage).toBe(8);
    expect(p.records).toBe(true);
  });

  it('needs more pages as the cards grow', () => {
    for (let i = 0; i < 5; i++) run(board, { type: 'createCard', opId: newOpId(), title: `E${i}`, columnId: col('Done') });
    const p = planner();
    expect(p.job.ok && p.job.items.length).toBe(9);
    expect(p.job.ok && p.job.pages).toBe(2);
  });

  it('prints the new cards or the reprint queue', () => {
    const p = planner();
    p.cardChoice = 'new';
    expect(p.selection).toBe('new');
    expect(titles(p)).toEqual(['C', 'D']);
    p.cardChoice = 'reprint';
    expect(titles(p)).toEqual(['B2']);
  });

  it('says so when the reprint queue is empty', () => {
    printed(['B2']);
    const p = planner();
    p.cardChoice = 'reprint';
    expect(p.job).toEqual({ ok: false, empty: true, message: 'Nothing to print: no printed card has changed since it was printed' });
    expect(p.records).toBe(false);
  });

  it('prints one column, top to bottom, and falls back to the first column when the picked one is gone', () => {
    const p = planner();
    p.cardChoice = 'column';
    p.columnPick = col('Doing');
    expect(p.selection).toBe(`column:${col('Doing')}`);
    expect(titles(p)).toEqual(['D']);
    p.columnPick = 'l_gone' as ColumnId;
    expect(p.column?.name).toBe('Backlog');
    expect(titles(p)).toEqual(['A', 'B2', 'C']);
  });

  it('says an empty column has nothing to print', () => {
    const p = planner();
    p.cardChoice = 'column';
    p.columnPick = col('Done');
    expect(p.job).toEqual({ ok: false, empty: true, message: 'Nothing to print: the column “Done” has no cards' });
  });

  it('prints the ticked cards in board order and ignores ticked cards that were archived', () => {
    const p = planner();
    p.cardChoice = 'cards';
    expect(p.job).toMatchObject({ ok: false, empty: true });
    p.chosen.add(id('D'));
    p.chosen.add(id('A'));
    p.chosen.add(id('C'));
    run(board, { type: 'archiveCard', opId: newOpId(), cardId: id('C') });
    expect(p.chosenCards.map((c) => c.title)).toEqual(['A', 'D']);
    expect(p.selection).toBe(`cards:${id('A')},${id('D')}`);
    expect(titles(p)).toEqual(['A', 'D']);
    p.chosen.delete(id('A'));
    expect(titles(p)).toEqual(['D']);
  });

  it('uses the card layout picked', () => {
    const p = planner();
    p.cardLayout = 'index-3x5';
    expect(p.layout).toBe('index-3x5');
    expect(p.job.ok && p.job.plan.layout).toBe('index-3x5');
    expect(p.perPage).toBe(1);
  });
});

describe('signs', () => {
  it('prints a sign for every column or for one, and records nothing', () => {
    const p = planner();
    p.mode = 'column-signs';
    expect(p.layout).toBe('column-signs');
    expect(p.job.ok && p.job.items).toEqual(board.columns.map((column) => ({ kind: 'column', column })));
    p.signChoice = 'column';
    p.columnPick = col('Done');
    expect(p.job.ok && p.job.items.map((i) => i.kind === 'column' && i.column.name)).toEqual(['Done']);
    expect(p.records).toBe(false);
  });

  it('prints the one board sign whatever the card choice', () => {
    const p = planner();
    p.cardChoice = 'reprint';
    p.mode = 'board-sign';
    expect(p.selection).toBe('all');
    expect(p.job).toMatchObject({ ok: true, items: [{ kind: 'board' }], pages: 1 });
    expect(p.records).toBe(false);
  });
});

describe('the PDF address and the page link', () => {
  it('asks the endpoint for exactly this job, with preview when asked', () => {
    const p = planner();
    p.cardChoice = 'reprint';
    expect(p.pdfUrl(false)).toBe(`/api/boards/${board.id}/print.pdf?layout=a4-8&select=reprint`);
    expect(p.pdfUrl(true)).toBe(`/api/boards/${board.id}/print.pdf?layout=a4-8&select=reprint&preview=1`);
  });

  it('starts from ?layout= and ?select=', () => {
    expect(planner({ layout: 'letter-6', select: 'reprint' })).toMatchObject({
      cardLayout: 'letter-6',
      cardChoice: 'reprint',
      mode: 'cards'
    });
    const column = planner({ layout: 'column-signs', select: `column:${col('Doing')}` });
    expect(column).toMatchObject({ mode: 'column-signs', signChoice: 'column', cardChoice: 'column', columnPick: col('Doing') });
    expect(column.job.ok && column.job.plan.columns.map((c) => c.name)).toEqual(['Doing']);
    const cards = planner({ layout: null, select: `cards:${id('C')},${id('A')}` });
    expect(cards.cardChoice).toBe('cards');
    expect(titles(cards)).toEqual(['A', 'C']);
    expect(planner({ layout: 'board-sign', select: null }).mode).toBe('board-sign');
  });

  it('ignores a link it cannot read', () => {
    expect(planner({ layout: 'poster', select: 'everything' })).toMatchObject({ mode: 'cards', cardLayout: 'a4-8', cardChoice: 'all' });
  });
});

import { describe, expect, it } from 'vitest';
import {
  describeElsewhere,
  describePick,
  describePlan,
  describeRejection,
  describeUndo,
  wipQuestion,
  wipQuestionFor
} from '../../src/lib/scanner/describe';
import { planMoves } from '../../src/lib/scanner/plan';
import { scanBoard } from './board';

const cam = (cardId: string) => ({ cardId, via: 'camera' as const });

describe('scan messages', () => {
  const b = scanBoard([{ name: 'Doing' }, { name: 'Review', wipLimit: 1 }, { name: 'Done' }], {
    Doing: ['Fix login', 'Write docs', 'Ship it'],
    Review: ['Old']
  });
  const plan = (titles: string[], to: string) =>
    planMoves(
      b.columns(),
      titles.map((t) => cam(b.card(t).id)),
      b.col(to).id
    )!;

  it('names the card and the move: "Doing → Review"', () => {
    expect(describePlan(plan(['Fix login'], 'Done'), b.columns())).toEqual({ tone: 'ok', title: 'Fix login', detail: 'Doing → Done' });
  });

  it('sums up a batch, with what it left alone', () => {
    const p = plan(['Fix login', 'Write docs', 'Ship it'], 'Done');
    expect(describePlan(p, b.columns())).toEqual({ tone: 'ok', title: '3 cards Doing → Done', detail: 'Fix login, Write docs and 1 more' });
    expect(describePlan(plan(['Fix login', 'Old'], 'Done'), b.columns())).toEqual({
      tone: 'ok',
      title: '2 cards → Done',
      detail: 'Fix login, Old'
    });
    const withAlready = plan(['Fix login', 'Old'], 'Review');
    expect(describePlan(withAlready, b.columns())?.detail).toBe('Doing → Review · 1 card already there');
  });

  it('says when nothing needed to move', () => {
    expect(describePlan(plan(['Old'], 'Review'), b.columns())).toEqual({ tone: 'info', title: 'Old', detail: 'Already in Review' });
  });

  it('asks about a WIP limit once, with the numbers', () => {
    const q = wipQuestion(plan(['Fix login', 'Write docs'], 'Review'));
    expect(q?.title).toBe('Review is at its WIP limit');
    expect(q?.message).toBe('Review has 1 card and a limit of 1. Moving these 2 cards takes it to 3. Go over the limit?');
    expect(wipQuestion(plan(['Fix login'], 'Done'))).toBeNull();
  });

  it('asks about a limit it did not foresee from the refusal’s details', () => {
    const q = wipQuestionFor({
      code: 'WIP_LIMIT',
      message: 'Review is at its limit of 2; confirm to go over',
      details: { columnName: 'Review', wipLimit: 2, count: 2 }
    });
    expect(q).toMatchObject({ title: 'Review is at its WIP limit', message: 'Review has 2 cards and a limit of 2. Go over the limit?' });
    expect(wipQuestionFor({ code: 'WIP_LIMIT', message: '' }).message).toBe('This column is full. Go over the limit?');
  });

  it('says where a picked card is and how full the tray is', () => {
    const card = b.card('Fix login');
    expect(describePick(card, { name: 'Doing' }, 'batch', 2, false)).toEqual({
      tone: 'ok',
      title: 'Fix login',
      detail: 'In Doing · 2 in the tray'
    });
    expect(describePick(card, { name: 'Doing' }, 'tap', 1, false).detail).toBe('In Doing · tap its new column');
    expect(describePick(card, { name: 'Doing' }, 'batch', 1, true)).toMatchObject({ tone: 'info', detail: 'Already in the tray' });
  });

  it('says "not on this board" for another board’s code', () => {
    expect(describeElsewhere('7K3M9Q', 'other-board')).toEqual({
      tone: 'error',
      title: 'Not on this board',
      detail: '7K3M9Q belongs to another board'
    });
    expect(describeElsewhere('7K3M9Q', 'unchecked').title).toBe('Not on this board');
    expect(describeElsewhere('7K3M9Q', 'unknown').title).toBe('Unknown code');
  });

  it('explains a queued move the server refused because someone moved the card first', () => {
    const m = describeRejection('Fix login', 'Review', {
      code: 'STALE',
      message: 'Someone changed this card after your view of it',
      details: { changedBy: 'Ann', changedAt: '2026-05-04T10:32:00.000Z' }
    });
    expect(m.tone).toBe('error');
    expect(m.detail).toMatch(/^Not moved to Review: Ann changed it at .+, after your scan$/);
  });

  it('reports an undo', () => {
    expect(describeUndo(['Fix login'], 0, ['Doing'])).toEqual({ tone: 'info', title: 'Undone: Fix login', detail: 'Back in Doing' });
    expect(describeUndo(['A', 'B'], 1, ['Doing', 'Ready']).detail).toBe('Back where they were · 1 moved on since, left there');
    expect(describeUndo([], 2, []).title).toBe('Nothing undone');
  });
});

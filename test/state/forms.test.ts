/** The card, column and board forms check every field the same way, each with its own message, and drop nothing typed. */
import { describe, expect, it } from 'vitest';
import { checkCardForm, editedFields, reconcile, type CardFormValues } from '../../src/lib/components/card-form';
import { readColumnForm } from '../../src/lib/components/column-form';
import { readBoardForm, readColumns } from '../../src/lib/components/board-form';

const blank: CardFormValues = { title: 'Fix login', description: '', assignee: '', tags: '', due: '', estimate: '' };

describe('card form', () => {
  it('a word typed into an empty Estimate is an error next to Estimate, not silently no estimate', () => {
    const typed = { ...blank, estimate: 'three' };
    expect(checkCardForm(typed)).toEqual({ estimate: 'An estimate is a number from 0 to 10000, or empty for none.' });
    // Before it is checked, the word would read as "no change" and vanish.
    expect(editedFields(blank, typed)).toEqual({});
  });

  it('checks every field at once, each with its own message', () => {
    const errors = checkCardForm({
      title: '   ',
      description: 'x'.repeat(10_001),
      assignee: 'a'.repeat(101),
      tags: 'ok, ' + 't'.repeat(41),
      due: '2026-02-30',
      estimate: '-1'
    });
    expect(Object.keys(errors).sort()).toEqual(['assignee', 'description', 'due', 'estimate', 'tags', 'title']);
    expect(errors.title).toBe('A card needs a title.');
  });

  it('accepts what the domain accepts: a decimal comma, empty fields, a real date', () => {
    expect(checkCardForm({ ...blank, estimate: '2,5', due: '2030-01-15', tags: 'bug, ui' })).toEqual({});
    expect(checkCardForm(blank)).toEqual({});
  });
});

describe('column form', () => {
  it('reports the name and the WIP limit together, each by its field', () => {
    const r = readColumnForm({ name: ' ', wipLimit: 'lots', hard: true });
    expect(r).toMatchObject({
      ok: false,
      errors: { name: 'A column needs a name.', wipLimit: 'A WIP limit is a whole number from 1 to 999, or empty for none.' }
    });
  });

  it('refuses a limit that only looks like a number', () => {
    for (const wipLimit of ['1.5', '0', '1e2', '1000', '-2'])
      expect(readColumnForm({ name: 'Doing', wipLimit, hard: false }).ok).toBe(false);
    expect(readColumnForm({ name: 'Doing', wipLimit: ' 3 ', hard: true })).toEqual({ ok: true, name: 'Doing', wipLimit: 3, hard: true });
  });
});

describe('board form', () => {
  it('a row with a WIP limit but no name is an error on that row, not dropped', () => {
    const r = readColumns(['To do', '', 'Done'], ['', '3', '']);
    expect(r).toMatchObject({ ok: false, errors: { rows: { 1: { name: 'Give this column a name, or clear its WIP limit.' } } } });
    // A row left wholly empty is still one the person did not use.
    expect(readColumns(['To do', '', 'Done'], ['', '', ''])).toEqual({
      ok: true,
      columns: [
        { name: 'To do', wipLimit: null },
        { name: 'Done', wipLimit: null }
      ]
    });
  });

  it('checks the board name and every row together', () => {
    const r = readBoardForm('', ['To do', 'Doing'], ['x', '2.5']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.name).toBe('Give the board a name.');
    expect(Object.keys(r.errors.rows)).toEqual(['0', '1']);
    expect(r.errors.rows[1].wip).toMatch(/The WIP limit of Doing must be a whole number/);
  });

  it('says when no column was given', () => {
    expect(readColumns(['', ''], ['', ''])).toMatchObject({ ok: false, errors: { columns: 'A board needs at least one column.' } });
  });
});

describe('an open card form and someone else’s edits', () => {
  const base: CardFormValues = { ...blank, assignee: 'Ann', estimate: '3' };

  it('shows their edit of a field not touched here at once', () => {
    const r = reconcile(base, { ...base, description: 'mine' }, { ...base, assignee: 'Bob' });
    expect(r.values).toEqual({ ...base, description: 'mine', assignee: 'Bob' });
    expect(r.updated).toEqual(['assignee']);
    expect(r.conflicts).toEqual({});
    // Only what was edited here is sent: their assignee is not overwritten.
    expect(editedFields(r.base, r.values)).toEqual({ description: 'mine' });
  });

  it('a field changed both here and there is a conflict, named with their value', () => {
    const r = reconcile(base, { ...base, estimate: '5' }, { ...base, estimate: '8' });
    expect(r.values.estimate).toBe('5');
    expect(r.conflicts).toEqual({ estimate: '8' });
    expect(editedFields(r.base, r.values)).toEqual({ estimate: 5 });
  });

  it('the same edit on both sides is no conflict', () => {
    const r = reconcile(base, { ...base, title: 'Same' }, { ...base, title: 'Same' });
    expect(r.conflicts).toEqual({});
    expect(editedFields(r.base, r.values)).toEqual({});
  });
});

/** The command registry: every command type has one entry, and the entries say what the rules do. */
import { describe, expect, it } from 'vitest';
import { commandAction } from '../../src/lib/auth/roles';
import {
  COMMANDS,
  commandCards,
  commandCodes,
  newOpId,
  withWipOverride,
  type CardId,
  type ColumnId,
  type Command,
  type CommandType
} from '../../src/lib/domain';
import { commandSchema } from '../../src/lib/protocol';

const c = 'c_card' as CardId;
const col = 'l_col' as ColumnId;
const samples: Record<CommandType, Command> = {
  createCard: { type: 'createCard', opId: newOpId(), title: 'T', columnId: col },
  updateCard: { type: 'updateCard', opId: newOpId(), cardId: c, changes: { title: 'U' } },
  archiveCard: { type: 'archiveCard', opId: newOpId(), cardId: c },
  restoreCard: { type: 'restoreCard', opId: newOpId(), cardId: c },
  moveCard: { type: 'moveCard', opId: newOpId(), cardId: c, toColumnId: col },
  markPrinted: { type: 'markPrinted', opId: newOpId(), cardIds: [c, 'c_other' as CardId], layout: 'a4' },
  addColumn: { type: 'addColumn', opId: newOpId(), name: 'New' },
  renameColumn: { type: 'renameColumn', opId: newOpId(), columnId: col, name: 'R' },
  moveColumn: { type: 'moveColumn', opId: newOpId(), columnId: col, toIndex: 0 },
  removeColumn: { type: 'removeColumn', opId: newOpId(), columnId: col },
  setWipLimit: { type: 'setWipLimit', opId: newOpId(), columnId: col, wipLimit: 3 },
  renameBoard: { type: 'renameBoard', opId: newOpId(), name: 'B' },
  setColumnStage: { type: 'setColumnStage', opId: newOpId(), columnId: col, stage: 'doing' },
  setProject: { type: 'setProject', opId: newOpId(), project: null }
};

describe('command registry', () => {
  it('has exactly one entry per command the wire schema accepts', () => {
    const wire = commandSchema.options.map((o) => o.shape.type.value).sort();
    expect(Object.keys(COMMANDS).sort()).toEqual(wire);
    for (const sample of Object.values(samples)) expect(commandSchema.safeParse(sample).success, sample.type).toBe(true);
  });

  it('says which role action each command needs: moving is the scanner’s, cards the editor’s, the rest the owner’s', () => {
    const by = (action: string) => (Object.keys(samples) as CommandType[]).filter((t) => commandAction({ type: t }) === action).sort();
    expect(by('move')).toEqual(['moveCard']);
    expect(by('edit')).toEqual(['archiveCard', 'createCard', 'markPrinted', 'restoreCard', 'updateCard']);
    expect(by('settings')).toEqual([
      'addColumn',
      'moveColumn',
      'removeColumn',
      'renameBoard',
      'renameColumn',
      'setColumnStage',
      'setProject',
      'setWipLimit'
    ]);
  });

  it('names the cards each command acts on and the codes it may mint', () => {
    expect(commandCards(samples.moveCard)).toEqual([c]);
    expect(commandCards(samples.markPrinted)).toEqual([c, 'c_other']);
    expect(commandCards(samples.createCard)).toEqual([]);
    expect(commandCards({ ...samples.createCard, cardId: c } as Command)).toEqual([c]);
    expect(commandCards(samples.setWipLimit)).toEqual([]);
    expect((Object.keys(samples) as CommandType[]).filter((t) => commandCodes(samples[t]) > 0).sort()).toEqual(['addColumn', 'createCard']);
  });

  it('offers a WIP override only for commands that put a card into a column, with a new opId', () => {
    const opId = newOpId();
    for (const [type, sample] of Object.entries(samples)) {
      const o = withWipOverride(sample, opId);
      if (['createCard', 'moveCard', 'restoreCard'].includes(type)) expect(o).toMatchObject({ ...sample, opId, override: true });
      else expect(o, type).toBeNull();
    }
  });
});

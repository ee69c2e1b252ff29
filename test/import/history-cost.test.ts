/**
 * What creating a board from a long history costs the event loop, counted in work done rather
 * than time (machines are shared): the codes an import takes are handed out without copying
 * the rest of the pool each time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BoardService } from '../../server/board-service';
import { MemoryStorage } from '../../server/storage/memory';
import { newOpId, type Code } from '../../src/lib/domain';

afterEach(() => vi.restoreAllMocks());

describe('createBoardFromHistory', () => {
  it('hands out thousands of codes without shifting the pool once per code', async () => {
    const storage = new MemoryStorage();
    await storage.open();
    const service = new BoardService(storage);
    const codes = 5_000;
    const actor = { id: 'p_1', name: 'Ann' };
    let issued: Code[] = [];
    const shift = vi.spyOn(Array.prototype, 'shift');
    const board = await service.createBoardFromHistory(
      codes,
      (ctx) => {
        shift.mockClear();
        issued = Array.from({ length: codes }, () => ctx.newCode());
        const shifts = shift.mock.calls.length;
        expect(shifts).toBeLessThan(100);
        return [
          {
            body: {
              type: 'boardCreated',
              name: 'Imported',
              code: issued[0],
              columns: [{ id: 'l_1', name: 'To do', code: issued[1], wipLimit: null, wipHard: false }]
            },
            at: new Date().toISOString(),
            actor,
            opId: newOpId()
          }
        ] as never;
      },
      'import'
    );
    expect(new Set(issued).size).toBe(codes);
    expect(board.code).toBe(issued[0]);
    await storage.close();
  });
});

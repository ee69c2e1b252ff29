/**
 * `POST /api/import?format=kanbridge|trello`: a file in, a new board out. The whole file is
 * parsed and checked before anything is created — JSON, then the format's schema, then the
 * story its contents tell — and the board is then appended in one go, so a refused or failed
 * import leaves nothing behind. The new board gets new ids and codes; its events are stamped
 * with the source `import`.
 */
import { newCardId, newColumnId, type Actor, type BoardEvent, type BoardState, type Code, type OpId } from '../../src/lib/domain';
import type { BoardService, HistoricEvent } from '../board-service';
import { checkLog } from './check-log';
import { ImportError, zodIssues } from './issues';
import { kanbridgeFileSchema } from './kanbridge-file';
import { codesIssued, remapLog } from './remap';
import { planTrello, trelloCodes, trelloEvents } from './from-trello';
import { trelloBoardSchema } from './trello-file';

export const IMPORT_FORMATS = ['kanbridge', 'trello'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Largest file accepted: about 100,000 events of a Kanbridge export, or a very large Trello board. */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;

export interface Imported {
  board: BoardState;
  /** What was shortened or left out on the way in. */
  warnings: string[];
}

export function parseJsonFile(body: Buffer): unknown {
  if (body.length === 0) throw new ImportError([{ path: '', message: 'the file is empty' }]);
  // Editors on Windows like to start UTF-8 files with a byte-order mark; JSON.parse does not.
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ImportError([{ path: '', message: `the file is not valid JSON (${(err as Error).message}); is it complete?` }]);
  }
}

export async function importBoard(service: BoardService, format: ImportFormat, body: Buffer, actor: Actor, now: Date): Promise<Imported> {
  const value = parseJsonFile(body);
  return format === 'kanbridge' ? importKanbridge(service, value) : importTrello(service, value, actor, now);
}

async function importKanbridge(service: BoardService, value: unknown): Promise<Imported> {
  const parsed = kanbridgeFileSchema.safeParse(value);
  if (!parsed.success) throw new ImportError(zodIssues(parsed.error));
  // The schema checked every field; the brands on ids exist only at compile time.
  const events = parsed.data.events as unknown as BoardEvent[];
  const issues = checkLog(events, parsed.data.board.revision);
  if (issues.length) throw new ImportError(issues);
  const board = await service.createBoardFromHistory(
    codesIssued(events),
    (ctx) => remapLog(events, ctx).map((body, i): HistoricEvent => ({ body, at: events[i].at, actor: events[i].actor, opId: events[i].opId })),
    'import'
  );
  return { board, warnings: [] };
}

async function importTrello(service: BoardService, value: unknown, actor: Actor, now: Date): Promise<Imported> {
  const parsed = trelloBoardSchema.safeParse(value);
  if (!parsed.success) throw new ImportError(zodIssues(parsed.error));
  const plan = planTrello(parsed.data);
  // A dry run with stand-in codes: whatever the domain would refuse is refused before any code
  // is taken from the install.
  let n = 0;
  trelloEvents(plan, { newCardId, newColumnId, newCode: () => `DRY${n++}` as Code });
  const at = now.toISOString();
  const board = await service.createBoardFromHistory(
    trelloCodes(plan),
    (ctx) => trelloEvents(plan, ctx).map((body, i): HistoricEvent => ({ body, at, actor, opId: `import-${i + 1}` as OpId })),
    'import'
  );
  return { board, warnings: plan.warnings };
}

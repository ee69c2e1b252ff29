/**
 * The Kanbridge export file (`GET /api/boards/:boardId/export?format=json`): the board's whole
 * event log plus what is needed to check it on the way back in. The schema mirrors the domain's
 * limits, so an imported log can never hold what the board's own commands would refuse.
 */
import { z } from 'zod';
import { ID_PATTERN, LIMITS, type BoardEvent } from '../../src/lib/domain';
import { projectFiguresSchema, sourceSchema, stageSchema } from '../../src/lib/protocol';
import { MAX_IMPORT_EVENTS } from './limits';

export { MAX_IMPORT_EVENTS };

export const EXPORT_FORMAT = 'kanbridge-board';
export const EXPORT_VERSION = 1;

const id = z.string().regex(ID_PATTERN, 'must be an id (letters, digits, _ or -)');
const text = (max: number) => z.string().max(max);
const name = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)');
const rank = z.string().min(1).max(200);
const code = z.string().min(1).max(16);
const wipLimit = z.number().int().min(0).max(LIMITS.wipLimit).nullable();

/** Set on an entry that went past a soft WIP limit because someone confirmed it (absent in older exports). */
const overLimit = z
  .object({ limit: z.number().int().min(1).max(LIMITS.wipLimit), count: z.number().int().min(2).max(1_000_000) })
  .optional();

const column = z.object({
  id,
  name: name(LIMITS.columnName),
  code,
  wipLimit,
  wipHard: z.boolean(),
  stage: stageSchema.optional()
});
const fields = {
  title: name(LIMITS.title),
  description: text(LIMITS.description),
  assignee: text(LIMITS.assignee),
  tags: z.array(name(LIMITS.tag)).max(LIMITS.tags),
  due: day.nullable(),
  estimate: z.number().finite().min(0).max(LIMITS.estimate).nullable()
};

const meta = {
  boardId: id,
  revision: z.number().int().min(1),
  at: z.iso.datetime({ offset: true }),
  source: sourceSchema,
  actor: z.object({ id: text(100), name: text(100) }),
  opId: z.string().min(1).max(100)
};

/** One event of the log. */
export const eventSchema = z.discriminatedUnion('type', [
  z.object({
    ...meta,
    type: z.literal('boardCreated'),
    name: name(LIMITS.boardName),
    code,
    columns: z.array(column).min(1).max(LIMITS.columns)
  }),
  z.object({ ...meta, type: z.literal('boardRenamed'), name: name(LIMITS.boardName) }),
  z.object({ ...meta, type: z.literal('cardCreated'), card: z.object({ id, code, ...fields, columnId: id, rank }), overLimit }),
  z.object({
    ...meta,
    type: z.literal('cardUpdated'),
    cardId: id,
    changes: z.object({
      title: fields.title.optional(),
      description: fields.description.optional(),
      assignee: fields.assignee.optional(),
      tags: fields.tags.optional(),
      due: fields.due.optional(),
      estimate: fields.estimate.optional()
    })
  }),
  z.object({ ...meta, type: z.literal('cardArchived'), cardId: id, columnId: id }),
  z.object({ ...meta, type: z.literal('cardRestored'), cardId: id, toColumnId: id, rank, overLimit }),
  z.object({ ...meta, type: z.literal('cardMoved'), cardId: id, fromColumnId: id, toColumnId: id, rank, overLimit }),
  z.object({ ...meta, type: z.literal('columnAdded'), column, index: z.number().int().min(0).max(LIMITS.columns) }),
  z.object({ ...meta, type: z.literal('columnRenamed'), columnId: id, name: name(LIMITS.columnName) }),
  z.object({ ...meta, type: z.literal('columnMoved'), columnId: id, toIndex: z.number().int().min(0).max(LIMITS.columns) }),
  z.object({ ...meta, type: z.literal('columnRemoved'), columnId: id }),
  z.object({ ...meta, type: z.literal('wipLimitSet'), columnId: id, wipLimit, hard: z.boolean() }),
  z.object({ ...meta, type: z.literal('cardsPrinted'), cardIds: z.array(id).max(100_000), layout: text(40) }),
  z.object({ ...meta, type: z.literal('columnStageSet'), columnId: id, stage: stageSchema }),
  z.object({ ...meta, type: z.literal('projectSet'), project: projectFiguresSchema.nullable() })
]);

const header = {
  format: z.literal(EXPORT_FORMAT, `must be "${EXPORT_FORMAT}" (is this a Kanbridge export?)`),
  version: z.literal(EXPORT_VERSION, `must be ${EXPORT_VERSION}: this server reads version ${EXPORT_VERSION} exports`),
  exportedAt: z.iso.datetime({ offset: true }),
  board: z.object({ id, name: name(LIMITS.boardName), code, revision: z.number().int().min(1) })
};
const events = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'must hold at least the boardCreated event').max(MAX_IMPORT_EVENTS);

export const kanbridgeFileSchema = z.object({ ...header, events: events(eventSchema) });

/**
 * The file around its events, which are left unchecked: the import checks them one by one with
 * `eventSchema`, replacing each parsed event by its checked copy, so that a large file is never
 * held twice (prepare.ts). Together the two check exactly what kanbridgeFileSchema does.
 */
export const kanbridgeHeaderSchema = z.object({ ...header, events: events(z.unknown()) });

/** The file as the rest of the server sees it: events typed as the domain's (ids are branded only at compile time). */
export type KanbridgeFile = Omit<z.infer<typeof kanbridgeFileSchema>, 'events'> & { events: BoardEvent[] };

export function exportFile(
  board: { id: string; name: string; code: string; revision: number },
  events: BoardEvent[],
  now: Date
): KanbridgeFile {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    board: { id: board.id, name: board.name, code: board.code, revision: board.revision },
    events
  };
}

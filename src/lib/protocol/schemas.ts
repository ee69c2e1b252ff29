/**
 * zod schemas for every message and body that crosses a boundary (HTTP, Socket.IO, files).
 * Parse once here; inside, types are exact. Sizes are bounded so that no single message can
 * make the server do unbounded work.
 */
import { z } from 'zod';
import { ID_PATTERN, LIMITS, SOURCES, STAGES, type Command, type Source, type Stage } from '../domain';

const id = z.string().regex(ID_PATTERN, 'must be an id (letters, digits, _ or -)');
const cardId = id.transform((s) => s as import('../domain').CardId);
const columnId = id.transform((s) => s as import('../domain').ColumnId);
export const opIdSchema = z
  .string()
  .min(8, 'opId must have at least 8 characters')
  .max(64, 'opId must have at most 64 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'opId must be letters, digits, _ . : or -')
  .transform((s) => s as import('../domain').OpId);

const title = z.string().max(LIMITS.title * 2);
const fields = {
  title,
  description: z.string().max(LIMITS.description),
  assignee: z.string().max(LIMITS.assignee),
  tags: z.array(z.string().max(LIMITS.tag)).max(LIMITS.tags),
  due: z.string().max(10).nullable(),
  estimate: z.number().finite().nullable()
};
const wipLimit = z.number().int().min(0).max(LIMITS.wipLimit).nullable();
const placement = { beforeCardId: cardId.optional(), afterCardId: cardId.optional() };
const base = { opId: opIdSchema };

export const stageSchema = z.enum(STAGES as [Stage, ...Stage[]]);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)');
const money = z.number().finite().min(0).max(LIMITS.money);
export const projectFiguresSchema = z.strictObject({
  budget: money,
  currency: z.string().max(LIMITS.currency),
  plannedStart: isoDay,
  plannedEnd: isoDay,
  actualCost: money,
  thresholds: z.strictObject({
    green: z.number().finite().positive().max(LIMITS.threshold),
    amber: z.number().finite().positive().max(LIMITS.threshold)
  })
});

export const commandSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...base,
    type: z.literal('createCard'),
    cardId: cardId.optional(),
    columnId: columnId.optional(),
    override: z.boolean().optional(),
    title,
    description: fields.description.optional(),
    assignee: fields.assignee.optional(),
    tags: fields.tags.optional(),
    due: fields.due.optional(),
    estimate: fields.estimate.optional(),
    ...placement
  }),
  z.strictObject({
    ...base,
    type: z.literal('updateCard'),
    cardId,
    changes: z.strictObject({
      title: title.optional(),
      description: fields.description.optional(),
      assignee: fields.assignee.optional(),
      tags: fields.tags.optional(),
      due: fields.due.optional(),
      estimate: fields.estimate.optional()
    })
  }),
  z.strictObject({ ...base, type: z.literal('archiveCard'), cardId }),
  z.strictObject({ ...base, type: z.literal('restoreCard'), cardId, toColumnId: columnId.optional(), override: z.boolean().optional() }),
  z.strictObject({ ...base, type: z.literal('moveCard'), cardId, toColumnId: columnId, override: z.boolean().optional(), ...placement }),
  z.strictObject({
    ...base,
    type: z.literal('addColumn'),
    columnId: columnId.optional(),
    name: z.string().max(LIMITS.columnName),
    wipLimit: wipLimit.optional(),
    wipHard: z.boolean().optional(),
    index: z.number().int().min(0).max(LIMITS.columns).optional(),
    stage: stageSchema.optional()
  }),
  z.strictObject({ ...base, type: z.literal('renameColumn'), columnId, name: z.string().max(LIMITS.columnName) }),
  z.strictObject({ ...base, type: z.literal('moveColumn'), columnId, toIndex: z.number().int().min(0).max(LIMITS.columns) }),
  z.strictObject({ ...base, type: z.literal('removeColumn'), columnId }),
  z.strictObject({ ...base, type: z.literal('setWipLimit'), columnId, wipLimit, hard: z.boolean().optional() }),
  z.strictObject({ ...base, type: z.literal('renameBoard'), name: z.string().max(LIMITS.boardName) }),
  z.strictObject({ ...base, type: z.literal('markPrinted'), cardIds: z.array(cardId).max(10_000), layout: z.string().max(40) }),
  z.strictObject({ ...base, type: z.literal('setColumnStage'), columnId, stage: stageSchema }),
  z.strictObject({ ...base, type: z.literal('setProject'), project: projectFiguresSchema.nullable() })
]) satisfies z.ZodType<Command, unknown>;

export const sourceSchema = z.enum(SOURCES as [Source, ...Source[]]);

/** Sources a client may claim for its own commands (print, import and system are the server's). */
export const CLIENT_SOURCES = ['drag', 'keyboard', 'scan', 'scan-manual', 'wall', 'api', 'ui', 'form'] as const;

/**
 * What a page says about itself on an HTTP request (headers, since the body is the API's): the
 * way the change was made, and on an install without accounts, the browser's guest identity.
 * An API token's request is always source `api`, whatever it says.
 */
export const PAGE_HEADERS = { source: 'x-kanbridge-source', clientId: 'x-kanbridge-client', name: 'x-kanbridge-name' } as const;
/** Sources a page may give for an HTTP request. */
export const PAGE_SOURCES = ['form', 'ui', 'print', 'wall', 'drag', 'keyboard', 'scan', 'scan-manual'] as const satisfies readonly Source[];
export const clientSourceSchema = z.enum(CLIENT_SOURCES);

/** A command as sent over HTTP or Socket.IO: the command plus optional envelope fields. */
export const commandEnvelopeSchema = z.object({
  baseRevision: z.number().int().min(0).optional(),
  source: clientSourceSchema.optional()
});

export function parseCommandMessage(input: unknown) {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { success: false as const, error: 'a command must be a JSON object' };
  }
  const { baseRevision, source, ...rest } = input as Record<string, unknown>;
  const env = commandEnvelopeSchema.safeParse({ baseRevision, source });
  if (!env.success) return { success: false as const, error: formatIssues(env.error) };
  const cmd = commandSchema.safeParse(rest);
  if (!cmd.success) return { success: false as const, error: formatIssues(cmd.error) };
  return { success: true as const, command: cmd.data as Command, baseRevision: env.data.baseRevision, source: env.data.source };
}

export const createBoardSchema = z.strictObject({
  name: z.string().min(1, 'a board needs a name').max(LIMITS.boardName),
  columns: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(LIMITS.columnName),
        wipLimit: wipLimit.optional(),
        wipHard: z.boolean().optional()
      })
    )
    .max(LIMITS.columns)
    .optional()
});

/** POST /api/boards/:boardId/cards: a createCard without opId (the server makes one if absent). */
export const createCardBodySchema = z.strictObject({
  opId: opIdSchema.optional(),
  columnId: columnId.optional(),
  title,
  description: fields.description.optional(),
  assignee: fields.assignee.optional(),
  tags: fields.tags.optional(),
  due: fields.due.optional(),
  estimate: fields.estimate.optional(),
  override: z.boolean().optional(),
  ...placement
});

export const joinSchema = z.strictObject({
  boardId: id,
  since: z.number().int().min(0).optional(),
  /** The page's PROTOCOL_VERSION; absent from pages older than it. */
  protocol: z.number().int().min(0).max(1_000_000).optional()
});

export const helloSchema = z.strictObject({
  name: z.string().trim().min(1).max(60).optional(),
  clientId: z.string().regex(ID_PATTERN).optional()
});

export const sinceQuerySchema = z.coerce.number().int().min(0);

/** "field: message; field: message" — short and readable for an error body. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

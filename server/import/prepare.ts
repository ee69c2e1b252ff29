/**
 * The heavy part of an import, run in the import worker (import-worker.ts), away from the
 * server's event loop: the file is parsed, checked against its format's schema and the story
 * its contents tell, and turned into the new board's events with fresh ids. Codes must be
 * unique in the install, and only the server can hand those out, so the events carry
 * placeholders ("0", "1", … in the order they are issued) that `fillCodes` replaces.
 *
 * The result is the events as newline-delimited JSON in one buffer: handed over without a
 * copy, and read back a slice at a time (import.ts), so neither side holds two object graphs
 * of a large board at once.
 *
 * Big intermediate objects (the file's text, the parsed JSON, the checked copy) are dropped
 * as soon as the next step has what it needs.
 */
import type { z } from 'zod';
import {
  newCardId,
  newColumnId,
  type Actor,
  type BoardEvent,
  type Code,
  type DecideContext,
  type EventBody,
  type OpId
} from '../../src/lib/domain';
import { checkLog } from './check-log';
import { planTrello, trelloEvents } from './from-trello';
import { ImportError, ImportTooLarge, zodIssues, type Issue } from './issues';
import { eventSchema, kanbridgeHeaderSchema } from './kanbridge-file';
import { MAX_IMPORT_CARDS, MAX_IMPORT_EVENTS } from './limits';
import { remapLog } from './remap';
import { trelloBoardSchema } from './trello-file';

export const IMPORT_FORMATS = ['kanbridge', 'trello'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface Prepared {
  /** Codes the events issue (placeholders "0" … codes-1). */
  codes: number;
  /** How many events `lines` holds. */
  count: number;
  /** One HistoricEvent (`{ body, at, actor, opId }`) per line, UTF-8 JSON. */
  lines: Uint8Array;
  /** What was shortened or left out on the way in. */
  warnings: string[];
}

const thousands = (n: number) => n.toLocaleString('en');

export function parseJsonFile(body: Uint8Array): unknown {
  if (body.length === 0) throw new ImportError([{ path: '', message: 'the file is empty' }]);
  // Editors on Windows like to start UTF-8 files with a byte-order mark; JSON.parse does not.
  const bom = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  const text = Buffer.from(body.buffer, body.byteOffset + bom, body.byteLength - bom).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ImportError([{ path: '', message: `the file is not valid JSON (${(err as Error).message}); is it complete?` }]);
  }
}

/** A context whose codes are placeholders, counted. */
function placeholders(): { ctx: DecideContext; issued: () => number } {
  let n = 0;
  return { ctx: { newCardId, newColumnId, newCode: () => String(n++) as Code }, issued: () => n };
}

/** Replaces a body's placeholder codes with the install's codes, in place. */
export function fillCodes(body: EventBody, codes: readonly Code[]): void {
  const code = (placeholder: string): Code => {
    const real = codes[Number(placeholder)];
    if (real === undefined) throw new Error(`no code for placeholder ${placeholder}`);
    return real;
  };
  if (body.type === 'boardCreated') {
    body.code = code(body.code);
    for (const c of body.columns) c.code = code(c.code);
  } else if (body.type === 'columnAdded') {
    body.column.code = code(body.column.code);
  } else if (body.type === 'cardCreated') {
    body.card.code = code(body.card.code);
  }
}

const lengthOf = (value: unknown, key: string): number => {
  const list = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return Array.isArray(list) ? list.length : 0;
};

function tooManyCards(cards: number): ImportTooLarge {
  return new ImportTooLarge(
    `The file holds ${thousands(cards)} cards; at most ${thousands(MAX_IMPORT_CARDS)} can be imported into one board`
  );
}

/** Parses, checks and converts a file; throws ImportError (the file's fault) or ImportTooLarge. */
export function prepareImport(format: ImportFormat, body: Uint8Array, actor: Actor, at: string): Prepared {
  return format === 'kanbridge' ? prepareKanbridge(body) : prepareTrello(body, actor, at);
}

/**
 * The file parsed and checked against its schema. The parsed JSON lives only in this call:
 * once the schema's copy is made, it can be collected.
 */
function parseFile<T>(body: Uint8Array, schema: z.ZodType<T>, precheck: (value: unknown) => void): T {
  const value = parseJsonFile(body);
  precheck(value);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ImportError(zodIssues(parsed.error));
  return parsed.data;
}

/**
 * A Kanbridge file parsed and checked: the header with the schema, then each event on its own,
 * its checked copy taking the place of the parsed one at once (zod copies what it checks).
 */
function parseKanbridge(body: Uint8Array): { revision: number; events: unknown[] } {
  const value = parseJsonFile(body);
  // Counted before the schema walks every event: a file far over the limit costs no more than its parse.
  const declared = lengthOf(value, 'events');
  if (declared > MAX_IMPORT_EVENTS) {
    throw new ImportTooLarge(
      `The file holds ${thousands(declared)} events; at most ${thousands(MAX_IMPORT_EVENTS)} can be imported into one board`
    );
  }
  const head = kanbridgeHeaderSchema.safeParse(value);
  const issues: Issue[] = head.success ? [] : zodIssues(head.error);
  const events = Array.isArray((value as { events?: unknown })?.events) ? (value as { events: unknown[] }).events : [];
  for (let i = 0; i < events.length; i++) {
    const checked = eventSchema.safeParse(events[i]);
    if (checked.success) events[i] = checked.data;
    else
      for (const issue of zodIssues(checked.error))
        issues.push({ path: issue.path ? `events.${i}.${issue.path}` : `events.${i}`, message: issue.message });
  }
  if (issues.length || !head.success) throw new ImportError(issues);
  return { revision: head.data.board.revision, events };
}

function prepareKanbridge(body: Uint8Array): Prepared {
  const file = parseKanbridge(body);
  // The schema checked every field; the brands on ids exist only at compile time.
  const events = file.events as unknown as BoardEvent[];
  let cards = 0;
  for (const e of events) if (e.type === 'cardCreated') cards++;
  if (cards > MAX_IMPORT_CARDS) throw tooManyCards(cards);
  const issues = checkLog(events, file.revision);
  if (issues.length) throw new ImportError(issues);
  const { ctx, issued } = placeholders();
  const bodies = remapLog(events, ctx);
  return {
    codes: issued(),
    count: bodies.length,
    lines: ndjson(bodies.length, (i) => ({ body: bodies[i], at: events[i].at, actor: events[i].actor, opId: events[i].opId })),
    warnings: []
  };
}

function prepareTrello(body: Uint8Array, actor: Actor, at: string): Prepared {
  const board = parseFile(body, trelloBoardSchema, (value) => {
    const declared = lengthOf(value, 'cards');
    if (declared > MAX_IMPORT_CARDS) throw tooManyCards(declared);
  });
  const plan = planTrello(board);
  // Whatever the domain refuses is refused here, before any code is taken from the install.
  const { ctx, issued } = placeholders();
  const bodies = trelloEvents(plan, ctx);
  const who = { id: actor.id, name: actor.name };
  return {
    codes: issued(),
    count: bodies.length,
    lines: ndjson(bodies.length, (i) => ({ body: bodies[i], at, actor: who, opId: `import-${i + 1}` as OpId })),
    warnings: plan.warnings
  };
}

/** The items as newline-delimited JSON (JSON.stringify escapes every newline inside a string). */
function ndjson(count: number, item: (i: number) => unknown): Uint8Array {
  const parts: Buffer[] = [];
  const CHUNK = 4096;
  for (let i = 0; i < count; i += CHUNK) {
    let text = '';
    for (let j = i; j < Math.min(count, i + CHUNK); j++) text += `${JSON.stringify(item(j))}\n`;
    parts.push(Buffer.from(text, 'utf8'));
  }
  const all = Buffer.concat(parts);
  // A buffer of its own (never a slice of Node's shared pool), so it can be transferred.
  return all.byteOffset === 0 && all.byteLength === all.buffer.byteLength ? all : new Uint8Array(all);
}

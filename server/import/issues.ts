/** What is wrong with an imported file, and where: the body of a refused import. */
import type { z } from 'zod';

export interface Issue {
  /** Where in the file, as a dotted path (`events.12.card.title`); empty for the whole file. */
  path: string;
  message: string;
}

/** Refusing an import: nothing was created. */
export class ImportError extends Error {
  constructor(readonly issues: Issue[]) {
    super(summary(issues));
    this.name = 'ImportError';
  }
}

/** Shown in the error message; the rest are in `details.issues` (up to MAX_LISTED). */
const MAX_SUMMARY = 3;
export const MAX_LISTED = 50;

function summary(issues: Issue[]): string {
  const shown = issues.slice(0, MAX_SUMMARY).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length > MAX_SUMMARY ? ` (and ${issues.length - MAX_SUMMARY} more)` : '';
  return `The file cannot be imported: ${shown.join('; ')}${more}`;
}

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Refusing an import for its size (more cards, events or memory than one import may take): nothing was created. */
export class ImportTooLarge extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportTooLarge';
  }
}

/** Refusing an import because others are already waiting: nothing was created; try again later. */
export class ImportBusy extends Error {
  constructor() {
    super('Other imports are running; try again in a minute');
    this.name = 'ImportBusy';
  }
}

/**
 * The card form as people fill it in (tags comma-separated, estimate typed as text) and the
 * card fields the domain takes. Only fields that changed are sent, so two people editing
 * different fields of one card do not overwrite each other.
 */
import { isIsoDate, LIMITS, type Card, type CardFields } from '../domain';

/** What is wrong with each field, by field: shown next to it. Empty when the form can be saved. */
export type FieldErrors<K extends string> = Partial<Record<K, string>>;

export interface CardFormValues {
  title: string;
  description: string;
  assignee: string;
  tags: string;
  due: string;
  estimate: string;
}

export function formValues(card: Card): CardFormValues {
  return {
    title: card.title,
    description: card.description,
    assignee: card.assignee,
    tags: card.tags.join(', '),
    due: card.due ?? '',
    estimate: card.estimate === null ? '' : String(card.estimate)
  };
}

/** The estimate as typed: empty is none; a comma may stand for the decimal point. */
function parseEstimate(raw: string): number | null {
  const t = raw.trim();
  return t === '' ? null : Number(t.replace(',', '.'));
}

/**
 * Checks every field the way the domain will, so what is wrong shows next to its field before
 * anything is sent, and nothing typed is dropped: a word in Estimate is an error, not "no estimate".
 */
export function checkCardForm(v: CardFormValues): FieldErrors<keyof CardFormValues> {
  const errors: FieldErrors<keyof CardFormValues> = {};
  const title = v.title.replace(/\s+/g, ' ').trim();
  if (!title) errors.title = 'A card needs a title.';
  else if (title.length > LIMITS.title) errors.title = `A title has at most ${LIMITS.title} characters.`;
  if (v.description.length > LIMITS.description) errors.description = `A description has at most ${LIMITS.description} characters.`;
  if (v.assignee.trim().length > LIMITS.assignee) errors.assignee = `A name has at most ${LIMITS.assignee} characters.`;
  const tags = v.tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const long = tags.find((t) => t.length > LIMITS.tag);
  if (long) errors.tags = `A tag has at most ${LIMITS.tag} characters (“${long.slice(0, 12)}…”).`;
  else if (new Set(tags).size > LIMITS.tags) errors.tags = `A card has at most ${LIMITS.tags} tags.`;
  if (v.due !== '' && !isIsoDate(v.due)) errors.due = 'A due date is a date (YYYY-MM-DD), or empty for none.';
  const estimate = parseEstimate(v.estimate);
  if (estimate !== null && !(Number.isFinite(estimate) && estimate >= 0 && estimate <= LIMITS.estimate)) {
    errors.estimate = `An estimate is a number from 0 to ${LIMITS.estimate}, or empty for none.`;
  }
  return errors;
}

/** Form text → fields (check it first with checkCardForm); the domain checks the values again when the command is dispatched. */
export function readForm(v: CardFormValues): CardFields {
  const estimate = v.estimate.trim();
  return {
    title: v.title,
    description: v.description,
    assignee: v.assignee,
    tags: v.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    due: v.due || null,
    estimate: estimate === '' ? null : Number(estimate.replace(',', '.'))
  };
}

/** The fields this person edited since the form opened (what others changed meanwhile stays). */
export function editedFields(initial: CardFormValues, now: CardFormValues): Partial<CardFields> {
  const before = readForm(initial);
  const after = readForm(now);
  const changes: Partial<CardFields> = {};
  for (const key of Object.keys(after) as (keyof CardFields)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) Object.assign(changes, { [key]: after[key] });
  }
  return changes;
}

export const FIELD_LABEL: Record<keyof CardFormValues, string> = {
  title: 'Title',
  description: 'Description',
  assignee: 'Assignee',
  tags: 'Tags',
  due: 'Due date',
  estimate: 'Estimate'
};

export interface Reconciled {
  /** What the form now counts as "as it was" for each field (what editing is measured against). */
  base: CardFormValues;
  /** The form's values: fields nobody here touched follow the card. */
  values: CardFormValues;
  /** Fields just taken over from someone else's edit. */
  updated: (keyof CardFormValues)[];
  /** Fields both edited here and changed by someone else, with their value: saving would overwrite it. */
  conflicts: Partial<Record<keyof CardFormValues, string>>;
}

/**
 * An open form meets the card as it is now (`live`, after someone else's edit): a field not
 * edited here shows their value at once; a field edited here to the same value is settled; a
 * field edited here to something else is a conflict, to be shown before saving overwrites it.
 */
export function reconcile(base: CardFormValues, values: CardFormValues, live: CardFormValues): Reconciled {
  const next = {
    base: { ...base },
    values: { ...values },
    updated: [] as (keyof CardFormValues)[],
    conflicts: {} as Reconciled['conflicts']
  };
  for (const k of Object.keys(live) as (keyof CardFormValues)[]) {
    if (live[k] === base[k]) continue;
    if (values[k] === base[k]) {
      next.values[k] = live[k];
      next.base[k] = live[k];
      next.updated.push(k);
    } else if (values[k] === live[k]) next.base[k] = live[k];
    else next.conflicts[k] = live[k];
  }
  return next;
}

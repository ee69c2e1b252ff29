/**
 * The card form as people fill it in (tags comma-separated, estimate typed as text) and the
 * card fields the domain takes. Only fields that changed are sent, so two people editing
 * different fields of one card do not overwrite each other.
 */
import type { Card, CardFields } from '../domain';

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

/** Form text → fields; the domain checks the values when the command is dispatched. */
export function readForm(v: CardFormValues): CardFields {
	const estimate = v.estimate.trim();
	return {
		title: v.title,
		description: v.description,
		assignee: v.assignee,
		tags: v.tags.split(',').map((t) => t.trim()).filter(Boolean),
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

/**
 * The print page's state: what to print and on which layout, and the print job that makes.
 *
 * The job comes from `planPrint`, the function the PDF endpoint runs, on the same board, so
 * the counts, the page count, the preview and the "nothing to print" messages are the PDF's
 * own. The board is read through a getter: after a print is recorded the page reloads it, and
 * every count follows.
 */
import { SvelteSet } from 'svelte/reactivity';
import { assertNever, cardsInOrder, needsReprint, type BoardState, type Card, type CardId, type Column, type ColumnId } from '$lib/domain';
import { LAYOUTS, LAYOUT_IDS, isLayoutId, pageCount, slotsPerPage, type LayoutId } from '$lib/print/layouts';
import { NothingToPrintError, parseSelection, planPrint, type PrintPlan } from '$lib/print/select';

/** What the page prints: cards on a card layout, or one of the two kinds of sign. */
export type Mode = 'cards' | 'column-signs' | 'board-sign';
export type CardChoice = 'all' | 'new' | 'reprint' | 'column' | 'cards';
export type SignChoice = 'all' | 'column';

export const CARD_LAYOUTS = LAYOUT_IDS.filter((id) => LAYOUTS[id].kind === 'cards');

/** One thing the preview draws: a card, a column sign or the board sign. */
export type PrintItem = { kind: 'card'; card: Card } | { kind: 'column'; column: Column } | { kind: 'board' };

export type Job =
	| { ok: true; plan: PrintPlan; items: PrintItem[]; pages: number }
	/** `empty`: a well-formed selection that holds nothing (the API's NOTHING_TO_PRINT). */
	| { ok: false; empty: boolean; message: string };

export class PrintPlanner {
	readonly #board: () => BoardState;

	mode = $state<Mode>('cards');
	cardLayout = $state<LayoutId>('a4-8');
	cardChoice = $state<CardChoice>('all');
	signChoice = $state<SignChoice>('all');
	/** The column for "one column" (cards) and for one column sign. */
	columnPick = $state<ColumnId | null>(null);
	/** Cards ticked in the checklist (those no longer live are ignored). */
	readonly chosen = new SvelteSet<CardId>();

	constructor(board: () => BoardState, initial: { layout: string | null; select: string | null } = { layout: null, select: null }) {
		this.#board = board;
		this.#start(initial.layout, initial.select);
	}

	get board(): BoardState {
		return this.#board();
	}

	readonly live = $derived(cardsInOrder(this.board));
	readonly newCount = $derived(this.live.filter((c) => c.printedRevision === null).length);
	readonly reprintCount = $derived(this.live.filter(needsReprint).length);

	/** The picked column, or the first one when it was removed meanwhile. */
	readonly column = $derived(this.board.columns.find((c) => c.id === this.columnPick) ?? this.board.columns[0] ?? null);

	readonly layout = $derived<LayoutId>(this.mode === 'cards' ? this.cardLayout : this.mode);

	/** The ticked cards that are still live, in board order (the order they print in). */
	readonly chosenCards = $derived(this.live.filter((c) => this.chosen.has(c.id)));

	/** The selection text, exactly as the API takes it. */
	readonly selection = $derived.by((): string => {
		if (this.mode === 'board-sign') return 'all';
		const choice = this.mode === 'cards' ? this.cardChoice : this.signChoice;
		if (choice === 'column') return this.column ? `column:${this.column.id}` : 'all';
		if (choice === 'cards') return `cards:${this.chosenCards.map((c) => c.id).join(',')}`;
		return choice;
	});

	readonly job = $derived.by((): Job => {
		try {
			const plan = planPrint(this.board, this.layout, this.selection);
			const items: PrintItem[] =
				LAYOUTS[plan.layout].kind === 'cards'
					? plan.cards.map((card) => ({ kind: 'card', card }))
					: plan.layout === 'column-signs'
						? plan.columns.map((column) => ({ kind: 'column', column }))
						: [{ kind: 'board' }];
			return { ok: true, plan, items, pages: pageCount(plan.layout, items.length) };
		} catch (err) {
			return { ok: false, empty: err instanceof NothingToPrintError, message: err instanceof Error ? err.message : String(err) };
		}
	});

	/** Whether the job prints cards, which can then be recorded as printed (signs are not recorded). */
	readonly records = $derived(this.job.ok && this.job.plan.cards.length > 0);

	/** The PDF endpoint for this job; `preview` shows it in the browser rather than downloading it. */
	pdfUrl(preview: boolean): string {
		const q = new URLSearchParams({ layout: this.layout, select: this.selection });
		if (preview) q.set('preview', '1');
		return `/api/boards/${encodeURIComponent(this.board.id)}/print.pdf?${q}`;
	}

	/** Items per page of the current layout. */
	get perPage(): number {
		return slotsPerPage(this.layout);
	}

	/** Takes the page's ?layout= and ?select= (a link such as "print the reprint queue"). */
	#start(layout: string | null, select: string | null) {
		if (layout && isLayoutId(layout)) {
			if (LAYOUTS[layout].kind === 'cards') this.cardLayout = layout;
			else this.mode = layout === 'column-signs' ? 'column-signs' : 'board-sign';
		}
		if (!select) return;
		let selection;
		try {
			selection = parseSelection(select);
		} catch {
			return;
		}
		switch (selection.kind) {
			case 'all':
			case 'new':
			case 'reprint':
				this.cardChoice = selection.kind;
				break;
			case 'column':
				this.columnPick = selection.columnId;
				this.cardChoice = 'column';
				this.signChoice = 'column';
				break;
			case 'cards':
				for (const id of selection.cardIds) this.chosen.add(id);
				this.cardChoice = 'cards';
				break;
			default:
				assertNever(selection);
		}
	}
}

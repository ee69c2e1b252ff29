/**
 * The wall photo review: one photo at a time, from choosing it to the applied result.
 *
 *   idle → reading → review → applying → applied
 *            ↘ idle (with an error)        ↘ review (the apply failed: try again)
 *
 * The photo stays in the browser (an object URL) and is shown with the outlines the server
 * found; only its scan result lives on the server. Moves start ticked; the user unticks those
 * they do not want. Applying reports every move's fate; moves refused at a soft WIP limit can
 * be confirmed and sent again (same scan, same opIds: nothing runs twice).
 */
import { SvelteSet } from 'svelte/reactivity';
import type { BoardState, CardId } from '$lib/domain';
import type { MoveResult, PlannedMove, WallScan } from '$lib/wall/types';
import { toneOf, type Tone } from './tone';
import { applyMoves, uploadPhoto } from './wall-api';

export type Phase = 'idle' | 'reading' | 'review' | 'applying' | 'applied';

export interface Problem {
	code: string;
	message: string;
}

export class WallReview {
	readonly #board: () => BoardState;
	phase = $state<Phase>('idle');
	photoUrl = $state<string | null>(null);
	scan = $state<WallScan | null>(null);
	error = $state<Problem | null>(null);
	/** Planned moves the user keeps (ticked). */
	readonly kept = new SvelteSet<CardId>();
	results = $state<MoveResult[]>([]);
	/** The card (or code index) pointed at, in the list or on the photo. */
	focus = $state<string | null>(null);

	constructor(board: () => BoardState) {
		this.#board = board;
	}

	get board(): BoardState {
		return this.#board();
	}

	readonly resultOf = $derived(new Map(this.results.map((r) => [r.cardId, r])));

	/** Codes by the colour they have on the photo now (a move applied turns green). */
	readonly counts = $derived.by(() => {
		const counts: Record<Tone, number> = { ok: 0, move: 0, off: 0, bad: 0 };
		for (const c of this.scan?.codes ?? []) counts[toneOf(c, this.kept, c.cardId ? this.resultOf.get(c.cardId) : undefined)]++;
		return counts;
	});

	/** Soft-limit refusals the user may confirm. */
	readonly confirmable = $derived(this.results.filter((r) => r.status === 'refused' && r.code === 'WIP_LIMIT').map((r) => r.cardId));

	async read(file: File): Promise<void> {
		this.#clear();
		this.photoUrl = URL.createObjectURL(file);
		this.phase = 'reading';
		const answer = await uploadPhoto(this.board.id, file);
		if (!answer.ok) {
			this.error = { code: answer.code, message: answer.message };
			this.phase = 'idle';
			return;
		}
		this.scan = answer.data;
		for (const m of answer.data.plan) this.kept.add(m.cardId);
		this.phase = 'review';
	}

	toggle(cardId: CardId): void {
		if (this.phase !== 'review') return;
		if (this.kept.has(cardId)) this.kept.delete(cardId);
		else this.kept.add(cardId);
	}

	/** Applies the ticked moves (or, with `override`, confirms those refused at a soft limit). */
	async apply(override = false): Promise<void> {
		const scan = this.scan;
		if (!scan) return;
		const moves = override ? this.confirmable : scan.plan.filter((m) => this.kept.has(m.cardId)).map((m) => m.cardId);
		if (moves.length === 0) return;
		const before = this.phase;
		this.phase = 'applying';
		this.error = null;
		const answer = await applyMoves(this.board.id, scan.scanId, moves, override);
		if (!answer.ok) {
			this.error = { code: answer.code, message: answer.message };
			this.phase = before;
			return;
		}
		const fresh = new Map(answer.data.results.map((r) => [r.cardId, r]));
		this.results = scan.plan.flatMap((m) => fresh.get(m.cardId) ?? this.resultOf.get(m.cardId) ?? []);
		this.phase = 'applied';
	}

	/** Back to choosing a photo. */
	reset(): void {
		this.#clear();
		this.phase = 'idle';
	}

	/** The planned move of a card, if any. */
	moveOf(cardId: CardId): PlannedMove | undefined {
		return this.scan?.plan.find((m) => m.cardId === cardId);
	}

	title(cardId: CardId): string {
		return this.board.cards[cardId]?.title ?? 'A card added since the page was opened';
	}

	columnName(columnId: string): string {
		return this.board.columns.find((c) => c.id === columnId)?.name ?? 'a removed column';
	}

	#clear(): void {
		if (this.photoUrl) URL.revokeObjectURL(this.photoUrl);
		this.photoUrl = null;
		this.scan = null;
		this.error = null;
		this.results = [];
		this.kept.clear();
		this.focus = null;
	}
}

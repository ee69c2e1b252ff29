/**
 * ScannerSession: the scanner page's state. Camera reads, typed codes and column taps come in;
 * the pure parts decide (classify → modes → plan → undo); moves go out through the board's
 * BoardSync as moveCard commands with source 'scan' or 'scan-manual', like any other move.
 * Components render what it exposes and call its methods.
 *
 * Invariants:
 * - inputs are handled one at a time, in arrival order (a chain), so walking a column moves
 *   cards in scan order; camera reads that arrive while a WIP question is open are dropped
 *   (the debounce still records them, so a card held in view does not fire afterwards);
 * - a camera read counts once while the code stays in view (debounce.ts); typed codes and
 *   taps always count;
 * - a move is sent with the revision this phone last had confirmed (unless the card already
 *   has a move of ours waiting), so the server refuses it (STALE) if someone changed the card
 *   meanwhile, e.g. while the phone was offline; the refusal is explained here;
 * - nothing a scanned code says is navigated to or executed: codes are only looked up.
 */
import { assertNever, newOpId, type Card, type Column, type ColumnView, type Command, type Source } from '../domain';
import type { ApiError } from '../protocol';
import type { BoardSync, ConfirmWip } from '../sync/board-sync.svelte';
import type { PendingCommand } from '../sync/core';
import { lookUpElsewhere, resolveScan, resolveTyped, type BoardIndex, type Resolved } from './classify';
import { Debounce } from './debounce';
import {
	describeElsewhere,
	describeMovedOn,
	describeNeedCard,
	describeNeedColumn,
	describeNotMovable,
	describePick,
	describePlan,
	describeRejection,
	describeUndo,
	describeWalk,
	wipQuestion,
	wipQuestionFor,
	type Message,
	type WipQuestion
} from './describe';
import type { Cue } from './feedback';
import { initialState, step, type Mode, type Picked, type ScanInput, type ScanState, type Via } from './modes';
import { planMoves, type PlannedMove } from './plan';
import { UNDO_MS, undoOpen, undoPlan, type UndoEntry } from './undo';
import { parsePayload } from '../qr/payload';

export interface FeedItem extends Message {
	id: number;
	/** Cards this item moved: the page shows whether each move is still waiting to be sent. */
	moved: string[];
	undo?: UndoEntry;
	action?: { label: string; run: () => void };
}

export interface TrayItem {
	card: Card;
	column: Column;
	via: Via;
}

export interface SessionDeps {
	cue: (kind: Cue) => void;
	ask: (q: WipQuestion) => Promise<boolean>;
	fetch: typeof fetch;
	/** A monotonic clock in ms (performance.now in the page). */
	now: () => number;
	/** Settles once the board is connected (or queueing offline): inputs wait for it. */
	ready: Promise<void>;
}

const TOAST_MS = 4_000;
const FEED_MAX = 30;
/** How long a scan move is watched for someone else moving the card on. */
const WATCH_MS = 10 * 60_000;

const CUE: Record<Message['tone'], Cue> = { ok: 'move', info: 'info', warn: 'warn', error: 'error' };

export class ScannerSession {
	state = $state.raw<ScanState>(initialState());
	/** Everything that happened, newest first. */
	feed = $state.raw<FeedItem[]>([]);
	/** The feed items on screen as toasts right now, newest last. */
	toasts = $state.raw<FeedItem[]>([]);
	undoEntry = $state.raw<UndoEntry | null>(null);
	/** A WIP question is open. */
	asking = $state(false);

	readonly tray: TrayItem[] = $derived.by(() => this.state.tray.flatMap((p) => this.#place(p)));
	readonly walkColumn: ColumnView | null = $derived.by(() => this.#sync.columns.find((c) => c.id === this.state.walkColumn) ?? null);

	readonly #sync: BoardSync;
	readonly #deps: SessionDeps;
	readonly #debounce = new Debounce();
	readonly #confirmWip: ConfirmWip;
	#chain: Promise<void> = Promise.resolve();
	#seq = 0;
	#timers = new Set<ReturnType<typeof setTimeout>>();
	/** Scan moves to watch for someone else moving the card on: card id → where we put it. */
	#watch = new Map<string, { columnId: string; title: string; until: number }>();

	constructor(sync: BoardSync, deps: SessionDeps, mode: Mode = 'batch') {
		this.#sync = sync;
		this.#deps = deps;
		this.state = initialState(mode);
		this.#chain = deps.ready;
		// A limit this phone did not foresee (the column filled meanwhile): asked per card.
		this.#confirmWip = (error) => this.#ask(wipQuestionFor(error));
		sync.explainRejection = (p, e) => this.#rejected(p, e);
	}

	/** Codes the camera read in one frame. */
	camera(texts: string[]): void {
		const now = this.#deps.now();
		for (const text of texts) {
			const payload = parsePayload(text);
			if (!this.#debounce.fresh(payload ? `${payload.kind}:${payload.code}` : text, now)) continue;
			if (this.asking) continue;
			this.#enqueue(() => this.#resolved(resolveScan(text, this.#index()), 'camera'));
		}
	}

	/** A code typed (or picked from the suggestions) by hand. */
	typed(input: string): void {
		this.#enqueue(() => this.#resolved(resolveTyped(input, this.#index()), 'manual'));
	}

	/** A column button: the same as scanning its sign. */
	tapColumn(columnId: string): void {
		this.#enqueue(() => this.#input({ type: 'column', columnId }));
	}

	setMode(mode: Mode): void {
		this.state = step(this.state, { type: 'mode', mode }).state;
	}

	drop(cardId: string): void {
		this.state = step(this.state, { type: 'drop', cardId }).state;
	}

	clear(): void {
		this.state = step(this.state, { type: 'clear' }).state;
	}

	undo(): void {
		const entry = this.undoEntry;
		if (!entry || !undoOpen(entry, this.#deps.now())) return;
		this.undoEntry = null;
		this.#enqueue(async () => {
			const plan = undoPlan(entry, this.#sync.columns, newOpId);
			const names = new Map(this.#sync.columns.map((c) => [c.id as string, c.name]));
			const done: string[] = [];
			for (const { command, via, title } of plan.commands) {
				const r = await this.#send(command, via);
				if (r) done.push(title);
				this.#watch.delete(command.cardId);
			}
			const back = plan.commands.map((c) => names.get(c.command.toColumnId) ?? '');
			this.#say(describeUndo(done, plan.movedOn.length, back));
		});
	}

	/** Cards someone else just changed (BoardSync.flashing): was one of our scan moves undone? */
	remoteChanged(cardIds: ReadonlySet<string>): void {
		const now = this.#deps.now();
		for (const [cardId, w] of this.#watch) {
			if (w.until < now) this.#watch.delete(cardId);
			else if (cardIds.has(cardId)) {
				const place = this.#sync.find(cardId);
				if (place && place.column.id !== w.columnId && !place.card.archived) {
					this.#watch.delete(cardId);
					this.#say(describeMovedOn(w.title, place.column.name));
				}
			}
		}
	}

	/** How the camera outlines a code it sees: what it is, in a word or two. */
	outline(text: string): { tone: 'ok' | 'column' | 'warn' | 'error'; label: string } {
		const r = resolveScan(text, this.#index());
		switch (r.kind) {
			case 'card':
				return { tone: 'ok', label: r.card.title };
			case 'column':
				return { tone: 'column', label: r.column.name };
			case 'board':
				return { tone: 'column', label: 'This board' };
			case 'archived':
				return { tone: 'warn', label: 'Archived' };
			case 'elsewhere':
				return { tone: 'error', label: 'Not on this board' };
			case 'foreign':
				return { tone: 'warn', label: 'Not a Kanbridge code' };
			default:
				return assertNever(r);
		}
	}

	dismiss(id: number): void {
		this.toasts = this.toasts.filter((t) => t.id !== id);
	}

	dispose(): void {
		if (this.#sync.explainRejection) this.#sync.explainRejection = null;
		for (const t of this.#timers) clearTimeout(t);
		this.#timers.clear();
	}

	// -------------------------------------------------------------------------------------------

	#index(): BoardIndex {
		return { code: this.#sync.code, columns: this.#sync.columns, archived: this.#sync.archived };
	}

	#place(p: Picked): TrayItem[] {
		const place = this.#sync.find(p.cardId);
		return place && !place.card.archived ? [{ card: place.card, column: place.column, via: p.via }] : [];
	}

	#enqueue(task: () => Promise<void> | void): void {
		this.#chain = this.#chain.then(task).catch((e: unknown) => {
			console.error('scan failed:', e);
		});
	}

	async #resolved(r: Resolved, via: Via): Promise<void> {
		switch (r.kind) {
			case 'card':
				return this.#input({ type: 'card', cardId: r.card.id, via });
			case 'column':
				return this.#input({ type: 'column', columnId: r.column.id });
			case 'elsewhere': {
				// Asked outside the chain: a slow answer must not hold up the next scans.
				const boardId = this.#sync.boardId;
				void lookUpElsewhere(r.code, boardId, this.#deps.fetch).then((where) => this.#say(describeElsewhere(r.code, where)));
				return;
			}
			case 'archived':
			case 'board':
			case 'foreign':
				return this.#say(describeNotMovable(r));
			default:
				return assertNever(r);
		}
	}

	async #input(input: ScanInput): Promise<void> {
		const { state, effect } = step(this.state, input);
		this.state = state;
		const column = (id: string) => this.#sync.columns.find((c) => c.id === id);
		switch (effect.type) {
			case 'none':
				return;
			case 'picked': {
				const [item] = this.#place(effect.pick);
				if (item)
					this.#say(describePick(item.card, item.column, state.mode, state.tray.length, effect.again), effect.again ? 'info' : 'pick');
				return;
			}
			case 'walk': {
				const c = column(effect.columnId);
				if (c) this.#say(describeWalk(c));
				return;
			}
			case 'needCard': {
				const c = column(effect.columnId);
				if (c) this.#say(describeNeedCard(c, state.mode));
				return;
			}
			case 'needColumn': {
				const place = this.#sync.find(effect.cardId);
				if (place) this.#say(describeNeedColumn(place.card));
				return;
			}
			case 'move':
				return this.#move(effect.picks, effect.columnId);
			default:
				return assertNever(effect);
		}
	}

	async #move(picks: readonly Picked[], columnId: string): Promise<void> {
		const plan = planMoves(this.#sync.columns, picks, columnId);
		if (!plan) return;
		const question = wipQuestion(plan);
		if (question && !(await this.#ask(question))) {
			// Nothing moved: the cards go back to the tray, to drop some or pick another column.
			for (const p of picks) this.state = step(this.state, { type: 'card', cardId: p.cardId, via: p.via }).state;
			this.#say({ tone: 'warn', title: `Not moved to ${plan.to.name}`, detail: `${plan.to.name} is at its WIP limit` });
			return;
		}
		const moved: PlannedMove[] = [];
		for (const m of plan.moves) {
			const command: Command = {
				type: 'moveCard',
				opId: newOpId(),
				cardId: m.card.id,
				toColumnId: m.toColumnId,
				...(m.override ? { override: true } : {})
			};
			if (await this.#send(command, m.via)) moved.push(m);
		}
		const message = describePlan({ ...plan, moves: moved }, this.#sync.columns);
		if (!message) return;
		const entry: UndoEntry | undefined = moved.length ? { id: ++this.#seq, at: this.#deps.now(), moves: moved } : undefined;
		if (entry) {
			this.undoEntry = entry;
			this.#later(() => {
				if (this.undoEntry === entry) this.undoEntry = null;
			}, UNDO_MS);
			const until = this.#deps.now() + WATCH_MS;
			for (const m of moved) this.#watch.set(m.card.id, { columnId: m.toColumnId, title: m.card.title, until });
		}
		this.#say(message, moved.length ? 'move' : undefined, { moved: moved.map((m) => m.card.id), undo: entry });
	}

	/** Sends one command; false when it was refused on this phone's view (or the person said no). */
	async #send(command: Command, via: Via): Promise<boolean> {
		const source: Source = via === 'camera' ? 'scan' : 'scan-manual';
		const cardId = 'cardId' in command ? command.cardId : null;
		const base = cardId && this.#sync.pendingCards.has(cardId) ? undefined : this.#sync.confirmedRevision;
		const r = await this.#sync.run(command, source, this.#confirmWip, base);
		if (!r.ok && !r.cancelled) this.#say({ tone: 'error', title: 'Not moved', detail: r.message });
		return r.ok;
	}

	async #ask(q: WipQuestion): Promise<boolean> {
		this.asking = true;
		this.#deps.cue('warn');
		try {
			return await this.#deps.ask(q);
		} finally {
			this.asking = false;
		}
	}

	/** A queued move the server refused: say which card, what happened, and offer the way on. */
	#rejected(p: PendingCommand, error: ApiError): boolean {
		const command = p.command;
		if (command.type !== 'moveCard') return false;
		const place = this.#sync.find(command.cardId);
		const to = this.#sync.columns.find((c) => c.id === command.toColumnId);
		const title = place?.card.title ?? 'A card';
		const via: Via = p.source === 'scan-manual' ? 'manual' : 'camera';
		this.#watch.delete(command.cardId);
		const retry = (extra: { override?: boolean }) => () => void this.#send({ ...command, ...extra, opId: newOpId() }, via);
		const action =
			error.code === 'STALE' && to && place && place.column.id !== to.id
				? { label: `Move to ${to.name} anyway`, run: retry({}) }
				: error.code === 'WIP_LIMIT'
					? { label: 'Go over the limit', run: retry({ override: true }) }
					: undefined;
		this.#say(describeRejection(title, to?.name ?? 'its column', error), 'error', { action });
		return true;
	}

	#say(message: Message, cue: Cue = CUE[message.tone], extra: Partial<Pick<FeedItem, 'moved' | 'undo' | 'action'>> = {}): void {
		const item: FeedItem = { ...message, id: ++this.#seq, moved: [], ...extra };
		this.#deps.cue(cue);
		this.feed = [item, ...this.feed].slice(0, FEED_MAX);
		// Two at most on a phone's camera view: the move that can still be undone, and the latest.
		const pinned = this.toasts.filter((t) => t.undo !== undefined && t.undo === this.undoEntry && t !== item);
		this.toasts = [...pinned, item];
		this.#later(() => this.dismiss(item.id), item.undo ? UNDO_MS : item.action ? 3 * TOAST_MS : TOAST_MS);
	}

	#later(fn: () => void, ms: number): void {
		const t = setTimeout(() => {
			this.#timers.delete(t);
			fn();
		}, ms);
		this.#timers.add(t);
	}
}

/**
 * BoardSync: one live board for the pages. It wraps a SyncClient (socket, optimistic queue,
 * catch-up, resend) in runes state that components render, and turns gestures into commands.
 * Components render what it exposes and call its methods; the rules stay in the domain.
 *
 * Invariants:
 * - `columns` shows the client's view (confirmed state + pending commands), except while a
 *   gesture runs (a drag, or a drop waiting for a WIP confirmation). Then it holds what the
 *   drag library reports, and updates from the server are parked until the gesture ends:
 *   replacing a zone's items mid-drag swallows the drop.
 * - everything handed out is a fresh plain object. The SyncCore mutates its state in place,
 *   so handing out its objects would hide changes from keyed blocks and let the drag library
 *   write into the client's state.
 * - a command is dispatched once, with its own opId; a confirmed WIP override is a new
 *   command (new opId), since the refused one was never queued.
 */
import { untrack } from 'svelte';
import { io, type Socket } from 'socket.io-client';
import {
	archivedCards,
	columnViews,
	commandCards,
	newOpId,
	withWipOverride,
	wipStatus,
	type BoardState,
	type Card,
	type CardId,
	type Column,
	type ColumnView,
	type Command,
	type Source
} from '../domain';
import type { ApiError, ClientToServer, Presence, ServerToClient } from '../protocol';
import { SyncClient, type ConnectionStatus, type PendingStore, type RevokeReason } from './client';
import type { PendingCommand } from './core';
import type { Identity } from './identity.svelte';

export type Viewer = Presence['viewers'][number];

export interface Notice {
	id: number;
	text: string;
	/**
	 * What the notice offers. With `possible`, the notice goes away as soon as the board no
	 * longer allows it (an "Undo" for an archive someone already restored, for instance).
	 */
	action?: { label: string; run: () => void; possible?: (board: BoardState) => boolean };
}

export type RunResult = { ok: true } | { ok: false; cancelled: true } | { ok: false; cancelled: false; code: string; message: string };

/** Asks the person whether to go past a soft WIP limit. */
export type ConfirmWip = (error: ApiError) => Promise<boolean>;

export interface CardPlace {
	card: Card;
	column: Column;
}

/** How long a card someone else changed stays highlighted. */
const FLASH_MS = 1_600;
const NOTICE_MS = 6_000;
const NOTICE_WITH_ACTION_MS = 12_000;

export class BoardSync {
	readonly boardId: string;
	/** Columns in board order with their live cards. */
	columns = $state.raw<ColumnView[]>([]);
	name = $state('');
	code = $state('');
	/** Archived cards, most recently changed first. */
	archived = $state.raw<Card[]>([]);
	status = $state<ConnectionStatus>('connecting');
	pendingCount = $state(0);
	/** Cards with a change this browser has not had confirmed yet. */
	pendingCards = $state.raw<ReadonlySet<string>>(new Set());
	viewers = $state.raw<Viewer[]>([]);
	/** Cards someone else just changed (briefly). */
	flashing = $state.raw<ReadonlySet<string>>(new Set());
	notices = $state.raw<Notice[]>([]);
	/** The drag or keyboard move in progress, if any. */
	gesture = $state<'pointer' | 'keyboard' | null>(null);
	/** Columns that will not take the card being moved (at or past a hard WIP limit), while it moves. */
	refusing = $state.raw<ReadonlySet<string>>(new Set());
	/** Set when the server took this viewer's access away; the board then stops syncing. */
	revoked = $state<RevokeReason | null>(null);
	#online = $state(true);
	#me = $state('');

	/** The browser knowing it is offline beats the socket's slower guess. */
	readonly connection: ConnectionStatus = $derived(this.#online ? this.status : 'offline');
	/** Everyone else on this board (the same person in two tabs counts once). */
	readonly others: Viewer[] = $derived(this.viewers.filter((v) => v.id !== this.#me));

	/**
	 * Lets a page explain a refused queued command in its own words (the scanner names the
	 * card and who changed it); when it returns true, the generic notice is not shown.
	 */
	explainRejection: ((pending: PendingCommand, error: ApiError) => boolean) | null = null;

	#initial: BoardState;
	#client: SyncClient | null = null;
	#socket: Socket<ServerToClient, ClientToServer> | null = null;
	#noticeSeq = 0;
	#flashUntil = new Map<string, number>();
	#timers = new Set<ReturnType<typeof setTimeout>>();
	#cleanup: (() => void)[] = [];

	constructor(board: BoardState) {
		this.boardId = board.id;
		this.#initial = board;
		this.#render(board);
	}

	/** Connects to the server (browser only); pending commands from `store` are resent. */
	start(identity: Identity, store: PendingStore): void {
		if (this.#client) return;
		this.#me = identity.clientId;
		const socket: Socket<ServerToClient, ClientToServer> = io({
			auth: { name: identity.name, clientId: identity.clientId },
			transports: ['websocket', 'polling'],
			autoConnect: false
		});
		this.#socket = socket;
		this.#client = new SyncClient({
			socket,
			board: this.#initial,
			store,
			onChange: () => this.#sync(),
			onRemote: (ids) => this.#flash(ids),
			onRejected: (p, e) => this.#rejected(p, e),
			onRevoked: (reason) => {
				this.revoked = reason;
				this.stop();
			}
		});
		this.#online = navigator.onLine;
		const onOnline = () => {
			this.#online = true;
			// Reconnect now rather than after the socket's back-off delay.
			if (!socket.connected) socket.connect();
		};
		const onOffline = () => (this.#online = false);
		window.addEventListener('online', onOnline);
		window.addEventListener('offline', onOffline);
		this.#cleanup.push(() => {
			window.removeEventListener('online', onOnline);
			window.removeEventListener('offline', onOffline);
		});
		// Reading state here must not subscribe a caller's effect to it.
		untrack(() => {
			this.#client?.start();
			this.#sync();
		});
	}

	stop(): void {
		this.#client?.stop();
		this.#socket?.disconnect();
		for (const off of this.#cleanup.splice(0)) off();
		for (const t of this.#timers) clearTimeout(t);
		this.#timers.clear();
	}

	/** A new display name: presence learns it from a fresh handshake. */
	reidentify(identity: Identity): void {
		const socket = this.#socket;
		if (!socket) return;
		const auth = socket.auth as Record<string, unknown>;
		if (auth.name === identity.name) return;
		socket.auth = { name: identity.name, clientId: identity.clientId };
		if (socket.connected) socket.disconnect().connect();
	}

	/** Where a card is now (live or archived), for the card page and dialogs. */
	find(cardId: string): CardPlace | null {
		for (const column of this.columns) {
			const card = column.cards.find((c) => c.id === cardId);
			if (card) return { card, column };
		}
		const card = this.archived.find((c) => c.id === cardId);
		const column = card && this.columns.find((c) => c.id === card.columnId);
		return card && column ? { card, column } : null;
	}

	/** The last revision the server confirmed: what a command's `baseRevision` refers to. */
	get confirmedRevision(): number {
		return this.#client?.core.revision ?? this.#initial.revision;
	}

	/** A drag or keyboard move starts; with the card, the columns that will refuse it are known at once. */
	beginGesture(kind: 'pointer' | 'keyboard', cardId?: string): void {
		this.gesture = kind;
		const card = cardId ? this.#view().cards[cardId as CardId] : undefined;
		this.refusing = new Set(
			card
				? this.columns.filter((c) => c.id !== card.columnId && c.wipHard && c.wipLimit !== null && c.count >= c.wipLimit).map((c) => c.id)
				: []
		);
	}

	endGesture(): void {
		this.gesture = null;
		this.refusing = new Set();
		this.#sync();
	}

	/**
	 * What the drag library says a column holds mid-gesture (its placeholder included). A column
	 * that will refuse the card keeps its own count: the card hovering over it is not in it.
	 */
	setItems(columnId: string, items: Card[]): void {
		this.columns = this.columns.map((c) => {
			if (c.id !== columnId) return c;
			const count = this.refusing.has(c.id) ? items.filter((card) => this.#view().cards[card.id]?.columnId === c.id).length : items.length;
			return { ...c, cards: items, count, wip: wipStatus(c, count) };
		});
	}

	/**
	 * Ends a drag or keyboard move: sends ONE moveCard placing the card between its new
	 * neighbours in `columnId` (as the drop left them), or nothing if it did not move.
	 */
	async drop(cardId: string, columnId: string, source: 'drag' | 'keyboard', confirm: ConfirmWip): Promise<void> {
		try {
			const items = this.columns.find((c) => c.id === columnId)?.cards ?? [];
			const index = items.findIndex((c) => c.id === cardId);
			const view = this.#view();
			const card = view.cards[cardId];
			if (index < 0 || !card || card.archived) return;
			if (card.columnId === columnId && (view.order[columnId] ?? []).indexOf(card.id) === index) return;
			const command: Command = {
				type: 'moveCard',
				opId: newOpId(),
				cardId: card.id,
				toColumnId: columnId as Column['id'],
				...neighbours(items, index)
			};
			const result = await this.run(command, source, confirm);
			if (!result.ok && !result.cancelled) this.notify(result.message);
		} finally {
			this.endGesture();
		}
	}

	/**
	 * Dispatches a command. A queued command shows at once and is the server's business from
	 * then on (a later refusal arrives as a notice); a command refused on this view resolves
	 * with the reason. A soft WIP limit is put to `confirm` and, if accepted, overridden.
	 * With `baseRevision`, the server refuses the command (STALE) if someone changed its card
	 * after that revision.
	 */
	async run(command: Command, source: Source, confirm?: ConfirmWip, baseRevision?: number): Promise<RunResult> {
		const client = this.#client;
		if (!client) return { ok: false, cancelled: false, code: 'NOT_READY', message: 'The board is still loading' };
		const answer = client.dispatch(command, source, baseRevision);
		// dispatch queues synchronously unless the command is refused on this view.
		if (client.core.pending.some((p) => p.command.opId === command.opId)) return { ok: true };
		const r = await answer;
		if (r.ok) return { ok: true };
		const overridden = r.error.code === 'WIP_LIMIT' && confirm ? withWipOverride(command, newOpId()) : null;
		if (overridden && confirm) {
			if (!(await confirm(r.error))) return { ok: false, cancelled: true };
			return this.run(overridden, source, undefined, baseRevision);
		}
		return { ok: false, cancelled: false, code: r.error.code, message: r.error.message };
	}

	notify(text: string, action?: Notice['action']): void {
		const id = ++this.#noticeSeq;
		this.notices = [...this.notices.slice(-3), { id, text, action }];
		this.#later(() => this.dismiss(id), action ? NOTICE_WITH_ACTION_MS : NOTICE_MS);
	}

	dismiss(id: number): void {
		this.notices = this.notices.filter((n) => n.id !== id);
	}

	#view(): BoardState {
		return this.#client?.view ?? this.#initial;
	}

	#sync(): void {
		const client = this.#client;
		if (!client) return;
		this.status = client.status;
		this.pendingCount = client.pendingCount;
		this.viewers = client.viewers;
		this.pendingCards = new Set(client.core.pending.flatMap((p) => commandCards(p.command)));
		if (!this.gesture) this.#render(client.view);
		this.#dropImpossible(client.view);
	}

	/** Notices whose offer the board no longer allows go away. */
	#dropImpossible(view: BoardState): void {
		const kept = this.notices.filter((n) => !n.action?.possible || n.action.possible(view));
		if (kept.length !== this.notices.length) this.notices = kept;
	}

	#render(view: BoardState): void {
		this.columns = columnViews(view).map((col) => ({ ...col, cards: col.cards.map(copyCard) }));
		this.archived = archivedCards(view)
			.sort((a, b) => b.revision - a.revision)
			.map(copyCard);
		this.name = view.name;
		this.code = view.code;
	}

	#flash(cardIds: string[]): void {
		const until = Date.now() + FLASH_MS;
		for (const id of cardIds) this.#flashUntil.set(id, until);
		this.flashing = new Set(this.#flashUntil.keys());
		this.#later(() => {
			const now = Date.now();
			for (const [id, t] of this.#flashUntil) if (t <= now) this.#flashUntil.delete(id);
			this.flashing = new Set(this.#flashUntil.keys());
		}, FLASH_MS);
	}

	#rejected(p: PendingCommand, error: ApiError): void {
		if (this.explainRejection?.(p, error)) return;
		const overridden = error.code === 'WIP_LIMIT' ? withWipOverride(p.command, newOpId()) : null;
		const text = `Not saved: ${error.message.replace(/; confirm to go over$/, '')}`;
		if (overridden) {
			const command = p.command;
			this.notify(text, {
				label: 'Go over the limit',
				run: () => void this.run(overridden, p.source),
				possible: (view) => stillToMove(view, command)
			});
		} else this.notify(text);
	}

	#later(fn: () => void, ms: number): void {
		const t = setTimeout(() => {
			this.#timers.delete(t);
			fn();
		}, ms);
		this.#timers.add(t);
	}
}

/** The drop position as the domain wants it: the cards just above and just below. */
function neighbours(items: readonly Card[], index: number): { afterCardId?: CardId; beforeCardId?: CardId } {
	const above = items[index - 1];
	const below = items[index + 1];
	return { ...(above ? { afterCardId: above.id } : {}), ...(below ? { beforeCardId: below.id } : {}) };
}

/** A refused move can still be made: its card is live and not already in that column (someone may have moved it meanwhile). */
function stillToMove(view: BoardState, command: Command): boolean {
	if (command.type !== 'moveCard') return true;
	const card = view.cards[command.cardId];
	return !!card && !card.archived && card.columnId !== command.toColumnId;
}

const copyCard = (card: Card): Card => ({ ...card });

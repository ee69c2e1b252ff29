/**
 * Short confirmations and problems for the account pages, shown by the board's Toasts
 * component (same look, same place).
 */
import type { Notice } from '../../sync/board-sync.svelte';

const NOTICE_MS = 6_000;

export class Notices {
	list = $state.raw<Notice[]>([]);
	#seq = 0;

	push(text: string): void {
		const id = ++this.#seq;
		this.list = [...this.list.slice(-3), { id, text }];
		setTimeout(() => this.dismiss(id), NOTICE_MS);
	}

	dismiss(id: number): void {
		this.list = this.list.filter((n) => n.id !== id);
	}
}

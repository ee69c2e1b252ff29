/**
 * The lifecycle every live page shares: a BoardSync started once the page is in the browser
 * (with this browser's identity and its saved offline queue), told when the name changes, and
 * stopped when the page goes away. Call during component initialisation.
 */
import { onMount } from 'svelte';
import { page } from '$app/state';
import type { BoardState } from '../domain';
import type { ApiError } from '../protocol';
import { BoardSync, type ConfirmWip } from '../sync/board-sync.svelte';
import { getIdentity } from '../sync/identity.svelte';
import { localPendingStore } from '../sync/pending-store';
import { actorIdOf } from './account/viewer';
import { wipQuestion } from './wip-question';

export function liveBoard(board: BoardState): BoardSync {
	const sync = new BoardSync(board);
	const identity = getIdentity();
	// Signed in (or paired), the server names this viewer by the account, not by this browser:
	// presence then lists the account's id, which "others" must leave out.
	const actorId = actorIdOf(page.data.viewer);
	onMount(() => {
		const own = identity.load();
		sync.start(actorId ? { ...own, clientId: actorId } : own, localPendingStore());
		return () => sync.stop();
	});
	$effect(() => {
		if (!actorId) sync.reidentify({ name: identity.name, clientId: identity.clientId });
	});
	return sync;
}

export interface Question {
	title: string;
	message: string;
	confirmLabel: string;
	cancelLabel?: string;
}

/** The WIP question, worded from the rejection's details (see wip-question.ts). */
export function wipConfirm(ask: (q: Question) => Promise<boolean>): ConfirmWip {
	return (error: ApiError) => ask(wipQuestion(error.details));
}

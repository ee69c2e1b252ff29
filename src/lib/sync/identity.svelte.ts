/**
 * Who this browser is on a board: a display name and a random clientId, kept in localStorage
 * and sent in the Socket.IO handshake (`auth: { name, clientId }`). There are no accounts
 * behind it; the clientId only lets presence count one person once across tabs.
 *
 * Read it only in the browser: the server renders pages without knowing who is looking.
 */
import { createContext } from 'svelte';
import { ID_PATTERN, newId } from '../domain';
import { PAGE_HEADERS, type PAGE_SOURCES } from '../protocol';

const KEY = 'kanbridge:identity';
/** Matches the server's handshake schema (helloSchema). */
export const NAME_MAX = 60;

export interface Identity {
	name: string;
	clientId: string;
}

export class IdentityStore {
	name = $state('');
	clientId = $state('');
	/** True until the person picked a name themselves (the header then offers to set one). */
	isDefault = $state(true);
	#loaded = false;

	/** Loads (or creates) the identity; safe to call often. Browser only. */
	load(): Identity {
		if (!this.#loaded) {
			this.#loaded = true;
			const saved = readSaved();
			this.clientId = saved?.clientId ?? newId('u');
			this.name = saved?.name ?? `Guest ${1000 + Math.floor(Math.random() * 9000)}`;
			this.isDefault = !saved?.chosen;
			this.#save(this.isDefault);
		}
		return { name: this.name, clientId: this.clientId };
	}

	rename(name: string): void {
		const clean = name.replace(/\s+/g, ' ').trim().slice(0, NAME_MAX);
		if (!clean) return;
		this.load();
		this.name = clean;
		this.isDefault = false;
		this.#save(false);
	}

	#save(isDefault: boolean): void {
		try {
			localStorage.setItem(KEY, JSON.stringify({ name: this.name, clientId: this.clientId, chosen: !isDefault }));
		} catch {
			// Private mode or a full store: the name still works for this page view.
		}
	}
}

function readSaved(): { name: string; clientId: string; chosen: boolean } | null {
	try {
		const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? 'null');
		if (typeof raw !== 'object' || raw === null) return null;
		const { name, clientId, chosen } = raw as Record<string, unknown>;
		if (typeof name !== 'string' || !name.trim() || name.length > NAME_MAX) return null;
		if (typeof clientId !== 'string' || !ID_PATTERN.test(clientId)) return null;
		return { name, clientId, chosen: chosen === true };
	} catch {
		return null;
	}
}

export const [getIdentity, setIdentity] = createContext<IdentityStore>();

/**
 * The headers a page sends with its HTTP requests: the way the change was made and this
 * browser's guest identity (the same as on its socket), so that events made through a form,
 * the print page or a wall photo name the real person and source, never "API".
 */
export function pageHeaders(source: (typeof PAGE_SOURCES)[number] = 'form'): Record<string, string> {
	const headers: Record<string, string> = { [PAGE_HEADERS.source]: source };
	if (typeof localStorage === 'undefined') return headers;
	const saved = readSaved() ?? new IdentityStore().load();
	headers[PAGE_HEADERS.clientId] = saved.clientId;
	headers[PAGE_HEADERS.name] = encodeURIComponent(saved.name);
	return headers;
}

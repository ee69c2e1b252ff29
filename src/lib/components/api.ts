/**
 * The JSON API as the pages call it: JSON in and out, and a refusal as the API words it
 * (`{ error: { code, message } }`), so a page can show the server's own message. Every call
 * says it comes from a page's form, and who this browser is (pageHeaders).
 */
import { pageHeaders } from '$lib/sync/identity.svelte';

export type ApiAnswer<T> = { ok: true; data: T } | { ok: false; status: number; code: string; message: string };

export async function callApi<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ApiAnswer<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { ...pageHeaders('form'), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  } catch {
    return { ok: false, status: 0, code: 'NETWORK', message: 'Could not reach the server. Check the connection and try again.' };
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) return { ok: true, data: json as T };
  const error = typeof json === 'object' && json !== null && 'error' in json ? (json.error as { code?: unknown; message?: unknown }) : null;
  return {
    ok: false,
    status: res.status,
    code: typeof error?.code === 'string' ? error.code : 'HTTP',
    message: typeof error?.message === 'string' ? error.message : `The server answered ${res.status}.`
  };
}

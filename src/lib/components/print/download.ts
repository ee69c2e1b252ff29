/**
 * Downloads a PDF from the print endpoint, and records a print. Fetched rather than followed as
 * a link, so the page knows when the file is complete and which board revision it shows (the
 * `X-Board-Revision` header, which the record takes), and can show the endpoint's JSON error in
 * place of a broken file. The download itself changes nothing: recording the cards as printed
 * is a separate POST, made once the person confirms.
 */
import { pageHeaders } from '$lib/sync/identity.svelte';

export type DownloadResult = { ok: true; fileName: string; revision: number | null } | { ok: false; message: string };

export async function downloadPdf(url: string): Promise<DownloadResult> {
  let blob: Blob;
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/pdf' } });
    if (!res.ok || !res.headers.get('content-type')?.startsWith('application/pdf')) {
      return { ok: false, message: errorMessage(await res.json().catch(() => null)) ?? `The server answered ${res.status}; try again.` };
    }
    blob = await res.blob();
  } catch {
    return { ok: false, message: 'The download did not finish. Check the connection and try again.' };
  }
  const fileName = fileNameOf(res.headers.get('content-disposition')) ?? 'kanbridge.pdf';
  const revision = Number(res.headers.get('x-board-revision') ?? NaN);
  const href = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the file after click() returns: free it a little later.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return { ok: true, fileName, revision: Number.isInteger(revision) ? revision : null };
}

/** What was printed: the PDF's layout and selection, and the board revision it showed. */
export interface PrintRecord {
  layout: string;
  select: string;
  revision: number;
}

export type RecordResult = { ok: true; recorded: number } | { ok: false; message: string };

/** Records the cards of a downloaded PDF as printed (those changed since it was made stay queued). */
export async function recordPrint(boardId: string, record: PrintRecord): Promise<RecordResult> {
  try {
    const res = await fetch(`/api/boards/${encodeURIComponent(boardId)}/printed`, {
      method: 'POST',
      headers: { ...pageHeaders('print'), 'content-type': 'application/json' },
      body: JSON.stringify(record)
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) return { ok: false, message: errorMessage(body) ?? `The server answered ${res.status}; nothing was recorded. Try again.` };
    const recorded = (body as { recorded?: unknown } | null)?.recorded;
    return { ok: true, recorded: Array.isArray(recorded) ? recorded.length : 0 };
  } catch {
    return {
      ok: false,
      message: 'The server could not be reached, so nothing was recorded as printed. Check the connection and try again.'
    };
  }
}

function errorMessage(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const { error } = body;
  return typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : null;
}

/** The file name from a Content-Disposition header, preferring the RFC 6266 `filename*`. */
export function fileNameOf(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*=UTF-8''([^;\s]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]);
    } catch {
      // Not valid percent-encoding: fall back to the plain name.
    }
  }
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? null;
}

/**
 * Downloads a PDF from the print endpoint. Fetched rather than followed as a link, so the page
 * knows when the file is complete (the server records the print before the last bytes, so the
 * queues can be reloaded then) and can show the endpoint's JSON error in place of a broken file.
 */

export type DownloadResult = { ok: true; fileName: string } | { ok: false; message: string };

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
    return { ok: false, message: 'The download did not finish, so nothing was recorded as printed. Check the connection and try again.' };
  }
  const fileName = fileNameOf(res.headers.get('content-disposition')) ?? 'kanbridge.pdf';
  const href = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the file after click() returns: free it a little later.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return { ok: true, fileName };
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

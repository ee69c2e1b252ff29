/**
 * Addresses for the phone scanner. Phones open the camera only in a secure context: an https
 * page, or localhost. A scanner opened over plain http on a LAN address gets no camera at all
 * (`navigator.mediaDevices` is undefined there), so the page names the https address to use.
 */

/** The same page over https (same host and port: `HTTPS=1` serves both on one port). */
export function httpsVariant(href: string): string {
  const url = new URL(href);
  url.protocol = 'https:';
  return url.href;
}

/** The scanner page of a board, under `origin` (PUBLIC_URL or the page's own origin). */
export function scannerUrl(origin: string, boardId: string): string {
  return `${origin.replace(/\/+$/, '')}/boards/${encodeURIComponent(boardId)}/scan`;
}

/** Whether phones cannot reach this origin (it names this computer only). */
export function isLocalOnly(origin: string): boolean {
  const { hostname } = new URL(origin);
  return (
    hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || hostname === '0.0.0.0' || /^127\./.test(hostname)
  );
}

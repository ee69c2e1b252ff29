/** The day stamped on printed cards and signs, shared by the PDF renderer and the print page's preview. */

/**
 * YYYY-MM-DD in the local time zone. Both callers run on the server (the renderer, and the
 * print page's load for its preview), so it is the server's zone: where the team is, for a
 * self-hosted board.
 */
export function localDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import { error } from '@sveltejs/kit';
import { ID_PATTERN, cloneBoard, type BoardId } from '$lib/domain';
import { localDate } from '$lib/print/date';
import { authorizeBoard } from '../../../../../server/auth/permissions';
import { InvalidHostError, isLocalOnly, printOrigin } from '../../../../../server/print/origin';
import type { PageServerLoad } from './$types';

/**
 * The print page: the board, and the QR origin the PDF endpoint will print for this same
 * request's address, so the preview's QR codes are the PDF's. `?layout=` and `?select=` take
 * the API's values, so a link can open the page on, say, the reprint queue.
 */
export const load: PageServerLoad = async ({ params, locals, request, platform, url }) => {
  const board = ID_PATTERN.test(params.boardId) ? await locals.app.service.getBoard(params.boardId as BoardId) : null;
  if (!board) error(404, { message: 'This board does not exist, or it was removed.', code: 'NOT_FOUND' });
  let origin: string;
  try {
    origin = printOrigin({ publicUrl: locals.app.publicUrl, host: request.headers.get('host'), encrypted: overTls(platform, url) });
  } catch (err) {
    if (err instanceof InvalidHostError) error(400, { message: err.message, code: err.code });
    throw err;
  }
  return {
    // The service's state is live and mutated in place by later commands: hand out a copy.
    board: cloneBoard(board),
    origin,
    localOnly: isLocalOnly(origin),
    // Recording a print needs edit access; anyone who may read the board may download the PDF.
    canRecord: authorizeBoard(locals.principal, board.id, 'edit', (u, b) => locals.app.accounts.roleOf(u, b)).ok,
    printedOn: localDate(new Date()),
    initial: { layout: url.searchParams.get('layout'), select: url.searchParams.get('select') }
  };
};

/**
 * Whether the request came over TLS. adapter-node hands pages the Node request as
 * `platform.req`; under `vite dev` there is none, and Vite's own URL has the right scheme.
 */
function overTls(platform: unknown, url: URL): boolean {
  const req = (platform as { req?: IncomingMessage } | undefined)?.req;
  return req ? req.socket instanceof TLSSocket : url.protocol === 'https:';
}

import type { Handle } from '@sveltejs/kit';
import type { App as KanbridgeApp } from '../server/app';

/** Pages reach the running instance (board service, settings) through `locals.app`. */
export const handle: Handle = async ({ event, resolve }) => {
  const app = (globalThis as { __kanbridge?: KanbridgeApp }).__kanbridge;
  if (!app) throw new Error('the Kanbridge server is not running in this process');
  event.locals.app = app;
  return resolve(event);
};

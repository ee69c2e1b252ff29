/** Account lifetimes and the cookie name: shared by the server and the pages. */
export const SESSION_COOKIE = 'kb_session';
export const SESSION_DAYS = 30;
export const INVITE_DAYS = 7;
export const PAIRING_MINUTES = 10;

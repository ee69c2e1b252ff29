/** Account lifetimes and the cookie name (no imports, so pages can use them cheaply). */
export const SESSION_COOKIE = 'kb_session';
export const SESSION_DAYS = 30;
export const INVITE_DAYS = 7;
export const PAIRING_MINUTES = 10;

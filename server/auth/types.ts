/** The account types live with the pages' shared code (src/lib/auth), so both sides use one definition. */
export * from '../../src/lib/auth/types';

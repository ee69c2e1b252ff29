/**
 * Print selections live in src/lib/print/select.ts, so the print page counts and previews
 * exactly the cards the PDF will hold; this module keeps the server's import path.
 */
export * from '../../src/lib/print/select';

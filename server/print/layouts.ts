/**
 * Print layouts live in src/lib/print/layouts.ts, so the print page's preview and the PDF
 * renderer draw from the same millimetres; this module keeps the server's import path.
 */
export * from '../../src/lib/print/layouts';

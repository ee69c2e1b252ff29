/**
 * How much one import may hold: every limit of `POST /api/import` in one place.
 *
 * - MAX_IMPORT_CARDS: cards on the imported board (Kanbridge: `cardCreated` events; Trello:
 *   cards in the file). 100,000 is the largest board the rest of Kanbridge is measured with
 *   (bench: a move on a 100k-card board).
 * - MAX_IMPORT_EVENTS: events in a Kanbridge file. Twice the cards: every card of a maximum
 *   board created and moved on once more, or a smaller board with a longer history.
 * - MAX_IMPORT_BYTES: the file. A board at both limits exports to about 66 MB (measured by
 *   test/import/limits.test.ts, whose board has short titles, an assignee, a tag and an
 *   estimate per card, as test/import/big-files.ts builds it), so 96 MB leaves room for
 *   longer text, and every export of a board within the card and event limits of that kind
 *   imports back. A larger file is refused with 413 before it is read to the end.
 * - MAX_IMPORT_HEAP_MB: the import's worker thread is ended (and the import refused) if it needs
 *   more than this, so no file can take the server's memory with it.
 * - Imports run one at a time; MAX_IMPORTS_WAITING more wait, and further ones are refused
 *   as busy (503), since each waiting one holds its file in memory.
 */
export const MAX_IMPORT_CARDS = 100_000;
export const MAX_IMPORT_EVENTS = 2 * MAX_IMPORT_CARDS;
export const MAX_IMPORT_BYTES = 96 * 1024 * 1024;
export const MAX_IMPORT_HEAP_MB = 2048;
export const MAX_IMPORTS_WAITING = 2;

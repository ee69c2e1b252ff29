/**
 * Schema version 1: boards with a snapshot, their events, and the install-wide code index.
 *
 * - `boards` holds what `listBoards` shows (kept current by every append) and a snapshot of
 *   the folded state at `snapshot_revision`; loading folds only the events after it.
 *   `created_at`/`updated_at` are the ISO strings the events carry, stored as text so that
 *   they read back exactly as written (a timestamptz would re-format them).
 * - `events` is the complete history; its primary key is what makes two servers' appends of
 *   the same revision collide. The (board_id, op_id) index answers "was this command already
 *   applied?" for any opId, however old, and whichever server applied it.
 * - `codes`: the primary key makes codes unique in the install; rows are never deleted.
 * - `socket_io_attachments`: where @socket.io/postgres-adapter puts broadcasts too large for
 *   a NOTIFY payload (its documented table).
 */
export const initial = {
  version: 1,
  name: 'boards, events, codes',
  sql: `
    CREATE TABLE boards (
      id text PRIMARY KEY,
      code text NOT NULL,
      name text NOT NULL,
      revision integer NOT NULL CHECK (revision >= 1),
      card_count integer NOT NULL CHECK (card_count >= 0),
      created_at text NOT NULL,
      updated_at text NOT NULL,
      snapshot jsonb NOT NULL,
      snapshot_revision integer NOT NULL CHECK (snapshot_revision BETWEEN 1 AND revision)
    );
    CREATE TABLE events (
      board_id text NOT NULL REFERENCES boards (id),
      revision integer NOT NULL CHECK (revision >= 1),
      op_id text NOT NULL,
      body jsonb NOT NULL,
      PRIMARY KEY (board_id, revision)
    );
    CREATE INDEX events_board_op ON events (board_id, op_id);
    CREATE TABLE codes (
      code text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('board', 'column', 'card')),
      board_id text NOT NULL REFERENCES boards (id),
      item_id text,
      CHECK ((kind = 'board') = (item_id IS NULL))
    );
    CREATE TABLE IF NOT EXISTS socket_io_attachments (
      id bigserial UNIQUE,
      created_at timestamptz DEFAULT now(),
      payload bytea
    );
  `
};

/**
 * Scale-out: several Kanbridge servers on one PostgreSQL database, any client on any server.
 *
 * - Broadcasts: Socket.IO's PostgreSQL adapter carries `io.to(room).emit` to the sockets of
 *   every server. An event is broadcast only by the server that appended it (the board
 *   service's onEvents, exactly as with one server) and never re-broadcast by the others,
 *   so each client receives it once, whichever server it is connected to.
 * - Boards cached in memory: each append's transaction sends a notice that PostgreSQL
 *   delivers at commit (PostgresStorage.watchAppends). On one from another server, the
 *   board service catches its copy up (BoardService.refresh), so the copy stays warm: the
 *   next command here finds nothing to fold in under the board's lock, and a read finds
 *   nothing newer when it checks. Being sent by the database, not by the appending server,
 *   the notice is not lost when that server dies just after committing. (Correctness does
 *   not hang on it: commands fold in what they lack under the lock, reads check storage.)
 * - Short adapter heartbeats: a killed server drops out of the cluster within seconds.
 *   Until it does, a presence query (fetchSockets) waits for its answer, and joining a
 *   board waits with it.
 */
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { BoardService } from './board-service';
import { PostgresStorage } from './storage/postgres';
import type { Storage } from './storage/types';

/**
 * The adapter's own connections: one held for LISTEN, the rest for publishing. The adapter
 * emits a broadcast to this server's own sockets only once its NOTIFY is done, and a NOTIFY
 * takes a round trip: with one publishing connection, fan-out on a busy install would queue
 * behind it. With several, two events of one board may reach a client out of order under
 * load; clients order events by revision and fetch a missing one (SyncCore), as after any gap.
 */
const ADAPTER_POOL = 5;
const HEARTBEAT_INTERVAL = 1_000;
const HEARTBEAT_TIMEOUT = 3_000;

export type SocketAdapter = ReturnType<typeof createAdapter>;

export interface ScaleOut {
  /** A Socket.IO adapter for one more Socket.IO server (one per HTTP server). */
  adapter: () => SocketAdapter;
  /** Stops listening and closes the adapter's connections: after the Socket.IO servers closed. */
  close: () => Promise<void>;
}

/** Wiring for servers sharing a database; null for stores that one server owns (lowdb, memory). */
export async function scaleOut(storage: Storage, service: BoardService): Promise<ScaleOut | null> {
  if (!(storage instanceof PostgresStorage)) return null;
  const stopWatching = await storage.watchAppends((boardId, revision) => void service.refresh(boardId, revision));
  // Broadcasts are not data: their NOTIFYs need not wait for the database's WAL flush.
  const pool = new pg.Pool({ ...storage.connection, max: ADAPTER_POOL, options: '-c synchronous_commit=off' });
  pool.on('error', (e) => console.error(`kanbridge: Socket.IO adapter lost a PostgreSQL connection: ${e.message}`));
  // The adapter holds its LISTEN connection checked out, where the pool does not listen for
  // errors: without this, a database restart would end the process. The adapter reconnects.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return {
    adapter: () =>
      createAdapter(pool, {
        heartbeatInterval: HEARTBEAT_INTERVAL,
        heartbeatTimeout: HEARTBEAT_TIMEOUT,
        // Its default is silence: a failed publish would leave other servers' clients behind
        // (they catch up at the next event's gap) without a word in the log.
        errorHandler: (e) => console.error(`kanbridge: Socket.IO adapter: ${e.message}`)
      }),
    close: async () => {
      await stopWatching();
      await pool.end();
    }
  };
}

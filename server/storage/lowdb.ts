/**
 * LowdbStorage: the default store, in DATA_DIR. It stays fast as boards grow and loses no
 * acknowledged event on a crash.
 *
 * Files in DATA_DIR:
 * - events.log: the append-only log, one JSON event per line, all boards interleaved. It is
 *   the complete history and the source of truth.
 * - kanbridge.json: a lowdb snapshot of the folded board states, the code index and, per
 *   board, the byte offset of every BLOCK-th event, covering the log up to `logOffset`.
 *   It is rewritten now and then (compaction: every `compactEvery` events and on close),
 *   never on the append path, so an append costs the same on a 100,000-card board as on an
 *   empty one. Losing it costs only time: without it, the whole log is replayed.
 *   It is written a slice at a time (SnapshotWriter), so the event loop is not held up
 *   however big a board is; appends go on meanwhile. Writing it still costs work, so a
 *   large snapshot is rewritten only once the log has grown by half its size: on average
 *   each appended byte then costs at most two bytes of snapshot.
 * - kanbridge.lock: one server per directory (lock.ts).
 *
 * Invariants:
 * - an append resolves only after its lines are written and fsynced; appends that arrive
 *   while a write is under way queue up and share the next write and fsync (group commit);
 * - `table` folds exactly the log's bytes before `appliedOffset`; bytes after it belong to
 *   the batch being written (batches are written one at a time, each at `appliedOffset`);
 * - the log only grows, except that a torn last line (a crash mid-write, so never
 *   acknowledged) is cut off on open;
 * - each board's last `recentEvents` to 2×`recentEvents` events are held in memory; older
 *   ones are read back from the log, starting at the block offset before them;
 * - a line starts with `{"boardId":…,` so a reader skips other boards' lines unparsed.
 */
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import type { BoardEvent, BoardId, BoardState, Code, OpId } from '../../src/lib/domain';
import { eventIds, isEventType, isId, reviveBoard } from '../../src/lib/domain';
import { BoardTable } from './board-table';
import { acquireDataDirLock } from './lock';
import { DamagedLog, type Accepted, type BoardSummary, type CodeOwner, type Storage } from './types';

export const SNAPSHOT_FILE = 'kanbridge.json';
export const LOG_FILE = 'events.log';
/** Every BLOCK-th event of a board has its log offset recorded (fixed by snapshot format 1). */
export const BLOCK = 64;

export interface LowdbOptions {
  /**
   * Write a snapshot after this many events (default 10,000), and once the log has grown by
   * at least half the size of the last snapshot.
   */
  compactEvery?: number;
  /** fsync the log before acknowledging (default true; false only for throwaway data). */
  fsync?: boolean;
  /** Events per board kept in memory for `eventsSince` (default 5,000). */
  recentEvents?: number;
}

export interface LowdbStats {
  /** Appends accepted (each one call of `append` with events). */
  appends: number;
  /** Writes to the log: each carries every append queued while the previous one ran. */
  batches: number;
  fsyncs: number;
  compactions: number;
  /** Events replayed from the log tail at the last open. */
  replayed: number;
  /** Bytes of an unfinished last record cut from the log at the last open (0 if none). */
  tornBytes: number;
}

interface Snapshot {
  format: 1;
  logOffset: number;
  boards: Record<string, BoardState>;
  codes: Record<string, CodeOwner>;
  /** Per board: log offsets of revisions 1, 1 + BLOCK, 1 + 2·BLOCK, … */
  blocks: Record<string, number[]>;
}

interface Pending {
  events: BoardEvent[];
  bytes: Buffer;
  /** Byte length of each event's line. */
  sizes: number[];
  resolve: () => void;
  reject: (e: Error) => void;
}

type Phase = 'new' | 'open' | 'closing' | 'closed';

export class LowdbStorage implements Storage {
  readonly kind = 'lowdb';
  /** `append` checks revisions synchronously and queues in call order, so appends may overlap. */
  readonly capabilities = { shared: false, pipelined: true } as const;
  readonly stats: LowdbStats = { appends: 0, batches: 0, fsyncs: 0, compactions: 0, replayed: 0, tornBytes: 0 };

  private readonly snapshotFile: string;
  private readonly logFile: string;
  private readonly compactEvery: number;
  private readonly fsync: boolean;
  private readonly recentEvents: number;
  private readonly db: Low<unknown>;

  private phase: Phase = 'new';
  private table = new BoardTable();
  private readonly blocks = new Map<BoardId, number[]>();
  private readonly recent = new Map<BoardId, BoardEvent[]>();
  private log: FileHandle | null = null;
  private release: (() => Promise<void>) | null = null;
  private appliedOffset = 0;
  /** Events applied since the last snapshot (or replayed on open). */
  private sinceCompaction = 0;
  /** Size of the last snapshot file, and the log offset it covers. */
  private snapshotBytes = 0;
  private snapshotOffset = 0;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private compacting: Promise<void> | null = null;
  /** The snapshot being written, if any. */
  private writer: SnapshotWriter | null = null;
  /** Set when a write to the log failed: what is on disk is then unknown, so writes stop. */
  private failure: Error | null = null;

  constructor(
    private readonly dataDir: string,
    options: LowdbOptions = {}
  ) {
    this.snapshotFile = join(dataDir, SNAPSHOT_FILE);
    this.logFile = join(dataDir, LOG_FILE);
    this.compactEvery = positive('compactEvery', options.compactEvery ?? 10_000);
    this.recentEvents = positive('recentEvents', options.recentEvents ?? 5_000);
    this.fsync = options.fsync ?? true;
    this.db = new Low<unknown>(new JSONFile<unknown>(this.snapshotFile), emptySnapshot());
  }

  async open(): Promise<void> {
    if (this.phase !== 'new') throw new Error('a LowdbStorage opens once; create a new one to open again');
    await mkdir(this.dataDir, { recursive: true });
    const release = await acquireDataDirLock(this.dataDir);
    try {
      const snapshot = await this.readSnapshot();
      this.snapshotBytes = (await stat(this.snapshotFile).catch(() => ({ size: 0 }))).size;
      this.table = BoardTable.restore(Object.values(snapshot.boards), Object.entries(snapshot.codes) as [Code, CodeOwner][]);
      for (const [id, offsets] of Object.entries(snapshot.blocks)) this.blocks.set(id as BoardId, offsets);
      await this.openLog(snapshot.logOffset);
    } catch (e) {
      // Half-read state cannot be trusted: this instance is done; a new one may try again.
      this.phase = 'closed';
      await this.log?.close();
      await release();
      throw e;
    }
    this.release = release;
    this.phase = 'open';
    this.compactIfDue();
  }

  async close(): Promise<void> {
    if (this.phase !== 'open') return;
    this.phase = 'closing';
    try {
      while (this.flushing) await this.flushing;
      await this.compacting?.catch(() => undefined);
      if (!this.failure && this.sinceCompaction > 0) await this.compact();
    } finally {
      this.phase = 'closed';
      await this.log?.close();
      await this.release?.();
    }
  }

  async listBoards(): Promise<BoardSummary[]> {
    this.assertOpen();
    return this.table.summaries();
  }

  async loadBoard(boardId: BoardId): Promise<BoardState | null> {
    this.assertOpen();
    const state = this.table.state(boardId);
    return state ? reviveBoard(structuredClone(state)) : null;
  }

  append(boardId: BoardId, events: BoardEvent[]): Promise<void> {
    try {
      return this.enqueue(boardId, events);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async appendDecided(boardId: BoardId, revision: number, decide: (missed: BoardEvent[]) => BoardEvent[] | null): Promise<Accepted> {
    this.assertOpen();
    let missed: BoardEvent[] = [];
    if (this.table.acceptedRevision(boardId) > revision) {
      // What the caller lacks may still be on its way to disk: read it once it is there.
      while (this.flushing) await this.flushing;
      missed = await this.eventsSince(boardId, revision);
    }
    const events = decide(missed);
    return { durable: events && events.length > 0 ? this.enqueue(boardId, events) : Promise.resolve() };
  }

  /** Every event of the board with this opId, read from the log (the board service keeps recent ones in memory). */
  async findOp(boardId: BoardId, opId: OpId): Promise<BoardEvent[]> {
    return (await this.eventsSince(boardId, 0)).filter((e) => e.opId === opId);
  }

  /**
   * Checks and reserves the events at the call (throwing, synchronously, if they do not continue
   * the board) and queues them for the next write; the promise resolves once they are durable.
   */
  private enqueue(boardId: BoardId, events: BoardEvent[]): Promise<void> {
    this.assertOpen();
    if (this.phase !== 'open') throw new Error('storage is closing');
    if (this.failure) throw this.failure;
    this.table.accept(boardId, events);
    if (events.length === 0) return Promise.resolve();
    const lines = events.map((e) => `${JSON.stringify(lineOf(e))}\n`);
    // Hold the events as they will read back from disk, and never the caller's objects.
    const stored = lines.map((l) => JSON.parse(l) as BoardEvent);
    const pending = new Promise<void>((resolve, reject) => {
      this.queue.push({
        events: stored,
        bytes: Buffer.from(lines.join('')),
        sizes: lines.map((l) => Buffer.byteLength(l)),
        resolve,
        reject
      });
    });
    this.stats.appends++;
    this.flushing ??= this.flush();
    return pending;
  }

  async eventsSince(boardId: BoardId, since: number, limit?: number): Promise<BoardEvent[]> {
    this.assertOpen();
    const state = this.table.state(boardId);
    if (!state) return [];
    const from = Math.max(0, since) + 1;
    const last = limit === undefined ? state.revision : Math.min(state.revision, from + Math.max(0, limit) - 1);
    if (last < from) return [];
    const recent = this.recent.get(boardId) ?? [];
    const firstRecent = recent.length > 0 ? recent[0].revision : state.revision + 1;
    // Copy the in-memory part now: appends during the file read below may trim `recent`.
    const fromMemory =
      last < firstRecent ? [] : structuredClone(recent.slice(Math.max(from, firstRecent) - firstRecent, last - firstRecent + 1));
    if (from >= firstRecent) return fromMemory;
    const older = await this.readOlder(boardId, from, Math.min(last, firstRecent - 1));
    return older.concat(fromMemory);
  }

  async findCode(code: Code): Promise<CodeOwner | null> {
    this.assertOpen();
    return this.table.findCode(code);
  }

  /** Writes a snapshot now (also done now and then, see `compactEvery`, and on close). */
  async compact(): Promise<void> {
    if (this.phase !== 'open' && this.phase !== 'closing') throw new Error('storage is not open');
    // Wait for a snapshot already being written: the one written next includes more.
    while (this.compacting) await this.compacting.catch(() => undefined);
    this.compacting = this.writeSnapshot();
    try {
      await this.compacting;
    } finally {
      this.compacting = null;
    }
  }

  private async writeSnapshot(): Promise<void> {
    // Everything the snapshot holds is taken at `logOffset`, in this synchronous step; it is
    // then written a slice at a time, yielding to the event loop between slices (serialising
    // a 100,000-card board in one go holds it up for a second or more). Events applied
    // meanwhile first hand the snapshot the cards they are about to change (`applyEvent`).
    const writer = new SnapshotWriter(this.appliedOffset, this.table.entries(), this.blocks);
    this.sinceCompaction = 0;
    this.snapshotOffset = writer.logOffset;
    this.writer = writer;
    // A temp file renamed over the old snapshot: a crash leaves the old or the new one whole.
    const temp = join(this.dataDir, `.${SNAPSHOT_FILE}.tmp`);
    try {
      const file = await open(temp, 'w');
      try {
        for (let chunk = writer.next(); chunk !== null; chunk = writer.next()) await file.writeFile(chunk);
        if (this.fsync) await file.datasync();
      } finally {
        await file.close();
      }
      await rename(temp, this.snapshotFile);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw e;
    } finally {
      this.writer = null;
    }
    this.snapshotBytes = (await stat(this.snapshotFile)).size;
    this.stats.compactions++;
  }

  private compactIfDue(): void {
    const due = this.sinceCompaction >= this.compactEvery && (this.appliedOffset - this.snapshotOffset) * 2 >= this.snapshotBytes;
    if (!due || this.compacting || this.phase !== 'open') return;
    // On the next turn, after the acknowledgements that made it due have gone out. The log
    // already holds everything, so a failed snapshot only means a longer replay on the
    // next start: report it, and the next compaction tries again.
    setImmediate(() => {
      if (this.phase !== 'open' || this.compacting) return;
      this.compact().catch((e: unknown) => console.error(`kanbridge: writing ${this.snapshotFile} failed: ${message(e)}`));
    });
  }

  private async flush(): Promise<void> {
    // One turn of the event loop lets appends issued together join the first write.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        try {
          await this.writeBatch(batch);
        } catch (e) {
          this.failure = new Error(
            `writing ${this.logFile} failed, so this server accepts no more changes until it restarts: ${message(e)}`,
            { cause: e }
          );
          for (const p of [...batch, ...this.queue.splice(0)]) p.reject(this.failure);
        }
      }
    } finally {
      // Reset in the same synchronous step as the empty-queue check, so no append can be
      // queued in between and wait for a flush that never comes.
      this.flushing = null;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const log = this.requireLog();
    const data = batch.length === 1 ? batch[0].bytes : Buffer.concat(batch.map((p) => p.bytes));
    for (let done = 0; done < data.length;) {
      const { bytesWritten } = await log.write(data, done, data.length - done, this.appliedOffset + done);
      done += bytesWritten;
    }
    this.stats.batches++;
    if (this.fsync) {
      await log.datasync();
      this.stats.fsyncs++;
    }
    // Folded a slice at a time (a history of 200 imported events on a 100,000-card board
    // takes long enough to hold up everyone else); `appliedOffset` follows each event, so
    // between slices the table folds exactly the log's bytes before it, as always.
    let slice = performance.now();
    let count = 0;
    for (const p of batch) {
      for (let i = 0; i < p.events.length; i++) {
        this.applyEvent(p.events[i], this.appliedOffset);
        this.appliedOffset += p.sizes[i];
        this.sinceCompaction++;
        if ((++count & 15) === 0 && performance.now() - slice > APPLY_SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
      }
      p.resolve();
    }
    this.compactIfDue();
  }

  /** Folds one durable event (at byte `offset` of the log) into memory. */
  private applyEvent(e: BoardEvent, offset: number): void {
    this.writer?.beforeApply(e);
    this.table.apply(e);
    if ((e.revision - 1) % BLOCK === 0) {
      const blocks = this.blocks.get(e.boardId) ?? [];
      if (blocks.length !== (e.revision - 1) / BLOCK)
        throw new Error(`block index of board ${e.boardId} does not reach revision ${e.revision}`);
      blocks.push(offset);
      this.blocks.set(e.boardId, blocks);
    }
    const recent = this.recent.get(e.boardId) ?? [];
    recent.push(e);
    // Trim in bulk so that trimming stays O(1) per event on average.
    if (recent.length > 2 * this.recentEvents) recent.splice(0, recent.length - this.recentEvents);
    this.recent.set(e.boardId, recent);
  }

  private async readSnapshot(): Promise<Snapshot> {
    const rebuild = `It is only a snapshot: move it away and Kanbridge rebuilds it from ${LOG_FILE}.`;
    try {
      await this.db.read();
    } catch (e) {
      throw new Error(`${this.snapshotFile} cannot be read (${message(e)}). ${rebuild}`, { cause: e });
    }
    const parsed = snapshotSchema.safeParse(this.db.data);
    this.db.data = null;
    if (!parsed.success) throw new Error(`${this.snapshotFile} is not a Kanbridge snapshot:\n${z.prettifyError(parsed.error)}\n${rebuild}`);
    // Checked by the schema above, except for the brands of ids and codes.
    const snapshot = parsed.data as unknown as Snapshot;
    for (const [id, board] of Object.entries(snapshot.boards)) {
      const blocks = snapshot.blocks[id] ?? [];
      const wellFormed =
        board.id === id && blocks.length === Math.ceil(board.revision / BLOCK) && blocks.every((o) => o < snapshot.logOffset);
      if (!wellFormed) throw new Error(`${this.snapshotFile} is inconsistent for board ${id}. ${rebuild}`);
    }
    return snapshot;
  }

  private async openLog(from: number): Promise<void> {
    let created = false;
    try {
      this.log = await open(this.logFile, 'r+');
    } catch (e) {
      if (errorCode(e) !== 'ENOENT') throw e;
      this.log = await open(this.logFile, 'wx+');
      created = true;
    }
    // Without this, a power cut could lose the new file's name, and with it fsynced events.
    if (created && this.fsync) await syncDir(this.dataDir);
    const { size } = await this.log.stat();
    if (from > size) {
      throw new Error(
        `${this.logFile} has ${size} bytes but ${this.snapshotFile} covers ${from}: the log was truncated or replaced. Restore both files from the same backup.`
      );
    }
    let replayed = 0;
    const end = await scanLines(this.log, from, size, (line, offset) => {
      const e = parseLine(line.toString('utf8'), this.logFile, offset, this.dataDir);
      try {
        this.applyEvent(e, offset);
      } catch (err) {
        throw new DamagedLog(this.logFile, offset, message(err), this.dataDir);
      }
      replayed++;
      return true;
    });
    if (end < size) {
      // A torn last line: the crash came mid-write, before the fsync, so it was never acknowledged.
      await this.log.truncate(end);
      if (this.fsync) await this.log.datasync();
      console.warn(
        `kanbridge: ${this.logFile} ended in an unfinished record (a write cut short by a crash, never acknowledged): cut 1 record, ${size - end} bytes, at byte ${end}`
      );
    }
    this.stats.tornBytes = size - end;
    this.appliedOffset = end;
    this.stats.replayed = replayed;
    this.sinceCompaction = replayed;
    this.snapshotOffset = from;
  }

  /** Events `from`..`to` (all older than the in-memory ones) of one board, from the log. */
  private async readOlder(boardId: BoardId, from: number, to: number): Promise<BoardEvent[]> {
    const start = this.blocks.get(boardId)?.[Math.floor((from - 1) / BLOCK)];
    const out: BoardEvent[] = [];
    if (start !== undefined) {
      const prefix = Buffer.from(`{"boardId":${JSON.stringify(boardId)},`);
      // Its own handle: this read may outlive a concurrent close of the writer's handle.
      const file = await open(this.logFile, 'r');
      try {
        await scanLines(file, start, this.appliedOffset, (line, offset) => {
          if (line.length < prefix.length || line.compare(prefix, 0, prefix.length, 0, prefix.length) !== 0) return true;
          const e = parseLine(line.toString('utf8'), this.logFile, offset, this.dataDir);
          if (e.revision >= from) out.push(e);
          return e.revision < to;
        });
      } finally {
        await file.close();
      }
    }
    if (out.length !== to - from + 1 || out[0].revision !== from) {
      throw new Error(`${this.logFile} is missing events ${from} to ${to} of board ${boardId}`);
    }
    return out;
  }

  private assertOpen(): void {
    if (this.phase !== 'open' && this.phase !== 'closing') throw new Error('storage is not open');
  }

  private requireLog(): FileHandle {
    if (!this.log) throw new Error('storage is not open');
    return this.log;
  }
}

/**
 * Calls `onLine` with each complete line in [start, end) of `file` (without its newline,
 * as a view that is valid only during the call) and its offset, until it returns false.
 * Returns the offset just after the last complete line read.
 */
export async function scanLines(
  file: FileHandle,
  start: number,
  end: number,
  onLine: (line: Buffer, offset: number) => boolean
): Promise<number> {
  const chunk = Buffer.allocUnsafe(1 << 20);
  let carry = Buffer.alloc(0);
  let carryAt = start;
  for (let pos = start; pos < end;) {
    const { bytesRead } = await file.read(chunk, 0, Math.min(chunk.length, end - pos), pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    let lineStart = 0;
    // Splitting bytes at '\n' is safe for UTF-8: no multi-byte character contains that byte.
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, lineStart)) {
      if (!onLine(buf.subarray(lineStart, nl), carryAt + lineStart)) return carryAt + nl + 1;
      lineStart = nl + 1;
    }
    carry = Buffer.from(buf.subarray(lineStart)); // a copy: `chunk` is reused
    carryAt += lineStart;
  }
  return carryAt;
}

/** Applying a written batch hands the event loop back after this long. */
const APPLY_SLICE_MS = 8;

/** Bytes of snapshot text handed out at once (a slice of work between two turns of the event loop). */
const SNAPSHOT_SLICE = 1 << 20;

interface BoardPart {
  id: BoardId;
  /** The board's revision at `logOffset`: a card changed since is taken out of turn, one created since is not written. */
  revision: number;
  /** The board without its cards, as at `logOffset` (copied: columns and order change in place). */
  rest: Omit<BoardState, 'cards'>;
  cards: BoardState['cards'];
  /** Card ids in the order they are written, read when the board's turn comes. */
  ids: string[] | null;
  written: Set<string>;
  /** Cards taken out of turn, before an event changed them. */
  taken: Set<string>;
  early: string[];
  next: number;
  first: boolean;
  done: boolean;
}

/**
 * A snapshot of the table as it was at `logOffset`, handed out in slices of JSON text
 * (`next`), while events go on being applied: before each is applied, `beforeApply` takes the
 * cards it changes as they still are. What else a board holds (columns, order, name…) is
 * copied at the start, as are the code index (whose owners are never changed) and the block
 * offsets (their arrays grow); the cards are read in their turn.
 */
class SnapshotWriter {
  private readonly parts: BoardPart[];
  private readonly byId = new Map<BoardId, BoardPart>();
  private readonly codes: [Code, CodeOwner][];
  private readonly blocks: string;
  private stage: 'start' | 'boards' | 'codes' | 'end' | 'done' = 'start';
  private board = 0;
  private code = 0;

  constructor(
    readonly logOffset: number,
    entries: { states: BoardState[]; codes: [Code, CodeOwner][] },
    blocks: Map<BoardId, number[]>
  ) {
    this.parts = entries.states.map((state) => {
      const { cards, order, ...fields } = state;
      const rest = {
        ...structuredClone(fields),
        order: Object.fromEntries(Object.entries(order).map(([column, ids]) => [column, ids.slice()]))
      } as Omit<BoardState, 'cards'>;
      const part: BoardPart = {
        id: state.id,
        revision: state.revision,
        rest,
        cards,
        ids: null,
        written: new Set(),
        taken: new Set(),
        early: [],
        next: 0,
        first: true,
        done: false
      };
      this.byId.set(state.id, part);
      return part;
    });
    this.codes = entries.codes;
    this.blocks = JSON.stringify(Object.fromEntries([...blocks].map(([id, offsets]) => [id, offsets.slice()])));
  }

  /** Called before `e` is applied to the table: keeps the cards it changes as they are. */
  beforeApply(e: BoardEvent): void {
    const part = this.byId.get(e.boardId);
    if (!part || part.done) return;
    for (const id of changedCards(e)) {
      if (part.taken.has(id) || part.written.has(id)) continue;
      const card = part.cards[id as keyof BoardState['cards']];
      // Not taken yet, so unchanged since `logOffset` if it existed then: newer means created since.
      if (!card || card.revision > part.revision) continue;
      part.taken.add(id);
      part.early.push(cardEntry(id, card));
    }
  }

  /** The next slice of the snapshot's text, or null when it is all handed out. */
  next(): string | null {
    const out: string[] = [];
    let size = 0;
    const add = (text: string) => {
      out.push(text);
      size += text.length;
    };
    while (size < SNAPSHOT_SLICE && this.stage !== 'done') {
      if (this.stage === 'start') {
        add(`{"format":1,"logOffset":${this.logOffset},"boards":{`);
        this.stage = 'boards';
      } else if (this.stage === 'boards') {
        const part = this.parts[this.board];
        if (!part) {
          add('},"codes":{');
          this.stage = 'codes';
          continue;
        }
        if (!part.ids) {
          add(`${this.board === 0 ? '' : ','}${JSON.stringify(part.id)}:${JSON.stringify(part.rest).slice(0, -1)},"cards":{`);
          part.ids = Object.keys(part.cards);
        }
        const comma = () => {
          if (part.first) {
            part.first = false;
            return '';
          }
          return ',';
        };
        for (const entry of part.early.splice(0)) add(comma() + entry);
        const ids = part.ids;
        while (size < SNAPSHOT_SLICE && part.next < ids.length) {
          const id = ids[part.next++];
          const card = part.cards[id as keyof BoardState['cards']];
          if (part.taken.has(id) || card.revision > part.revision) continue;
          part.written.add(id);
          add(comma() + cardEntry(id, card));
        }
        if (part.next < ids.length) continue;
        for (const entry of part.early.splice(0)) add(comma() + entry);
        part.done = true;
        part.written.clear();
        part.taken.clear();
        add('}}');
        this.board++;
      } else if (this.stage === 'codes') {
        while (size < SNAPSHOT_SLICE && this.code < this.codes.length) {
          const [code, owner] = this.codes[this.code];
          add(`${this.code === 0 ? '' : ','}${JSON.stringify(code)}:${JSON.stringify(owner)}`);
          this.code++;
        }
        if (this.code === this.codes.length) this.stage = 'end';
      } else {
        add(`},"blocks":${this.blocks}}\n`);
        this.stage = 'done';
      }
    }
    return out.length === 0 ? null : out.join('');
  }
}

function cardEntry(id: string, card: unknown): string {
  return `${JSON.stringify(id)}:${JSON.stringify(card)}`;
}

/** The cards whose objects applying `e` changes in place (see evolve). */
function changedCards(e: BoardEvent): readonly string[] {
  switch (e.type) {
    case 'cardUpdated':
    case 'cardArchived':
    case 'cardRestored':
    case 'cardMoved':
      return [e.cardId];
    case 'cardsPrinted':
      return e.cardIds;
    default:
      return [];
  }
}

/** An event in log form: boardId and revision first (see the invariants above). */
function lineOf(e: BoardEvent): BoardEvent {
  const { boardId, revision, ...rest } = e;
  return { boardId, revision, ...rest } as BoardEvent;
}

/**
 * One log line as an event, or DamagedLog. Ids are checked like everywhere else events enter;
 * a printing record may list ids that are no id (older servers stored them): those are dropped,
 * as the board never held such cards.
 */
export function parseLine(text: string, file: string, offset: number, dataDir: string): BoardEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DamagedLog(file, offset, message(e), dataDir);
  }
  const e = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const isEvent = typeof e.boardId === 'string' && Number.isSafeInteger(e.revision) && (e.revision as number) >= 1 && isEventType(e.type);
  if (!isEvent) throw new DamagedLog(file, offset, 'the line is not a board event', dataDir);
  if (e.type === 'cardsPrinted' && Array.isArray(e.cardIds)) e.cardIds = e.cardIds.filter(isId);
  let ids: string[];
  try {
    ids = eventIds(value as BoardEvent);
  } catch {
    throw new DamagedLog(file, offset, `the ${e.type} record lacks fields it needs`, dataDir);
  }
  const bad = ids.find((id) => !isId(id));
  if (bad !== undefined)
    throw new DamagedLog(
      file,
      offset,
      `the ${e.type} record names ${JSON.stringify(String(bad).slice(0, 80))}, which is not an id`,
      dataDir
    );
  return value as BoardEvent;
}

// Only the parts a broken file would break are checked; loose objects keep fields added later.
const columnSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  code: z.string(),
  wipLimit: z.number().nullable(),
  wipHard: z.boolean()
});
const cardSchema = z.looseObject({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  columnId: z.string(),
  rank: z.string(),
  archived: z.boolean(),
  revision: z.number().int(),
  tags: z.array(z.string())
});
const boardSchema = z.looseObject({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  revision: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
  columns: z.array(columnSchema),
  cards: z.record(z.string(), cardSchema),
  order: z.record(z.string(), z.array(z.string()))
});
const ownerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('board'), boardId: z.string() }),
  z.object({ kind: z.literal('column'), boardId: z.string(), columnId: z.string() }),
  z.object({ kind: z.literal('card'), boardId: z.string(), cardId: z.string() })
]);
const snapshotSchema = z.object({
  format: z.literal(1),
  logOffset: z.number().int().min(0),
  boards: z.record(z.string(), boardSchema),
  codes: z.record(z.string(), ownerSchema),
  blocks: z.record(z.string(), z.array(z.number().int().min(0)))
});

function emptySnapshot(): Snapshot {
  return { format: 1, logOffset: 0, boards: {}, codes: {}, blocks: {} };
}

async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a directory to fsync it; elsewhere this makes new entries durable.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/**
 * The durable spool: every alert is written here before any output sees it, and stays until
 * every output has confirmed it (or the spool runs out of space).
 *
 * Layout of `directory`:
 *   segment-<first sequence number, 16 digits>.log   append-only segment files
 *   cursors/<output name>.json                         {"position": next sequence to deliver}
 *
 * A segment starts with the 8-byte magic `EXWSPL1\n`, then records: a 4-byte big-endian payload
 * length, a 4-byte big-endian CRC-32 of the payload, the payload (one alert as UTF-8 JSON). A
 * record's sequence number is the segment's first sequence number plus its index; sequence
 * numbers only grow, across segments and restarts.
 *
 * Invariants:
 * - append() resolves only after the record is written to the file (and fsynced, for `always`),
 *   so after a `kill -9` every acknowledged alert is on disk: the kernel keeps written pages
 *   even when the process dies. fsync `interval`/`never` only matter for power loss.
 * - Writes are group-committed: appends that arrive while a write is in progress go out in the
 *   next single write (and single fsync).
 * - On open, each segment is scanned; the first record that is incomplete or fails its CRC ends
 *   the segment (a torn write from a crash): it is counted, logged, and the file is truncated
 *   there. Appends always go to a fresh segment.
 * - A cursor file is replaced atomically (write temp, fsync unless `never`, rename, fsync the
 *   directory for `always`), and only after the output's collector confirmed everything before
 *   the new position. A crash between confirmation and the rename means a resend: delivery is
 *   at least once (exactly once in Elasticsearch, thanks to deterministic `_id`s).
 * - fsync policy: `always` fsyncs each group commit before append() resolves; `interval`
 *   fsyncs the open segment every fsyncIntervalMs when it changed; `never` leaves it to the OS.
 * - The spool's size is bounded by `maxBytes`; past it the oldest segment is dropped even if
 *   undelivered, and every output that had not yet delivered its records is told how many it
 *   lost. Drops are counted, never silent.
 */
import { mkdirSync, readdirSync, writeSync } from 'node:fs';
import { open, readFile, rename, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import * as zlib from 'node:zlib';

import { ExecwatchError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { SpoolConfig } from './config-schema.js';
import { systemTimers, unrefTimer, type TimerHandle, type Timers } from './timers.js';

/** zlib.crc32 arrived in Node 20.15; older Node 20 releases get the same checksum in JS. */
const crc32: (data: Buffer) => number =
  typeof zlib.crc32 === 'function' ? zlib.crc32 : crc32Fallback;

const segmentMagic = Buffer.from('EXWSPL1\n', 'latin1');
const recordHeaderBytes = 8;
/** A single alert larger than this is refused at submit(). */
export const maxRecordBytes = 16 * 1024 * 1024;

/** One stored alert: its sequence number and its JSON bytes. */
export interface SpoolRecord {
  seq: number;
  payload: Buffer;
}

export interface SpoolOptions extends SpoolConfig {
  logger: Logger;
  timers?: Timers;
  /** Size at which the segment being written is closed and a new one started. */
  segmentMaxBytes?: number;
}

/** Records an output lost because the spool was full. */
export interface SpoolDrop {
  output: string;
  records: number;
}

interface Segment {
  baseSeq: number;
  path: string;
  /** File offset of each record's header. */
  offsets: number[];
  byteLength: number;
}

interface PendingAppend {
  frame: Buffer;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

export class Spool {
  private segments: Segment[] = [];
  private active: { segment: Segment; handle: FileHandle } | undefined;
  private nextSeqValue = 0;
  private readonly cursors = new Map<string, SpoolCursor>();
  private readonly appendListeners = new Set<() => void>();
  private readonly dropListeners = new Set<(drop: SpoolDrop) => void>();
  private queue: PendingAppend[] = [];
  private writing: Promise<void> | undefined;
  private dirty = false;
  private fsyncTimer: TimerHandle | undefined;
  private closed = false;
  private readonly timers: Timers;
  private readonly segmentMaxBytes: number;
  private readonly logger: Logger;

  /** Records found torn (incomplete or corrupt) when the spool was opened. */
  tornRecords = 0;
  /** Records dropped for space that at least one output had not delivered. */
  droppedRecords = 0;

  private constructor(private readonly options: SpoolOptions) {
    this.timers = options.timers ?? systemTimers;
    this.logger = options.logger.child({ component: 'spool' });
    const defaultSegmentBytes = Math.min(16 * 1024 * 1024, Math.floor(options.maxBytes / 8));
    this.segmentMaxBytes = options.segmentMaxBytes ?? Math.max(16 * 1024, defaultSegmentBytes);
  }

  /** Opens (creating if needed) the spool directory and recovers what a previous run left. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const spool = new Spool(options);
    await spool.recover();
    spool.startFsyncTimer();
    return spool;
  }

  /** The sequence number of the oldest record still stored. */
  firstSeq(): number {
    return this.segments[0]?.baseSeq ?? this.nextSeqValue;
  }

  /** The sequence number the next appended record will get. */
  nextSeq(): number {
    return this.nextSeqValue;
  }

  /** Bytes of all segment files. */
  sizeBytes(): number {
    return this.segments.reduce((sum, segment) => sum + segment.byteLength, 0);
  }

  segmentCount(): number {
    return this.segments.length;
  }

  /** Bytes of the records in [fromSeq, nextSeq). */
  bytesFrom(fromSeq: number): number {
    let bytes = 0;
    for (const segment of this.segments) {
      const endSeq = segment.baseSeq + segment.offsets.length;
      if (endSeq <= fromSeq) continue;
      const firstIndex = Math.max(0, fromSeq - segment.baseSeq);
      bytes += segment.byteLength - (segment.offsets[firstIndex] ?? segment.byteLength);
    }
    return bytes;
  }

  onAppend(listener: () => void): void {
    this.appendListeners.add(listener);
  }

  onDrop(listener: (drop: SpoolDrop) => void): void {
    this.dropListeners.add(listener);
  }

  /** Stores one record; resolves with its sequence number once it is durable per the policy. */
  append(payload: Buffer): Promise<number> {
    if (this.closed) return Promise.reject(spoolClosedError());
    if (payload.length > maxRecordBytes) {
      return Promise.reject(
        new ExecwatchError(
          'SPOOL_RECORD_TOO_LARGE',
          `An alert of ${payload.length} bytes ` +
            `exceeds the spool's limit of ${maxRecordBytes} bytes`,
        ),
      );
    }

    return new Promise((resolve, reject) => {
      this.queue.push({ frame: encodeRecord(payload), resolve, reject });
      this.writing ??= this.drainQueue();
    });
  }

  /** The cursor of one output, loaded from its file (or at the oldest record for a new output). */
  async cursor(name: string): Promise<SpoolCursor> {
    const existing = this.cursors.get(name);
    if (existing !== undefined) return existing;

    const stored = await readCursorPosition(this.cursorPath(name));
    const position = Math.min(this.nextSeqValue, Math.max(this.firstSeq(), stored ?? 0));
    const cursor = new SpoolCursor(this, name, position);
    this.cursors.set(name, cursor);
    return cursor;
  }

  /** Up to `maxRecords` records from `fromSeq` (clamped to the oldest), within one segment. */
  async read(fromSeq: number, maxRecords: number, maxBytes: number): Promise<SpoolRecord[]> {
    const startSeq = Math.max(fromSeq, this.firstSeq());
    const segment = this.segments.find(
      (candidate) => startSeq < candidate.baseSeq + candidate.offsets.length,
    );
    if (segment === undefined) return [];

    // A segment truncated at recovery leaves a gap in the numbers: continue after it.
    const firstSeq = Math.max(startSeq, segment.baseSeq);
    const { firstIndex, endIndex } = pickRange(segment, firstSeq, maxRecords, maxBytes);
    const start = segment.offsets[firstIndex] ?? 0;
    const end = segment.offsets[endIndex] ?? segment.byteLength;
    try {
      const bytes = await readRange(segment.path, start, end - start);
      return decodeRecords(bytes, segment.baseSeq + firstIndex);
    } catch (error) {
      // The segment was dropped for space while we were about to read it: read on after it.
      const wasDropped =
        (error as { code?: unknown }).code === 'ENOENT' && !this.segments.includes(segment);
      if (wasDropped) return this.read(this.firstSeq(), maxRecords, maxBytes);
      throw error;
    }
  }

  /** Waits for pending appends, fsyncs, and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.fsyncTimer !== undefined) this.timers.clearInterval(this.fsyncTimer);

    await this.writing;
    if (this.active !== undefined) {
      if (this.options.fsync !== 'never') await this.active.handle.datasync();
      await this.active.handle.close();
      this.active = undefined;
    }
  }

  /** Called by a cursor after it was persisted: deletes segments every output is done with. */
  collect(): void {
    const minPosition = Math.min(...[...this.cursors.values()].map((cursor) => cursor.position));
    while (this.segments.length > 0) {
      const oldest = this.segments[0] as Segment;
      const isDone = oldest.baseSeq + oldest.offsets.length <= minPosition;
      if (!isDone || oldest === this.active?.segment) break;
      this.removeOldestSegment();
    }
  }

  async persistCursor(name: string, position: number): Promise<void> {
    const path = this.cursorPath(name);
    const temporaryPath = `${path}.tmp`;
    const handle = await open(temporaryPath, 'w');
    try {
      await handle.writeFile(`${JSON.stringify({ position })}\n`);
      if (this.options.fsync !== 'never') await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporaryPath, path);
    if (this.options.fsync === 'always')
      await syncDirectory(join(this.options.directory, 'cursors'));
  }

  private cursorPath(name: string): string {
    return join(this.options.directory, 'cursors', `${name}.json`);
  }

  private async recover(): Promise<void> {
    mkdirSync(join(this.options.directory, 'cursors'), { recursive: true });
    const names = readdirSync(this.options.directory)
      .filter((name) => /^segment-\d{16}\.log$/.test(name))
      .sort();

    for (const name of names) {
      const segment = await this.scanSegment(join(this.options.directory, name), name);
      if (segment !== undefined) this.segments.push(segment);
    }

    const last = this.segments.at(-1);
    const segmentsEnd = last === undefined ? 0 : last.baseSeq + last.offsets.length;
    const cursorsEnd = await this.highestStoredCursor();
    this.nextSeqValue = Math.max(segmentsEnd, cursorsEnd);
  }

  private async scanSegment(path: string, name: string): Promise<Segment | undefined> {
    const baseSeq = Number(name.slice('segment-'.length, 'segment-'.length + 16));
    const bytes = await readFile(path);
    if (!bytes.subarray(0, segmentMagic.length).equals(segmentMagic)) {
      this.logger.error('spool segment has no valid header; set aside', { path });
      await rename(path, `${path}.corrupt`);
      return undefined;
    }

    const { offsets, validBytes } = scanRecords(bytes);
    if (validBytes < bytes.length) {
      this.tornRecords += 1;
      this.logger.warn('torn record at the end of a spool segment; skipped', {
        path,
        offset: validBytes,
        discardedBytes: bytes.length - validBytes,
      });
      await truncate(path, validBytes);
    }
    return { baseSeq, path, offsets, byteLength: validBytes };
  }

  private async highestStoredCursor(): Promise<number> {
    const directory = join(this.options.directory, 'cursors');
    const names = readdirSync(directory).filter((name) => name.endsWith('.json'));
    const positions = await Promise.all(
      names.map((name) => readCursorPosition(join(directory, name))),
    );
    return Math.max(0, ...positions.map((position) => position ?? 0));
  }

  private startFsyncTimer(): void {
    if (this.options.fsync !== 'interval') return;
    this.fsyncTimer = this.timers.setInterval(() => {
      if (!this.dirty || this.active === undefined) return;
      this.dirty = false;
      this.active.handle.datasync().catch((error: unknown) => {
        this.logger.error('spool fsync failed', { err: error });
      });
    }, this.options.fsyncIntervalMs);
    unrefTimer(this.fsyncTimer);
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        const firstSeq = await this.writeFrames(batch.map((pending) => pending.frame));
        batch.forEach((pending, index) => pending.resolve(firstSeq + index));
      } catch (error) {
        const failure = new ExecwatchError(
          'SPOOL_WRITE_FAILED',
          `Writing to the spool in ${this.options.directory} failed; ` +
            'check free space and permissions',
          { cause: error },
        );
        batch.forEach((pending) => pending.reject(failure));
        await this.abandonActiveSegment();
      }
    }
    this.writing = undefined;
    this.enforceBound();
    for (const listener of this.appendListeners) listener();
  }

  private async writeFrames(frames: Buffer[]): Promise<number> {
    const { segment, handle } = await this.activeSegment();
    const bytes = Buffer.concat(frames);
    if (this.options.fsync === 'always') {
      await handle.write(bytes, 0, bytes.length);
      await handle.datasync();
    } else {
      // A write into the page cache takes microseconds; doing it synchronously saves a round
      // trip through the thread pool per group commit and is just as durable against kill -9.
      writeFullySync(handle.fd, bytes);
    }
    this.dirty = true;

    const firstSeq = segment.baseSeq + segment.offsets.length;
    let offset = segment.byteLength;
    for (const frame of frames) {
      segment.offsets.push(offset);
      offset += frame.length;
    }
    segment.byteLength = offset;
    this.nextSeqValue = firstSeq + frames.length;
    return firstSeq;
  }

  private async activeSegment(): Promise<{ segment: Segment; handle: FileHandle }> {
    if (this.active !== undefined && this.active.segment.byteLength < this.segmentMaxBytes) {
      return this.active;
    }
    if (this.active !== undefined) {
      if (this.options.fsync !== 'never') await this.active.handle.datasync();
      await this.active.handle.close();
    }

    const baseSeq = this.nextSeqValue;
    const path = join(this.options.directory, `segment-${String(baseSeq).padStart(16, '0')}.log`);
    const handle = await open(path, 'w');
    await handle.write(segmentMagic);
    if (this.options.fsync === 'always') {
      await handle.datasync();
      await syncDirectory(this.options.directory);
    }

    const segment: Segment = { baseSeq, path, offsets: [], byteLength: segmentMagic.length };
    this.segments.push(segment);
    this.active = { segment, handle };
    return this.active;
  }

  /**
   * After a failed write the file may hold part of a batch past the last indexed record: cut it
   * off and start the next append in a new segment, so offsets and file never disagree.
   */
  private async abandonActiveSegment(): Promise<void> {
    const active = this.active;
    if (active === undefined) return;
    this.active = undefined;
    // An empty segment's file name is the next segment's too: forget it, the file is reused.
    if (active.segment.offsets.length === 0) {
      this.segments = this.segments.filter((segment) => segment !== active.segment);
    }
    try {
      await active.handle.truncate(active.segment.byteLength);
      await active.handle.close();
    } catch (error) {
      this.logger.error('could not close a spool segment after a failed write', { err: error });
    }
  }

  private enforceBound(): void {
    while (this.sizeBytes() > this.options.maxBytes && this.segments.length > 1) {
      const oldest = this.segments[0] as Segment;
      const endSeq = oldest.baseSeq + oldest.offsets.length;
      let undelivered = 0;

      for (const cursor of this.cursors.values()) {
        const lost = cursor.skipTo(oldest.baseSeq, endSeq);
        undelivered = Math.max(undelivered, lost);
        if (lost > 0)
          for (const listener of this.dropListeners)
            listener({ output: cursor.name, records: lost });
      }

      this.droppedRecords += undelivered;
      this.logger.error('spool full: dropped the oldest undelivered alerts', {
        droppedRecords: undelivered,
        maxBytes: this.options.maxBytes,
        segment: oldest.path,
      });
      this.removeOldestSegment();
    }
  }

  private removeOldestSegment(): void {
    const oldest = this.segments.shift();
    if (oldest === undefined) return;
    unlink(oldest.path).catch((error: unknown) => {
      this.logger.warn('could not delete a spool segment', { path: oldest.path, err: error });
    });
  }
}

/**
 * One output's place in the spool. `position` is the next sequence number to deliver; the
 * output reads through `read`, and `commit` records what its collector confirmed.
 */
export class SpoolCursor {
  /** End of the records handed out by read() and not yet committed. */
  private inFlightEnd: number;
  private persisting: Promise<void> = Promise.resolve();

  constructor(
    private readonly spool: Spool,
    readonly name: string,
    public position: number,
  ) {
    this.inFlightEnd = position;
  }

  /** Records not yet confirmed by this output. */
  pendingRecords(): number {
    return Math.max(0, this.spool.nextSeq() - Math.max(this.position, this.spool.firstSeq()));
  }

  pendingBytes(): number {
    return this.spool.bytesFrom(Math.max(this.position, this.spool.firstSeq()));
  }

  async read(maxRecords: number, maxBytes: number): Promise<SpoolRecord[]> {
    const records = await this.spool.read(this.position, maxRecords, maxBytes);
    // Nothing stored at or after the position (a gap left by a damaged spool): skip to the end.
    if (records.length === 0) this.position = Math.max(this.position, this.spool.nextSeq());
    const last = records.at(-1);
    if (last !== undefined) this.inFlightEnd = Math.max(this.inFlightEnd, last.seq + 1);
    return records;
  }

  /** Persists that everything before `position` is delivered, then lets the spool clean up. */
  async commit(position: number): Promise<void> {
    this.position = Math.max(this.position, position);
    const target = this.position;
    this.persisting = this.persisting.then(() => this.spool.persistCursor(this.name, target));
    await this.persisting;
    this.spool.collect();
  }

  /** Moves past a dropped range; returns how many of its records this output had not sent. */
  skipTo(fromSeq: number, endSeq: number): number {
    const lost = Math.max(0, endSeq - Math.max(this.position, this.inFlightEnd, fromSeq));
    this.position = Math.max(this.position, endSeq);
    this.inFlightEnd = Math.max(this.inFlightEnd, this.position);
    return lost;
  }
}

function writeFullySync(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

function encodeRecord(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(recordHeaderBytes + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  payload.copy(frame, recordHeaderBytes);
  return frame;
}

/** Offsets of the valid records of a whole segment file, and where the valid part ends. */
function scanRecords(bytes: Buffer): { offsets: number[]; validBytes: number } {
  const offsets: number[] = [];
  let offset = segmentMagic.length;

  while (offset + recordHeaderBytes <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const end = offset + recordHeaderBytes + length;
    if (length > maxRecordBytes || end > bytes.length) break;

    const payload = bytes.subarray(offset + recordHeaderBytes, end);
    if (crc32(payload) !== bytes.readUInt32BE(offset + 4)) break;
    offsets.push(offset);
    offset = end;
  }
  return { offsets, validBytes: offset };
}

function decodeRecords(bytes: Buffer, firstSeq: number): SpoolRecord[] {
  const records: SpoolRecord[] = [];
  let offset = 0;
  while (offset + recordHeaderBytes <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const payload = bytes.subarray(offset + recordHeaderBytes, offset + recordHeaderBytes + length);
    records.push({ seq: firstSeq + records.length, payload });
    offset += recordHeaderBytes + length;
  }
  return records;
}

function pickRange(
  segment: Segment,
  startSeq: number,
  maxRecords: number,
  maxBytes: number,
): { firstIndex: number; endIndex: number } {
  const firstIndex = startSeq - segment.baseSeq;
  const start = segment.offsets[firstIndex] ?? 0;
  let endIndex = firstIndex + 1;
  while (endIndex < segment.offsets.length && endIndex - firstIndex < maxRecords) {
    const nextEnd = segment.offsets[endIndex + 1] ?? segment.byteLength;
    if (nextEnd - start > maxBytes) break;
    endIndex += 1;
  }
  return { firstIndex, endIndex };
}

async function readRange(path: string, start: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function readCursorPosition(path: string): Promise<number | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { position?: unknown };
    return typeof parsed.position === 'number' && parsed.position >= 0
      ? parsed.position
      : undefined;
  } catch {
    return undefined;
  }
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function spoolClosedError(): ExecwatchError {
  return new ExecwatchError('SPOOL_CLOSED', 'The spool is closed; no more alerts can be stored');
}

const crcTable = Array.from({ length: 256 }, (_, byte) => {
  let value = byte;
  for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

/** CRC-32 (IEEE 802.3, as zlib computes it). */
export function crc32Fallback(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

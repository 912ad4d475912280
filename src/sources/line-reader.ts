/**
 * Lines of a recording: plain or gzip files, a growing file (follow), or a stream such as stdin.
 *
 * Approach: a chain of async generators over large chunks, never over single lines, because this
 * is the hot path of replay. A file is read in 1 MiB reads, one read ahead of the consumer;
 * gzip is recognised by its magic bytes (not its name) and inflated by zlib; the splitter cuts
 * bytes at newlines before decoding (so multi-byte characters that straddle chunks stay whole; a
 * pure-ASCII piece is decoded as Latin-1, the same text for less work) and hands out each
 * chunk's complete lines as one array.
 * Following a file polls its size every `pollIntervalMs` at the end, like `tail -f`, and starts
 * over from the beginning when the file shrinks (truncated in place by a rotation).
 *
 * Invariant: a line is handed out once it is complete (ends in a newline), or at the end of a
 * non-followed input; in follow mode a trailing partial line waits for its newline, and is
 * dropped if the reader stops first (its writer had not finished it). Trailing `\r` is removed.
 */
import type { FileHandle } from 'node:fs/promises';
import { isAscii } from 'node:buffer';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

import { quoteValueLikeIntegers, quoteValueLikeIntegersInBytes } from '../normalize/index.js';

const READ_CHUNK_BYTES = 1024 * 1024;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** Says when the reader is stopped, so waits and reads can end early. */
export class StopSignal {
  private readonly listeners = new Set<() => void>();
  private isStopped = false;

  get stopped(): boolean {
    return this.isStopped;
  }

  stop(): void {
    if (this.isStopped) return;
    this.isStopped = true;
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
  }

  /** Calls `listener` once at stop (at once if already stopped); returns its remover. */
  onStop(listener: () => void): () => void {
    if (this.isStopped) {
      listener();
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface FileChunkOptions {
  follow: boolean;
  pollIntervalMs: number;
  signal: StopSignal;
  /** Called with the count of raw (possibly compressed) bytes after each read. */
  onBytes: (bytesRead: number) => void;
}

/**
 * The raw bytes of an open file; in follow mode it waits for more until stopped. Each read is
 * started before the previous chunk is handed out, so the disk works while the consumer parses.
 */
export async function* readFileChunks(
  handle: FileHandle,
  options: FileChunkOptions,
): AsyncGenerator<Buffer> {
  let position = 0;
  let next = readChunk(handle, position);
  try {
    while (!options.signal.stopped) {
      const chunk = await next;
      if (chunk.length > 0) {
        position += chunk.length;
        next = readChunk(handle, position);
        options.onBytes(position);
        yield chunk;
        continue;
      }
      if (!options.follow) return;

      await waitOrStop(options.pollIntervalMs, options.signal);
      const { size } = await handle.stat();
      if (size < position) position = 0;
      next = readChunk(handle, position);
    }
  } finally {
    // The caller closes the file after this: a read still in flight must end first.
    await next.catch(() => undefined);
  }
}

/**
 * The bytes at `position` (empty at the end), in a fresh buffer (the consumer may still hold the
 * previous chunk's bytes). A failure is marked handled here and surfaces where it is awaited.
 */
function readChunk(handle: FileHandle, position: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  const read = handle
    .read(buffer, 0, buffer.length, position)
    .then(({ bytesRead }) => buffer.subarray(0, bytesRead));
  read.catch(() => undefined);
  return read;
}

/** Chunks of a stream (stdin), ending early when the reader stops. */
export async function* readStreamChunks(
  stream: NodeJS.ReadableStream,
  signal: StopSignal,
  onBytes: (bytesRead: number) => void,
): AsyncGenerator<Buffer> {
  const iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  let total = 0;
  try {
    for (;;) {
      const next = await nextOrStop(iterator, signal);
      if (next === undefined || next.done === true) return;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      total += chunk.length;
      onBytes(total);
      yield chunk;
    }
  } finally {
    void iterator.return?.();
  }
}

/** Whether bytes start with the gzip magic number. */
export function isGzipHeader(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** The chunks inflated when they start with the gzip magic number, else as they are. */
export async function* inflateIfGzip(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < GZIP_MAGIC.length) {
    const next = await iterator.next();
    if (next.done === true) break;
    head.push(next.value);
    headBytes += next.value.length;
  }
  const all = prepend(head, iterator);

  if (!isGzipHeader(Buffer.concat(head))) {
    yield* all;
    return;
  }
  yield* inflate(all);
}

async function* prepend(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  for (;;) {
    const next = await rest.next();
    if (next.done === true) return;
    yield next.value;
  }
}

async function* inflate(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const source = Readable.from(chunks, { objectMode: false });
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } finally {
    source.destroy();
  }
}

/**
 * One chunk's complete lines, ready for the JSON line parser (`parseGuessedJsonLine`):
 * `guessed[i]` is line i with the big-integer guess of normalize/eslogger-json.ts applied,
 * `original(i)` the line as read.
 */
export interface LineBatch {
  readonly guessed: readonly string[];
  original(index: number): string;
}

/**
 * Complete lines, a batch per chunk. `flushPartial` says whether an unterminated last line is
 * a line (a finished file) or an unfinished write (a followed file).
 *
 * Lines are cut at the chunk's last newline byte before decoding: 0x0A never occurs inside a
 * multi-byte UTF-8 sequence, so each decoded piece is whole and the native `split` does the rest.
 * A pure-ASCII piece (nearly every one) gets the big-integer guess on its bytes, before it is
 * decoded: its lines are then slices of one string, with no string built per line.
 */
export async function* splitLines(
  chunks: AsyncIterable<Buffer>,
  flushPartial: boolean,
): AsyncGenerator<LineBatch> {
  let carried: Buffer[] = [];
  let carriedBytes = 0;

  for await (const chunk of chunks) {
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      carried.push(chunk);
      carriedBytes += chunk.length;
      // Input without newlines (not a recording) must not grow memory without bound: past the
      // limit the bytes so far are handed out as one line, which then fails to parse.
      if (carriedBytes > MAX_LINE_BYTES) {
        yield batchOfLines([decode(Buffer.concat(carried))]);
        carried = [];
        carriedBytes = 0;
      }
      continue;
    }

    // The line begun in earlier chunks is joined on its own, so the chunk is never copied whole.
    const bodyStart = carried.length === 0 ? 0 : chunk.indexOf(NEWLINE) + 1;
    if (carried.length > 0) {
      const head = Buffer.concat([...carried, chunk.subarray(0, bodyStart - 1)]);
      yield batchOfLines(toLines(decode(head)));
    }
    if (bodyStart <= lastNewline) yield batchOfBytes(chunk.subarray(bodyStart, lastNewline));
    carried = lastNewline + 1 < chunk.length ? [chunk.subarray(lastNewline + 1)] : [];
    carriedBytes = chunk.length - lastNewline - 1;
  }

  const rest = decode(Buffer.concat(carried));
  if (flushPartial && rest.length > 0) yield batchOfLines(toLines(rest));
}

const NEWLINE = 0x0a;
/** Longest line kept whole; an exec with ARG_MAX of arguments and its environment is far less. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** The lines of `bytes` (whole lines, without the last newline). */
function batchOfBytes(bytes: Buffer): LineBatch {
  if (!isAscii(bytes)) return batchOfLines(toLines(bytes.toString('utf8')));

  const quoted = quoteValueLikeIntegersInBytes(bytes);
  const guessed = toLines(quoted.toString('latin1'));
  if (quoted === bytes) return { guessed, original: (index) => guessed[index] ?? '' };
  // Quotes were added: the lines as read are decoded again only if a guess fails.
  let originals: string[] | undefined;
  return {
    guessed,
    original: (index) => (originals ??= toLines(bytes.toString('latin1')))[index] ?? '',
  };
}

function batchOfLines(lines: string[]): LineBatch {
  return {
    guessed: lines.map((line) => quoteValueLikeIntegers(line)),
    original: (index) => lines[index] ?? '',
  };
}

/**
 * The text of `bytes`. Recordings are almost always pure ASCII, which decodes byte for byte as
 * Latin-1, several times faster than the UTF-8 decoder; anything else takes the UTF-8 path, so
 * the text is the same either way.
 */
function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

function toLines(text: string): string[] {
  const lines = text.split('\n');
  if (!text.includes('\r')) return lines;
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/** Waits `ms`, or less when the reader stops meanwhile. */
function waitOrStop(ms: number, signal: StopSignal): Promise<void> {
  return new Promise((resolve) => {
    let removeListener = (): void => undefined;
    const timer = setTimeout(() => {
      removeListener();
      resolve();
    }, ms);
    removeListener = signal.onStop(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The iterator's next result, or undefined when the reader stops first. */
function nextOrStop<T>(
  iterator: AsyncIterator<T>,
  signal: StopSignal,
): Promise<IteratorResult<T> | undefined> {
  return new Promise((resolve, reject) => {
    const removeListener = signal.onStop(() => resolve(undefined));
    iterator.next().then(
      (result) => {
        removeListener();
        resolve(result);
      },
      (error: unknown) => {
        removeListener();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

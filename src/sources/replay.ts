/**
 * The replay source: recordings read back as source records, one per line, in file order.
 *
 * Approach: for each path in turn, open it (or stdin for `-`), inflate it when it starts with the
 * gzip magic number, split it into lines (line-reader.ts), parse each line with the big-int-safe
 * JSON parser only when its record is asked for, and tag it `es-message` or `ecs` by the file's
 * format. One async generator serves all paths, a chunk of lines at a time (see readBatches). With
 * `format: 'auto'` the first line that looks like either decides for the whole file.
 *
 * Contract: a bad line is a `malformed` record with file, line and column, and reading goes on.
 * Blank lines are skipped (but counted for line numbers). A file that cannot be opened or read
 * (missing, permission, a directory, a corrupt gzip stream) throws an `ExecwatchError` with code
 * `INPUT_UNREADABLE` from the iteration, after the records of the files before it. `follow`
 * keeps reading a plain file as it grows until `stop()`, so it is meant for one path (a path
 * after a followed file is never reached); a gzip file is read to its end (a compressed stream
 * is not appended to while read), and stdin is followed by nature.
 */
import { open, type FileHandle } from 'node:fs/promises';

import { parseGuessedJsonLine } from '../normalize/index.js';
import { ExecwatchError } from '../shared/errors.js';
import type { EcsDocument, EventOrigin } from '../shared/types.js';
import { detectRecordFormat, type RecordingFormat } from './format-detect.js';
import {
  inflateIfGzip,
  isGzipHeader,
  readFileChunks,
  readStreamChunks,
  splitLines,
  StopSignal,
  type LineBatch,
} from './line-reader.js';
import type { EventSource, SourceRecord } from './types.js';

export interface ReplayProgress {
  /** Raw bytes read so far from `file` (compressed bytes for gzip). */
  bytesRead: number;
  /** The file's size, or null for stdin. */
  totalBytes: number | null;
  file: string;
}

export interface ReplaySourceOptions {
  /** Recordings to read in order; `-` is standard input. */
  paths: string[];
  /** `auto` (default) detects each file's format from its first recognisable line. */
  format?: 'auto' | RecordingFormat;
  /** The stream `-` reads; defaults to `process.stdin`. */
  stdin?: NodeJS.ReadableStream;
  /** Keep reading files as they grow, until `stop()`. */
  follow?: boolean;
  /** How often a followed file is checked for new data. Default 250 ms. */
  pollIntervalMs?: number;
  onProgress?: (progress: ReplayProgress) => void;
}

export const REPLAY_DEFAULTS = { pollIntervalMs: 250 } as const;

const STDIN_PATH = '-';

/** Creates a source that replays recordings; see the module comment for its contract. */
export function createReplaySource(options: ReplaySourceOptions): EventSource {
  const signal = new StopSignal();
  return {
    name: 'replay',
    records: () => recordsOf(readBatches(options, signal)),
    batches: () => readBatches(options, signal),
    stop: () => {
      signal.stop();
      return Promise.resolve();
    },
  };
}

/**
 * One async generator for every path, yielding each chunk's records as a lazy iterable: a chunk
 * crosses one async boundary on its way to the consumer (a generator per record, or nested
 * generators, would add a promise per record per level), and each line is parsed only when its
 * record is reached, so a parsed message dies young.
 */
async function* readBatches(
  options: ReplaySourceOptions,
  signal: StopSignal,
): AsyncGenerator<Iterable<SourceRecord>> {
  for (const path of options.paths) {
    if (signal.stopped) return;
    const recording = await openLines(path, options, signal);
    const records = new LineRecords(path, options.format ?? 'auto');
    try {
      for await (const batch of recording.lines) {
        if (signal.stopped) return;
        yield records.recordsOf(batch, signal);
      }
    } catch (error) {
      throw asUnreadable(error, path);
    } finally {
      await recording.close();
    }
  }
}

async function* recordsOf(
  batches: AsyncIterable<Iterable<SourceRecord>>,
): AsyncGenerator<SourceRecord> {
  for await (const batch of batches) yield* batch;
}

interface OpenRecording {
  lines: AsyncIterable<LineBatch>;
  close: () => Promise<void>;
}

/** The lines of one recording (stdin for `-`), not yet read; `close` releases the file. */
async function openLines(
  path: string,
  options: ReplaySourceOptions,
  signal: StopSignal,
): Promise<OpenRecording> {
  const handle = path === STDIN_PATH ? undefined : await openRecording(path);
  try {
    const totalBytes = handle === undefined ? null : (await handle.stat()).size;
    const report = (bytesRead: number): void =>
      options.onProgress?.({ bytesRead, totalBytes, file: path });
    const follow = options.follow === true && handle !== undefined && !(await isGzipFile(handle));

    const raw =
      handle === undefined
        ? readStreamChunks(options.stdin ?? process.stdin, signal, report)
        : readFileChunks(handle, {
            follow,
            pollIntervalMs: options.pollIntervalMs ?? REPLAY_DEFAULTS.pollIntervalMs,
            signal,
            onBytes: report,
          });
    return {
      lines: splitLines(inflateIfGzip(raw), !follow),
      close: async () => handle?.close(),
    };
  } catch (error) {
    await handle?.close();
    throw asUnreadable(error, path);
  }
}

/** Source records of one file's lines, in order: numbers lines and settles the file's format. */
class LineRecords {
  private format: RecordingFormat | undefined;
  private lineNumber = 0;

  constructor(
    private readonly file: string,
    requested: 'auto' | RecordingFormat,
  ) {
    this.format = requested === 'auto' ? undefined : requested;
  }

  /** The records of the next lines, read one by one as the consumer reaches them. */
  *recordsOf(batch: LineBatch, signal: StopSignal): Generator<SourceRecord> {
    const { guessed } = batch;
    for (let index = 0; index < guessed.length; index += 1) {
      if (signal.stopped) return;
      const record = this.recordOf(guessed[index] ?? '', () => batch.original(index));
      if (record !== undefined) yield record;
    }
  }

  /**
   * The record of the next line (`guessed`, see `LineBatch`; `original` as read), or undefined
   * for a blank line.
   */
  recordOf(guessed: string, original: () => string): SourceRecord | undefined {
    this.lineNumber += 1;
    if (isBlank(guessed)) return undefined;

    const origin: EventOrigin = { source: 'replay', file: this.file, line: this.lineNumber };
    const parsed = parseLine(guessed, original, origin);
    if (parsed.kind === 'malformed') return parsed;

    this.format ??= detectRecordFormat(parsed.value);
    if (this.format === undefined) return undetectable(original(), origin);
    if (this.format === 'eslogger') return { kind: 'es-message', message: parsed.value, origin };
    return { kind: 'ecs', document: parsed.value as EcsDocument, origin };
  }
}

type ParsedLine =
  { kind: 'object'; value: Record<string, unknown> } | Extract<SourceRecord, { kind: 'malformed' }>;

function parseLine(guessed: string, original: () => string, origin: EventOrigin): ParsedLine {
  const where = { file: origin.file ?? STDIN_PATH, line: origin.line ?? 0 };
  let value: unknown;
  try {
    value = parseGuessedJsonLine(guessed, original, where);
  } catch (error) {
    if (error instanceof ExecwatchError) return { kind: 'malformed', error, origin };
    throw error;
  }

  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject) return { kind: 'object', value: value as Record<string, unknown> };
  const error = new ExecwatchError('MALFORMED_RECORD', 'Expected a JSON object on each line', {
    location: { ...where, column: firstNonBlankColumn(original()) },
  });
  return { kind: 'malformed', error, origin };
}

function undetectable(line: string, origin: EventOrigin): SourceRecord {
  const message =
    'Cannot tell the recording format: expected an eslogger message (event_type, event, ' +
    'process) or an ECS document (@timestamp, event.category); pass --format to choose';
  const error = new ExecwatchError('MALFORMED_RECORD', message, {
    location: {
      file: origin.file ?? STDIN_PATH,
      line: origin.line ?? 0,
      column: firstNonBlankColumn(line),
    },
  });
  return { kind: 'malformed', error, origin };
}

async function isGzipFile(handle: FileHandle): Promise<boolean> {
  const head = Buffer.alloc(2);
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  return isGzipHeader(head.subarray(0, bytesRead));
}

async function openRecording(path: string): Promise<FileHandle> {
  try {
    const handle = await open(path, 'r');
    const stats = await handle.stat();
    if (stats.isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    return handle;
  } catch (error) {
    throw asUnreadable(error, path);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  Z_DATA_ERROR: 'it is not a valid gzip stream',
  Z_BUF_ERROR: 'the gzip stream ends early (truncated file)',
};

function asUnreadable(error: unknown, path: string): unknown {
  if (error instanceof ExecwatchError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const reason =
    (typeof code === 'string' ? REASONS[code] : undefined) ??
    (error instanceof Error ? error.message : String(error));
  const shown = path === STDIN_PATH ? 'standard input' : path;
  return new ExecwatchError('INPUT_UNREADABLE', `Cannot read recording ${shown}: ${reason}`, {
    cause: error,
    location: { file: path },
  });
}

function isBlank(line: string): boolean {
  return line.length === 0 || (line.charCodeAt(0) <= 0x20 && line.trim() === '');
}

function firstNonBlankColumn(line: string): number {
  const match = /\S/.exec(line);
  return match === null ? 1 : match.index + 1;
}

/**
 * The one interface every event source implements: the native Endpoint Security addon, the
 * eslogger subprocess and replayed recordings. A source yields records; it never normalizes and
 * never logs. A bad line is a `malformed` record (counted and reported by the pipeline), never
 * an exception that ends the stream.
 */
import type { ExecwatchError } from '../shared/errors.js';
import type { EcsDocument, EventOrigin } from '../shared/types.js';

/** One raw Endpoint Security message in eslogger's JSON shape (see src/normalize). */
export type EsMessageRecord = { kind: 'es-message'; message: unknown; origin: EventOrigin };

/** An ECS document read from an ECS NDJSON recording. */
export type EcsRecord = { kind: 'ecs'; document: EcsDocument; origin: EventOrigin };

/** A line that could not be read; `error.location` says file, line and column. */
export type MalformedRecord = { kind: 'malformed'; error: ExecwatchError; origin: EventOrigin };

export type SourceRecord = EsMessageRecord | EcsRecord | MalformedRecord;

export interface EventSource {
  /** `replay`, `eslogger` or `endpoint-security`, for logs and status. */
  readonly name: string;
  /** The records, in arrival order. Ends when the recording ends or the source is stopped. */
  records(): AsyncIterable<SourceRecord>;
  /**
   * The same records a chunk at a time, offered by sources that read in chunks, so a consumer
   * crosses one async step per chunk instead of one per record. Each chunk is lazy (a record is
   * read when reached) and must be consumed whole, in order, before the next one is asked for.
   */
  batches?(): AsyncIterable<Iterable<SourceRecord>>;
  /** Stops reading; the iterator of `records()` then ends. Safe to call twice. */
  stop(): Promise<void>;
}

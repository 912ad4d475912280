/**
 * Turns source records into normalized ECS events and hands each to a consumer, counting what it
 * could not use. Nothing here throws for bad input: a malformed record or a message the
 * normalizer rejects is counted and passed to `onProblem`, and the stream goes on.
 */
import type { Normalizer } from '../normalize/index.js';
import type { ExecwatchError } from '../shared/errors.js';
import type { EcsDocument, EventOrigin } from '../shared/types.js';
import type { EventSource, SourceRecord } from '../sources/types.js';

export interface PipelineStats {
  records: number;
  events: number;
  malformed: number;
  skipped: number;
  /** Skipped messages by reason (for example an event type execwatch does not use). */
  skippedByReason: Record<string, number>;
}

export interface EventPipelineOptions {
  normalizer: Normalizer;
  onEvent: (event: EcsDocument, origin: EventOrigin) => void;
  /** A malformed line or an unusable message, already positioned (file, line, column). */
  onProblem?: (error: ExecwatchError) => void;
}

export interface EventPipeline {
  handle(record: SourceRecord): void;
  stats(): PipelineStats;
}

export function createEventPipeline(options: EventPipelineOptions): EventPipeline {
  const stats: PipelineStats = {
    records: 0,
    events: 0,
    malformed: 0,
    skipped: 0,
    skippedByReason: {},
  };

  function reportProblem(error: ExecwatchError): void {
    stats.malformed += 1;
    options.onProblem?.(error);
  }

  function handle(record: SourceRecord): void {
    stats.records += 1;
    if (record.kind === 'malformed') {
      reportProblem(record.error);
      return;
    }

    const outcome =
      record.kind === 'es-message'
        ? options.normalizer.normalize(record.message, record.origin)
        : options.normalizer.normalizeEcs(record.document, record.origin);

    switch (outcome.kind) {
      case 'event':
        stats.events += 1;
        options.onEvent(outcome.event, record.origin);
        return;
      case 'skipped':
        stats.skipped += 1;
        stats.skippedByReason[outcome.reason] = (stats.skippedByReason[outcome.reason] ?? 0) + 1;
        return;
      case 'malformed':
        reportProblem(outcome.error);
        return;
    }
  }

  return { handle, stats: () => structuredClone(stats) };
}

/**
 * Feeds every record of a source to `handle` until the source ends, a chunk at a time when the
 * source offers chunks. Yields to the event loop every `batchRecords` records so timers
 * (progress, signals, delivery) keep running during a long replay.
 */
export async function drainSource(
  source: EventSource,
  handle: (record: SourceRecord) => void,
  batchRecords = 4096,
): Promise<void> {
  let sinceYield = 0;
  /** Handles one record; true when it is time to let the event loop run. */
  const feed = (record: SourceRecord): boolean => {
    handle(record);
    sinceYield += 1;
    if (sinceYield < batchRecords) return false;
    sinceYield = 0;
    return true;
  };
  const letEventLoopRun = () => new Promise<void>((resolve) => setImmediate(resolve));

  if (source.batches === undefined) {
    for await (const record of source.records()) if (feed(record)) await letEventLoopRun();
    return;
  }
  for await (const batch of source.batches()) {
    for (const record of batch) if (feed(record)) await letEventLoopRun();
  }
}

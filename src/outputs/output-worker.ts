/**
 * One output's delivery loop: wait until a batch is due, read it from the spool at this
 * output's cursor, send it with retries, dead-letter what the collector refused, and only then
 * move the cursor. Each output has its own loop, cursor and timers, so a slow or dead collector
 * holds back nobody but itself, and submit() never waits on any of them.
 */
import { describeError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { decideBatch, type BatchLimits } from './batcher.js';
import type { DeadLetterEntry, DeadLetterFile } from './dead-letter.js';
import type { RetryPolicy } from './retry-policy.js';
import type { Sender } from './sender.js';
import type { SpoolCursor, SpoolRecord } from './spool.js';
import { OutputCounters, type OutputStats } from './stats.js';
import type { Timers } from './timers.js';
import { retryUntilSettled, Wakeup } from './with-retry.js';

export interface OutputWorkerOptions {
  name: string;
  type: string;
  sender: Sender;
  cursor: SpoolCursor;
  deadLetter: DeadLetterFile;
  limits: BatchLimits;
  policy: RetryPolicy;
  timers: Timers;
  now: () => number;
  random: () => number;
  logger: Logger;
  counters?: OutputCounters;
}

/** Pause after an unexpected failure of the loop itself (a spool read error), not a send. */
const loopFailurePauseMs = 1000;

export class OutputWorker {
  readonly name: string;
  readonly counters: OutputCounters;
  private readonly wakeup = new Wakeup();
  private readonly hurry = new Wakeup();
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private loop: Promise<void> | undefined;
  private firstPendingAtMs: number | undefined;
  private flushWaiters: { targetSeq: number; resolve: () => void }[] = [];

  constructor(private readonly options: OutputWorkerOptions) {
    this.name = options.name;
    this.counters = options.counters ?? new OutputCounters();
    this.logger = options.logger.child({ component: 'output', output: options.name });
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** New records are in the spool. */
  notify(): void {
    this.wakeup.wake();
  }

  /** Resolves when everything before `targetSeq` is delivered; sends now, skipping waits. */
  flush(targetSeq: number): Promise<void> {
    if (this.options.cursor.position >= targetSeq) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.flushWaiters.push({ targetSeq, resolve }));
    this.wakeup.wake();
    this.hurry.wake();
    return done;
  }

  /** Ends the loop (an in-flight send is aborted and will be resent next run) and the sender. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wakeup.wake();
    this.hurry.wake();
    await this.loop;
    await this.options.sender.close();
  }

  stats(): OutputStats {
    const depth = this.options.cursor.pendingRecords();
    return this.counters.snapshot(this.options.name, this.options.type, depth);
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        await this.step();
      } catch (error) {
        this.counters.lastError = describeError(error);
        this.logger.error('output loop failed; pausing', { err: error });
        await this.wakeup.wait(this.options.timers, loopFailurePauseMs, this.abort.signal);
      }
    }
  }

  private async step(): Promise<void> {
    const { cursor, timers, now, limits } = this.options;
    const pendingEvents = cursor.pendingRecords();
    this.releaseFlushWaiters();
    if (pendingEvents === 0) {
      this.firstPendingAtMs = undefined;
      await this.wakeup.wait(timers, undefined, this.abort.signal);
      return;
    }

    this.firstPendingAtMs ??= now();
    const isFullByCount = pendingEvents >= limits.maxBatchEvents;
    const decision = decideBatch(
      {
        pendingEvents,
        pendingBytes: isFullByCount ? 0 : cursor.pendingBytes(),
        waitedMs: now() - this.firstPendingAtMs,
        flushRequested: this.flushWaiters.length > 0,
      },
      limits,
    );
    if (decision.kind === 'wait') {
      await this.wakeup.wait(timers, decision.waitMs, this.abort.signal);
      return;
    }

    await this.sendNextBatch();
    this.firstPendingAtMs = cursor.pendingRecords() > 0 ? now() : undefined;
  }

  private async sendNextBatch(): Promise<void> {
    const { cursor, limits, sender } = this.options;
    const records = await cursor.read(limits.maxBatchEvents, limits.maxBatchBytes);
    const last = records.at(-1);
    if (last === undefined) return;

    const refused: DeadLetterEntry[] = [];
    const result = await retryUntilSettled(records, (items, signal) => sender.send(items, signal), {
      policy: this.options.policy,
      timers: this.options.timers,
      random: this.options.random,
      signal: this.abort.signal,
      hurry: this.hurry,
      hooks: {
        onAttempt: (items) => {
          this.counters.sent += items.length;
        },
        onDelivered: (items) => {
          this.counters.confirmed += items.length;
          this.counters.lastSuccessAtMs = this.options.now();
        },
        onRejected: (item, reason, status) => {
          refused.push({ output: this.options.name, reason, status, payload: item.payload });
        },
        onRetry: (items, error, delayMs) => this.noteRetry(items, error, delayMs),
      },
    });
    if (result === 'stopped') return;

    await this.deadLetter(refused);
    await cursor.commit(last.seq + 1);
  }

  private noteRetry(items: SpoolRecord[], error: Error, delayMs: number): void {
    this.counters.retried += items.length;
    this.counters.lastError = describeError(error);
    this.logger.warn('delivery failed; will retry', { alerts: items.length, delayMs, err: error });
  }

  private async deadLetter(refused: DeadLetterEntry[]): Promise<void> {
    if (refused.length === 0) return;
    await this.options.deadLetter.write(refused);
    this.counters.deadLettered += refused.length;
    this.counters.lastError = refused.at(-1)?.reason;
    this.logger.error('collector refused alerts; written to the dead-letter file', {
      alerts: refused.length,
      path: this.options.deadLetter.path,
      reason: refused[0]?.reason,
    });
  }

  private releaseFlushWaiters(): void {
    const position = this.options.cursor.position;
    const stillWaiting = this.flushWaiters.filter((waiter) => waiter.targetSeq > position);
    for (const waiter of this.flushWaiters) if (waiter.targetSeq <= position) waiter.resolve();
    this.flushWaiters = stillWaiting;
  }
}

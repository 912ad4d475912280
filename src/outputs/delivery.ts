/**
 * Delivery: the spool plus one worker per configured output. submit() writes the alert to the
 * spool and returns; each worker picks it up on its own schedule. start() opens the spool, so
 * alerts a previous run left undelivered go out first; close() flushes within a deadline and
 * leaves whatever is still undelivered in the spool for the next run.
 */
import { join } from 'node:path';

import { ExecwatchError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { EcsDocument } from '../shared/types.js';
import {
  outputName,
  outputsConfigSchema,
  spoolConfigSchema,
  type OutputConfig,
  type OutputConfigInput,
  type SpoolConfig,
  type SpoolConfigInput,
} from './config-schema.js';
import { DeadLetterFile } from './dead-letter.js';
import { createElasticsearchSender } from './elasticsearch.js';
import { createFileSender } from './file.js';
import { createHttpSender } from './http-ndjson.js';
import { OutputWorker } from './output-worker.js';
import type { Sender, SenderContext } from './sender.js';
import { createSplunkSender } from './splunk-hec.js';
import { Spool } from './spool.js';
import { OutputCounters, type OutputStats } from './stats.js';
import { createSyslogSender } from './syslog.js';
import { systemTimers, unrefTimer, type TimerHandle, type Timers } from './timers.js';

export interface DeliveryOptions {
  outputs: OutputConfigInput[];
  spool: SpoolConfigInput;
  logger: Logger;
  now?: () => number;
  timers?: Timers;
  /** In [0, 1), for retry jitter. */
  random?: () => number;
  /** How often counters are logged; 0 turns the log line off. */
  statsIntervalMs?: number;
  /** Builds the sender of an output; the protocol senders by default (tests pass their own). */
  createSender?: (output: OutputConfig, context: SenderContext) => Sender;
}

export interface SpoolStats {
  directory: string;
  sizeBytes: number;
  segments: number;
  tornRecords: number;
  droppedRecords: number;
}

export interface Delivery {
  /** Opens the spool; undelivered alerts from a previous run go out. */
  start(): Promise<void>;
  /** Resolves once the alert is in the spool (per the fsync policy); never waits on a collector. */
  submit(alert: EcsDocument): Promise<void>;
  /** Tries to deliver everything queued so far, for at most `timeoutMs`. */
  flush(timeoutMs: number): Promise<void>;
  /** Stops timers, flushes within `deadlineMs`, closes files and sockets. */
  close(deadlineMs: number): Promise<void>;
  /** Counters per output. */
  stats(): OutputStats[];
  spoolStats(): SpoolStats;
}

export function createDelivery(options: DeliveryOptions): Delivery {
  const outputs = outputsConfigSchema.parse(options.outputs);
  const spoolConfig = spoolConfigSchema.parse(options.spool);
  const logger = options.logger.child({ component: 'delivery' });
  const timers = options.timers ?? systemTimers;
  const now = options.now ?? Date.now;
  const statsIntervalMs = options.statsIntervalMs ?? 60_000;

  let spool: Spool | undefined;
  let workers: OutputWorker[] = [];
  let statsTimer: TimerHandle | undefined;

  const stats = (): OutputStats[] => workers.map((worker) => worker.stats());

  const flush = async (timeoutMs: number): Promise<void> => {
    if (spool === undefined || timeoutMs <= 0) return;
    const targetSeq = spool.nextSeq();
    let timer: TimerHandle | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = timers.setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const delivered = Promise.all(workers.map((worker) => worker.flush(targetSeq)));
    const result = await Promise.race([delivered, timedOut]);
    timers.clearTimeout(timer);
    if (result === 'timeout') {
      logger.warn('flush ended before every alert was delivered', { timeoutMs, outputs: stats() });
    }
  };

  return {
    async start() {
      if (spool !== undefined) return;
      const opened = await Spool.open({ ...spoolConfig, logger: options.logger, timers });
      let built: OutputWorker[];
      try {
        built = await buildWorkers(outputs, opened, spoolConfig, { ...options, timers, now });
      } catch (error) {
        await opened.close();
        throw error;
      }
      spool = opened;
      workers = built;

      opened.onAppend(() => workers.forEach((worker) => worker.notify()));
      opened.onDrop((drop) => {
        const worker = workers.find((candidate) => candidate.name === drop.output);
        if (worker !== undefined) worker.counters.dropped += drop.records;
      });
      workers.forEach((worker) => worker.start());
      logStartup(logger, opened, workers);

      if (statsIntervalMs > 0) {
        statsTimer = timers.setInterval(
          () => logger.info('delivery stats', { outputs: stats() }),
          statsIntervalMs,
        );
        unrefTimer(statsTimer);
      }
    },

    async submit(alert) {
      if (spool === undefined) {
        throw new ExecwatchError('DELIVERY_NOT_STARTED', 'submit() was called before start()');
      }
      await spool.append(Buffer.from(JSON.stringify(alert), 'utf8'));
    },

    flush,

    async close(deadlineMs) {
      if (spool === undefined) return;
      if (statsTimer !== undefined) timers.clearInterval(statsTimer);
      await flush(deadlineMs);

      await Promise.all(workers.map((worker) => worker.stop()));
      await spool.close();
      logger.info('delivery closed', { outputs: stats() });
      spool = undefined;
    },

    stats,

    spoolStats() {
      return {
        directory: spoolConfig.directory,
        sizeBytes: spool?.sizeBytes() ?? 0,
        segments: spool?.segmentCount() ?? 0,
        tornRecords: spool?.tornRecords ?? 0,
        droppedRecords: spool?.droppedRecords ?? 0,
      };
    },
  };
}

interface WorkerEnvironment {
  logger: Logger;
  timers: Timers;
  now: () => number;
  random?: () => number;
  createSender?: (output: OutputConfig, context: SenderContext) => Sender;
}

async function buildWorkers(
  outputs: OutputConfig[],
  spool: Spool,
  spoolConfig: SpoolConfig,
  environment: WorkerEnvironment,
): Promise<OutputWorker[]> {
  const workers: OutputWorker[] = [];
  for (const output of outputs) {
    const name = outputName(output);
    const counters = new OutputCounters();
    const context: SenderContext = {
      name,
      logger: environment.logger,
      counters,
      now: environment.now,
    };
    const sender = (environment.createSender ?? createSender)(output, context);
    const deadLetterPath =
      output.deadLetterPath ?? join(spoolConfig.directory, 'dead-letter', `${name}.ndjson`);

    workers.push(
      new OutputWorker({
        name,
        type: output.type,
        sender,
        cursor: await spool.cursor(name),
        deadLetter: new DeadLetterFile(
          deadLetterPath,
          environment.logger,
          undefined,
          environment.now,
        ),
        limits: output,
        policy: output.retry,
        timers: environment.timers,
        now: environment.now,
        random: environment.random ?? Math.random,
        logger: environment.logger,
        counters,
      }),
    );
  }
  return workers;
}

/** The protocol sender for an output's configuration. */
export function createSender(output: OutputConfig, context: SenderContext): Sender {
  switch (output.type) {
    case 'elasticsearch':
      return createElasticsearchSender(output, context);
    case 'http':
      return createHttpSender(output, context);
    case 'splunk':
      return createSplunkSender(output, context);
    case 'syslog':
      return createSyslogSender(output, context);
    case 'file':
      return createFileSender(output);
  }
}

function logStartup(logger: Logger, spool: Spool, workers: OutputWorker[]): void {
  logger.info('delivery started', {
    spoolBytes: spool.sizeBytes(),
    tornRecords: spool.tornRecords,
    outputs: workers.map((worker) => ({
      name: worker.name,
      queueDepth: worker.stats().queueDepth,
    })),
  });
  if (spool.tornRecords > 0) {
    logger.warn('the spool had torn records from an interrupted write; they were skipped', {
      tornRecords: spool.tornRecords,
    });
  }
}

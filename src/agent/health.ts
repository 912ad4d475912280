/**
 * The agent's health report: every `statusIntervalMs` it gathers the counters of the running
 * parts (source, pipeline, rules, delivery, notifier) into an `AgentStatus` and replaces the
 * status file atomically. Events per second are measured between two consecutive reports.
 * A failed write is logged and tried again at the next interval; it never stops the agent.
 */
import type { LoadedConfig } from '../config/index.js';
import type { Notifier } from '../notify/index.js';
import type { Delivery } from '../outputs/index.js';
import type { DetectionPipeline } from '../pipeline/index.js';
import type { LoadedRuleSet } from '../rules/index.js';
import { describeError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { JsonValue } from '../shared/types.js';
import type { EventSource } from '../sources/types.js';
import { errorField } from './log-error.js';
import { STATUS_FORMAT_VERSION, writeStatusFile } from './status-file.js';
import type { AgentStatus } from './status-file.js';

/** The running parts the report reads. */
export interface HealthSubject {
  loaded: LoadedConfig;
  ruleSet: LoadedRuleSet;
  delivery: Delivery;
  notifier: Notifier;
  pipeline: DetectionPipeline;
  source: EventSource;
}

export interface HealthReporterOptions {
  stateDir: string;
  intervalMs: number;
  version: string;
  sourceReason: string | null;
  now: () => number;
  logger: Logger;
}

export interface HealthReporter {
  /** Begins reporting on `subject`, which the agent updates in place on reload. */
  start(subject: HealthSubject): void;
  stop(): void;
  setState(state: AgentStatus['state']): void;
  recordError(error: unknown): void;
  /** After a reload: the rule count changed, and maybe the interval. */
  rulesReloaded(intervalMs: number): void;
  snapshot(): AgentStatus | null;
}

export function createHealthReporter(options: HealthReporterOptions): HealthReporter {
  const startedAt = new Date(options.now()).toISOString();
  let state: AgentStatus['state'] = 'starting';
  let lastError: AgentStatus['lastError'] = null;
  let rulesLoadedAt = startedAt;
  let timer: NodeJS.Timeout | undefined;
  let intervalMs = options.intervalMs;
  let previous = { events: 0, atMs: options.now() };
  let subject: HealthSubject | null = null;

  function snapshot(): AgentStatus | null {
    if (subject === null) return null;

    const nowMs = options.now();
    const pipelineStats = subject.pipeline.stats();
    const elapsedMs = nowMs - previous.atMs;
    const perSecond =
      elapsedMs <= 0 ? 0 : ((pipelineStats.events - previous.events) * 1000) / elapsedMs;
    previous = { events: pipelineStats.events, atMs: nowMs };
    const sourceStats = readSourceStats(subject.source);

    return {
      formatVersion: STATUS_FORMAT_VERSION,
      state,
      pid: process.pid,
      version: options.version,
      startedAt,
      updatedAt: new Date(nowMs).toISOString(),
      statusIntervalMs: intervalMs,
      source: { name: subject.source.name, reason: options.sourceReason, stats: sourceStats },
      events: {
        records: pipelineStats.records,
        events: pipelineStats.events,
        malformed: pipelineStats.malformed,
        perSecond: Math.round(perSecond * 10) / 10,
      },
      drops: readDrops(sourceStats),
      rules: describeRules(subject.ruleSet, rulesLoadedAt),
      alerts: { raised: pipelineStats.alerts },
      outputs: toJson(subject.delivery.stats()),
      spool: toJson(subject.delivery.spoolStats()),
      notifications: toJson(subject.notifier.stats()),
      lastError,
      config: { sources: subject.loaded.sources },
    };
  }

  function write(): void {
    const status = snapshot();
    if (status === null) return;
    try {
      writeStatusFile(options.stateDir, status);
    } catch (error) {
      options.logger.warn('status file not written', {
        state_dir: options.stateDir,
        err: errorField(error),
      });
    }
  }

  function schedule(): void {
    clearInterval(timer);
    timer = setInterval(write, intervalMs);
    timer.unref();
  }

  return {
    start: (running) => {
      subject = running;
      state = 'running';
      write();
      schedule();
    },
    stop: () => {
      clearInterval(timer);
      write();
    },
    setState: (next) => {
      state = next;
      write();
    },
    recordError: (error) => {
      lastError = { message: describeError(error), at: new Date(options.now()).toISOString() };
    },
    rulesReloaded: (nextIntervalMs) => {
      rulesLoadedAt = new Date(options.now()).toISOString();
      if (nextIntervalMs !== intervalMs) {
        intervalMs = nextIntervalMs;
        schedule();
      }
      write();
    },
    snapshot,
  };
}

function describeRules(ruleSet: LoadedRuleSet, loadedAt: string): AgentStatus['rules'] {
  const count = (status: string) => ruleSet.reports.filter((r) => r.status === status).length;
  return {
    count: ruleSet.rules.length,
    loadedAt,
    errors: count('error'),
    unsupported: count('unsupported'),
  };
}

/** A live source may offer `stats()`; the replay source does not. */
function readSourceStats(source: EventSource): JsonValue {
  const withStats = source as EventSource & { stats?: () => unknown };
  return typeof withStats.stats === 'function' ? toJson(withStats.stats()) : null;
}

/**
 * Kernel drops (gaps in `global_seq_num`, from the addon) and queue drops (the addon's queue and
 * the channel after it); null when the source does not count them (eslogger, replay).
 */
function readDrops(stats: JsonValue): AgentStatus['drops'] {
  const record = stats !== null && typeof stats === 'object' && !Array.isArray(stats) ? stats : {};
  const kernel = record.kernelDrops;
  const kernelGlobal =
    kernel !== null && typeof kernel === 'object' && !Array.isArray(kernel)
      ? kernel.global
      : kernel;
  const queueParts = [record.queueDrops, record.channelDrops].filter(
    (value): value is number => typeof value === 'number',
  );
  return {
    kernel: typeof kernelGlobal === 'number' ? kernelGlobal : null,
    queue: queueParts.length === 0 ? null : queueParts.reduce((sum, value) => sum + value, 0),
  };
}

function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

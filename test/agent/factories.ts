import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AgentCollaborators, AgentStatus } from '../../src/agent/index.js';
import type { Delivery } from '../../src/outputs/index.js';
import type { EcsDocument } from '../../src/shared/types.js';
import type { EventSource, SourceRecord } from '../../src/sources/index.js';
import type { SeedProcess } from '../../src/process-table/index.js';

/** A source whose records the test pushes; it ends when stopped. */
export function createPushSource(): EventSource & { push(record: SourceRecord): void } {
  const waiting: SourceRecord[] = [];
  let wake: (() => void) | null = null;
  let isStopped = false;
  return {
    name: 'push',
    push: (record) => {
      waiting.push(record);
      wake?.();
    },
    async *records() {
      while (!isStopped || waiting.length > 0) {
        const next = waiting.shift();
        if (next !== undefined) yield next;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    stop: () => {
      isStopped = true;
      wake?.();
      return Promise.resolve();
    },
  };
}

/** A delivery that records what it got; `hangOnClose` makes close() never resolve. */
export function createRecordingDelivery(options: { hangOnClose?: boolean } = {}) {
  const submitted: EcsDocument[] = [];
  const calls: string[] = [];
  const delivery: Delivery = {
    start: () => Promise.resolve(),
    submit: (alert) => {
      submitted.push(alert);
      return Promise.resolve();
    },
    flush: () => {
      calls.push('flush');
      return Promise.resolve();
    },
    close: () => {
      calls.push('close');
      return options.hangOnClose === true ? new Promise<void>(() => undefined) : Promise.resolve();
    },
    stats: () => [],
    spoolStats: () => ({
      directory: '/x',
      sizeBytes: 0,
      segments: 0,
      tornRecords: 0,
      droppedRecords: 0,
    }),
  };
  return { delivery, submitted, calls };
}

export function makeCollaborators(
  source: EventSource,
  delivery: Delivery,
  runningAtStart: SeedProcess[] = [],
): AgentCollaborators {
  return {
    createSource: () => Promise.resolve({ source, reason: 'chosen by the test' }),
    createDelivery: () => delivery,
    loadRuleSet: () => Promise.resolve({ rules: [], reports: [] }),
    takeProcessSnapshot: () => Promise.resolve(runningAtStart),
  };
}

export function writeAgentConfig(settings: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'execwatch-agent-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({ agent: { stateDir: join(dir, 'state'), ...settings } }),
  );
  return { dir, configPath, stateDir: join(dir, 'state') };
}

export function makeStatus(overrides: Partial<AgentStatus> = {}): AgentStatus {
  return {
    formatVersion: 1,
    state: 'running',
    pid: 1234,
    version: '0.1.0',
    startedAt: '2026-12-03T10:00:00.000Z',
    updatedAt: '2026-12-03T10:00:10.000Z',
    statusIntervalMs: 5000,
    source: { name: 'eslogger', reason: 'the addon is not entitled', stats: null },
    events: { records: 10, events: 9, malformed: 1, perSecond: 2.5 },
    drops: { kernel: 3, queue: 0 },
    rules: { count: 12, loadedAt: '2026-12-03T10:00:00.000Z', errors: 0, unsupported: 2 },
    alerts: { raised: 4 },
    outputs: [{ name: 'es', type: 'elasticsearch', confirmed: 4, queueDepth: 0, lastError: null }],
    spool: null,
    notifications: null,
    lastError: null,
    config: { sources: ['defaults'] },
    ...overrides,
  };
}

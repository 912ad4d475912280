import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createHealthReporter } from '../../src/agent/health.js';
import type { HealthSubject } from '../../src/agent/health.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { createRecordingDelivery } from './factories.js';

let dir: string | undefined;

afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function makeSubject(counters: { events: number }, sourceStats: unknown): HealthSubject {
  const pipelineStats = () => ({
    records: counters.events,
    events: counters.events,
    malformed: 0,
    skipped: 0,
    skippedByReason: {},
    alerts: 1,
  });
  return {
    loaded: {
      config: {} as HealthSubject['loaded']['config'],
      sources: ['defaults', '/etc/x.json'],
    },
    ruleSet: {
      rules: [],
      reports: [
        { file: 'a.toml', rule_id: 'a', name: 'A', status: 'error', reason: 'bad' },
        { file: 'b.toml', rule_id: 'b', name: 'B', status: 'unsupported', reason: 'seq' },
      ],
    },
    delivery: createRecordingDelivery().delivery,
    notifier: {
      notify: () => undefined,
      drain: async () => undefined,
      close: async () => undefined,
      stats: () => ({}) as never,
    },
    pipeline: {
      handle: () => undefined,
      seedProcesses: () => undefined,
      finish: () => undefined,
      stats: pipelineStats,
    },
    source: Object.assign(
      { name: 'endpoint-security', records: async function* () {}, stop: async () => undefined },
      { stats: () => sourceStats },
    ),
  };
}

describe('createHealthReporter', () => {
  it('reports events per second between reports, drops from the source and rule problems', () => {
    dir = mkdtempSync(join(tmpdir(), 'execwatch-health-'));
    let nowMs = Date.parse('2026-12-03T10:00:00.000Z');
    const counters = { events: 0 };
    const reporter = createHealthReporter({
      stateDir: dir,
      intervalMs: 60_000,
      version: '1.0.0',
      sourceReason: 'entitled',
      now: () => nowMs,
      logger: createSilentLogger(),
    });
    const sourceStats = { kernelDrops: { global: 3, exec: 1 }, queueDrops: 2, channelDrops: 1 };
    reporter.start(makeSubject(counters, sourceStats));
    reporter.recordError(new Error('collector refused'));

    counters.events = 10;
    nowMs += 2_000;
    const got = reporter.snapshot();
    reporter.stop();

    expect(got).toMatchObject({
      state: 'running',
      pid: process.pid,
      startedAt: '2026-12-03T10:00:00.000Z',
      updatedAt: '2026-12-03T10:00:02.000Z',
      source: { name: 'endpoint-security', reason: 'entitled' },
      events: { events: 10, perSecond: 5 },
      drops: { kernel: 3, queue: 3 },
      rules: { count: 0, errors: 1, unsupported: 1 },
      alerts: { raised: 1 },
      lastError: { message: 'collector refused', at: '2026-12-03T10:00:00.000Z' },
      config: { sources: ['defaults', '/etc/x.json'] },
    });
  });

  it('reports unknown drops as null for sources that do not count them', () => {
    dir = mkdtempSync(join(tmpdir(), 'execwatch-health-'));
    const reporter = createHealthReporter({
      stateDir: dir,
      intervalMs: 60_000,
      version: '1.0.0',
      sourceReason: null,
      now: () => 0,
      logger: createSilentLogger(),
    });
    reporter.start(makeSubject({ events: 0 }, { lines: 5, restarts: 1 }));

    const got = reporter.snapshot()?.drops;
    reporter.stop();

    expect(got).toEqual({ kernel: null, queue: null });
  });
});

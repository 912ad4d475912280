import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { readStatusFile, writeStatusFile } from '../../src/agent/index.js';
import { judge, renderStatus } from '../../src/cli/commands/status.js';
import { makeStatus } from './factories.js';

let dir: string | undefined;

afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const at = (iso: string) => Date.parse(iso);

describe('judge', () => {
  it.each([
    [
      'running',
      'a fresh report from a live pid',
      {},
      '2026-12-03T10:00:12.000Z',
      true,
      'The agent is running (pid 1234).',
    ],
    [
      'stale',
      'a report older than three intervals from a live pid',
      {},
      '2026-12-03T10:00:26.000Z',
      true,
      'The last report is 16 s old and stale; pid 1234 is alive but silent: it may be hung.',
    ],
    [
      'stale',
      'a fresh report from a dead pid',
      {},
      '2026-12-03T10:00:11.000Z',
      false,
      'The last report is 1 s old and stale; pid 1234 is not running: it died without cleaning up.',
    ],
    [
      'stopped',
      'a report that says stopped',
      { state: 'stopped' as const },
      '2026-12-03T11:00:10.000Z',
      false,
      'The agent stopped 60 min ago (pid 1234).',
    ],
  ])('calls the agent %s for %s', (want, _label, overrides, now, isAlive, sentence) => {
    const got = judge(makeStatus(overrides), at(now), () => isAlive);

    expect(got.liveness).toBe(want);
    expect(got.sentence).toBe(sentence);
  });
});

describe('renderStatus', () => {
  it('shows source, rates, drops, rules, outputs and the last error', () => {
    const status = makeStatus({
      lastError: { message: 'collector refused', at: '2026-12-03T10:00:05.000Z' },
    });
    const verdict = judge(status, at('2026-12-03T10:00:12.000Z'), () => true);

    const got = renderStatus(verdict, status);

    expect(got.split('\n')).toEqual([
      'The agent is running (pid 1234).',
      '  since      2026-12-03T10:00:00.000Z   (report 2 s old)',
      '  source     eslogger (the addon is not entitled)',
      '  events     9 (2.5/s), 1 unreadable',
      '  drops      kernel 3, queue 0',
      '  rules      12 loaded at 2026-12-03T10:00:00.000Z, 0 in error, 2 unsupported',
      '  alerts     4',
      '  output     es (elasticsearch): 4 delivered, 0 queued',
      '  last error collector refused (2026-12-03T10:00:05.000Z)',
    ]);
  });
});

describe('the status file', () => {
  it('is replaced atomically and read back whole', () => {
    dir = mkdtempSync(join(tmpdir(), 'execwatch-status-'));
    writeStatusFile(dir, makeStatus({ pid: 1 }));

    writeStatusFile(dir, makeStatus({ pid: 2 }));
    const got = readStatusFile(dir);

    expect(got.pid).toBe(2);
    expect(readdirSync(dir)).toEqual(['status.json']);
  });

  it.each([
    [
      'missing',
      () => undefined,
      'status-missing',
      /the agent is not running, or uses another --state-dir$/,
    ],
  ])('reports a %s status file with code and sentence', (_label, arrange, code, message) => {
    dir = mkdtempSync(join(tmpdir(), 'execwatch-status-'));
    arrange();

    const got = () => readStatusFile(dir ?? '');

    expect(got).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});

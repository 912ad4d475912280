import { afterEach, describe, expect, it } from 'vitest';

import { parseEsloggerLine } from '../../src/normalize/index.js';
import type { ExecwatchError } from '../../src/shared/errors.js';
import {
  createEsloggerSource,
  isMutedExec,
  nextRestartDelayMs,
  type EsloggerSourceOptions,
} from '../../src/sources/eslogger.js';
import type { SourceRecord } from '../../src/sources/types.js';
import {
  createFakeSandbox,
  createManualTimers,
  createStatusLog,
  fakeEslogger,
  readRecordedLines,
  take,
} from './eslogger-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface StartOptions {
  source?: Partial<EsloggerSourceOptions>;
  extraEnv?: Record<string, string>;
  lines?: string[];
}

function startSource(fake: string, options: StartOptions = {}) {
  const sandbox = createFakeSandbox(options.lines);
  const timers = createManualTimers();
  const statuses = createStatusLog();
  const source = createEsloggerSource({
    esloggerPath: fakeEslogger(fake),
    env: sandbox.env(options.extraEnv),
    timers,
    onStatus: statuses.onStatus,
    ...options.source,
  });
  cleanups.push(
    () => sandbox.remove(),
    () => source.stop(),
  );
  const iterator = source.records()[Symbol.asyncIterator]();
  return { source, sandbox, timers, statuses, iterator };
}

function messagesOf(records: SourceRecord[]): unknown[] {
  return records.map((record) => (record.kind === 'es-message' ? record.message : record.kind));
}

describe('eslogger source', () => {
  it(
    'starts eslogger with exec fork exit ' + 'and yields each line as an es-message record',
    async () => {
      const { sandbox, iterator } = startSource('print-recorded.sh');
      const lines = readRecordedLines();

      const got = await take(iterator, lines.length);

      expect(messagesOf(got)).toEqual(lines.map((line) => parseEsloggerLine(line)));
      expect(got.map((record) => record.origin)).toEqual(
        lines.map((_line, index) => ({ source: 'eslogger', line: index + 1 })),
      );
      expect(sandbox.argsSeen()).toBe('exec fork exit');
    },
  );

  it('keeps inode numbers beyond 2^53 exact', async () => {
    const { iterator } = startSource('print-recorded.sh');

    const [exit] = await take(iterator, 1);

    const message = (
      exit as { message: { process: { executable: { stat: { st_ino: unknown } } } } }
    ).message;
    expect(message.process.executable.stat.st_ino).toBe('1152921500312525701');
  });

  it('reports a bad line as a malformed record with line and column, and reads on', async () => {
    const [first, second] = readRecordedLines();
    const { iterator } = startSource('print-recorded.sh', {
      lines: [first ?? '', '{"event_type": 9, oops}', second ?? ''],
    });

    const got = await take(iterator, 3);

    expect(got.map((record) => record.kind)).toEqual(['es-message', 'malformed', 'es-message']);
    const malformed = got[1] as { error: ExecwatchError };
    expect(malformed.error.code).toBe('MALFORMED_JSON');
    expect(malformed.error.location).toEqual({ file: 'eslogger', line: 2, column: 19 });
  });

  it('stops a running eslogger with SIGTERM and ends the records', async () => {
    const { source, statuses, iterator } = startSource('print-recorded.sh');
    await take(iterator, 1);

    await source.stop();

    const stopped = await statuses.waitFor('stopped');
    expect(stopped.signal).toBe('SIGTERM');
    await take(iterator, 3);
    const after = await iterator.next();
    expect(after.done).toBe(true);
  });

  it('kills an eslogger that ignores SIGTERM with SIGKILL once the deadline passes', async () => {
    const { source, timers, statuses, iterator } = startSource('hang-ignoring-term.mjs', {
      source: { stopTimeoutMs: 2_000 },
    });
    await take(iterator, 1);

    const stopping = source.stop();
    timers.advance(2_000);
    await stopping;

    const stopped = await statuses.waitFor('stopped');
    expect(stopped.signal).toBe('SIGKILL');
  });

  it('restarts a crashed eslogger after the backoff delay and reports the gap', async () => {
    const lines = readRecordedLines();
    const { timers, statuses, iterator } = startSource('crash-then-run.sh', {
      source: { restart: { initialDelayMs: 1_500, maxDelayMs: 60_000, resetAfterMs: 60_000 } },
      extraEnv: { FAKE_ESLOGGER_CRASHES: '1' },
    });
    const firstRun = await take(iterator, lines.length);

    const pendingSecondRun = take(iterator, lines.length);
    const exited = await statuses.waitFor('exited');
    timers.advance(exited.restartInMs);
    const secondRun = await pendingSecondRun;

    expect(exited).toMatchObject({ code: 3, signal: null, restartInMs: 1_500, attempt: 1 });
    expect(exited.stderrTail).toContain('simulated crash number 1');
    expect(await statuses.waitFor('resumed')).toEqual({
      type: 'resumed',
      gapMs: 1_500,
      restarts: 1,
    });
    expect(messagesOf(secondRun)).toEqual(messagesOf(firstRun));
    expect(secondRun[0]?.origin.line).toBe(lines.length + 1);
  });

  it('doubles the delay after each quick failure, up to the cap', async () => {
    const { timers, statuses, iterator } = startSource('always-crash.sh', {
      source: { restart: { initialDelayMs: 100, maxDelayMs: 300, resetAfterMs: 60_000 } },
    });
    const reading = iterator.next();

    const delays: number[] = [];
    for (let count = 1; count <= 4; count += 1) {
      const exited = await statuses.waitFor('exited', count);
      delays.push(exited.restartInMs);
      timers.advance(exited.restartInMs);
    }

    expect(delays).toEqual([100, 200, 300, 300]);
    void reading.catch(() => undefined);
  });

  it.each([
    ['ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED', 'ES_NOT_PERMITTED', 'Full Disk Access'],
    ['ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED', 'ES_NOT_PRIVILEGED', 'root'],
    ['ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED', 'ES_NOT_ENTITLED', 'entitlement'],
    ['ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS', 'ES_TOO_MANY_CLIENTS', 'limit'],
  ])('ends with %s on stderr as %s, without restarting', async (resultName, code, hint) => {
    const { statuses, iterator } = startSource('es-error.sh', {
      extraEnv: { FAKE_ESLOGGER_ERROR: resultName },
    });

    const got = await iterator.next().then(
      () => undefined,
      (error: unknown) => error as ExecwatchError,
    );

    expect(got?.code).toBe(code);
    expect(got?.message).toContain(hint);
    expect(got?.message).toContain(resultName);
    expect(statuses.seen.filter((status) => status.type === 'exited')).toEqual([]);
  });

  it('ends with ESLOGGER_NOT_FOUND when the path does not exist', async () => {
    const source = createEsloggerSource({ esloggerPath: '/nonexistent/eslogger' });

    const iterator = source.records()[Symbol.asyncIterator]();

    const got = await iterator.next().then(
      () => undefined,
      (error: unknown) => error as ExecwatchError,
    );

    expect(got?.code).toBe('ESLOGGER_NOT_FOUND');
    expect(got?.message).toContain('/nonexistent/eslogger');
  });

  it("counts kernel drops from gaps in global_seq_num and in each type's seq_num", async () => {
    const line = (type: number, seq: number, global: number) =>
      JSON.stringify({ event_type: type, seq_num: seq, global_seq_num: global });
    const { source, iterator } = startSource('print-recorded.sh', {
      lines: [line(9, 1, 10), line(11, 1, 11), line(9, 4, 15), line(9, 5, 16), line(9, 0, 0)],
    });

    await take(iterator, 5);

    expect(source.stats()).toMatchObject({ kernelDrops: 3, kernelDropsByType: 2 });
  });

  it('drops exec events whose target path is muted and counts them', async () => {
    const { source, iterator } = startSource('print-recorded.sh', {
      source: { mutes: [{ path: '/bin/connection-', match: 'prefix' }] },
    });

    const got = await take(iterator, 3);

    expect(
      got.map((record) => (record as { message: { event_type: number } }).message.event_type),
    ).toEqual([15, 11, 9]);
    expect(source.stats()).toMatchObject({ lines: 4, muted: 1 });
  });
});

describe('nextRestartDelayMs', () => {
  const policy = { initialDelayMs: 1_000, maxDelayMs: 60_000, resetAfterMs: 60_000 };

  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [1_000, 60_000],
  ])('waits before restart %i for %i ms', (attempt, want) => {
    const got = nextRestartDelayMs(attempt, policy);

    expect(got).toBe(want);
  });
});

describe('isMutedExec', () => {
  const exec = (path: string) => ({ event: { exec: { target: { executable: { path } } } } });

  it.each([
    ['prefix', '/usr/local/bin/', '/usr/local/bin/tool', true],
    ['prefix', '/usr/local/bin/', '/usr/bin/tool', false],
    ['literal', '/usr/bin/true', '/usr/bin/true', true],
    ['literal', '/usr/bin/true', '/usr/bin/true2', false],
  ] as const)('with a %s mute of %s, %s is muted: %s', (match, mutePath, targetPath, want) => {
    const got = isMutedExec(exec(targetPath), [{ path: mutePath, match }]);

    expect(got).toBe(want);
  });

  it('never mutes fork or exit messages', () => {
    const fork = { event: { fork: { child: { executable: { path: '/usr/bin/true' } } } } };

    const got = isMutedExec(fork, [{ path: '/usr/bin/', match: 'prefix' }]);

    expect(got).toBe(false);
  });
});

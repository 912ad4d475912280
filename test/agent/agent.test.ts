import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { createAgent, readStatusFile } from '../../src/agent/index.js';
import type { SeedProcess } from '../../src/process-table/index.js';
import { loadRules } from '../../src/rules/index.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import type { SourceRecord } from '../../src/sources/index.js';
import { execMessage } from '../fixtures/eslogger/message-factory.js';
import {
  createPushSource,
  createRecordingDelivery,
  makeCollaborators,
  writeAgentConfig,
} from './factories.js';

let dir: string | undefined;

afterEach(() => {
  vi.useRealTimers();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function setUp(settings: Record<string, unknown>, options: { hangOnClose?: boolean } = {}) {
  const files = writeAgentConfig(settings);
  dir = files.dir;
  const source = createPushSource();
  const recording = createRecordingDelivery(options);
  const agent = createAgent({
    loadOptions: {
      configPath: files.configPath,
      managedPreferencesPath: join(files.dir, 'none.plist'),
    },
    logger: createSilentLogger(),
    version: '9.9.9',
    collaborators: makeCollaborators(source, recording.delivery),
  });
  return { agent, source, files, ...recording };
}

describe('createAgent shutdown', () => {
  it('flushes and closes delivery and reports stopped when asked to stop', async () => {
    const { agent, calls, files } = setUp({ shutdownDeadlineMs: 1000 });

    const running = agent.run();
    await vi.waitFor(() => readStatusFile(files.stateDir));
    agent.stop('SIGTERM');
    const got = await running;

    expect(got).toBe(0);
    expect(calls).toEqual(['flush', 'close']);
    expect(readStatusFile(files.stateDir).state).toBe('stopped');
  });

  it('gives up on a step that overruns the deadline and exits with status 1', async () => {
    const { agent, files } = setUp({ shutdownDeadlineMs: 2000 }, { hangOnClose: true });
    const running = agent.run();
    await vi.waitFor(() => readStatusFile(files.stateDir));
    vi.useFakeTimers();

    agent.stop('SIGTERM');
    await vi.advanceTimersByTimeAsync(2000);
    const got = await running;

    expect(got).toBe(1);
    const status = readStatusFile(files.stateDir);
    expect(status.state).toBe('stopped');
    expect(status.lastError?.message).toBe('close outputs: deadline passed');
  });
});

describe('createAgent start', () => {
  it('closes the delivery it opened and fails when the source cannot start', async () => {
    const files = writeAgentConfig({});
    dir = files.dir;
    const recording = createRecordingDelivery();
    const collaborators = {
      ...makeCollaborators(createPushSource(), recording.delivery),
      createSource: () => Promise.reject(new Error('No live event source can run.')),
    };
    const agent = createAgent({
      loadOptions: {
        configPath: files.configPath,
        managedPreferencesPath: join(dir, 'none.plist'),
      },
      logger: createSilentLogger(),
      version: '9.9.9',
      collaborators,
    });

    const got = agent.run();

    await expect(got).rejects.toThrow('No live event source can run.');
    expect(recording.calls).toEqual(['close']);
  });
});

describe('createAgent reload', () => {
  it('keeps the running configuration when the new file is invalid, and records why', async () => {
    const { agent, files } = setUp({ shutdownDeadlineMs: 1000, statusIntervalMs: 4000 });
    const running = agent.run();
    await vi.waitFor(() => readStatusFile(files.stateDir));
    writeFileSync(files.configPath, '{"agent": {"logLevel": 7}}');

    const got = await agent.reload();
    agent.stop('test');
    const exitCode = await running;

    expect(got).toBe(false);
    expect(exitCode).toBe(0);
    const status = readStatusFile(files.stateDir);
    expect(status.statusIntervalMs).toBe(4000);
    expect(status.lastError?.message).toContain(
      `agent.logLevel: got 7 (from ${files.configPath}), ` +
        'expected one of "error", "warn", "info", "debug"',
    );
  });

  it('swaps in a valid new configuration', async () => {
    const { agent, files } = setUp({ shutdownDeadlineMs: 1000, statusIntervalMs: 4000 });
    const running = agent.run();
    await vi.waitFor(() => readStatusFile(files.stateDir));
    writeFileSync(
      files.configPath,
      JSON.stringify({ agent: { stateDir: files.stateDir, statusIntervalMs: 250 } }),
    );

    const got = await agent.reload();
    const status = readStatusFile(files.stateDir);
    agent.stop('test');
    await running;

    expect(got).toBe(true);
    expect(status.statusIntervalMs).toBe(250);
    expect(status.lastError).toBeNull();
  });
});

describe('createAgent with a live source', () => {
  const googleDrive = '/Applications/Google Drive.app/Contents/MacOS/Google Drive';
  const terminal = '/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal';

  /** `mount_smbfs` exec'd by pid 400, which started before the agent and is only listed. */
  function mountBySeededParent(): SourceRecord {
    const envelope = { version: 9 as const, time: '2026-12-01T09:00:00.000Z', globalSeqNum: 1 };
    const parent = { pid: 400, pidversion: 77 };
    const before = { pid: 700, pidversion: 5, path: '/bin/zsh', parent };
    const target = { pid: 700, pidversion: 6, path: '/sbin/mount_smbfs', parent };
    const args = ['mount_smbfs', '//alice@nas.example/share', '/Volumes/share'];
    const message = execMessage(envelope, before, target, args);
    return { kind: 'es-message', message, origin: { source: 'push' } };
  }

  async function runWithParentListedAs(executable: string) {
    const files = writeAgentConfig({});
    dir = files.dir;
    const source = createPushSource();
    const recording = createRecordingDelivery();
    const listed: SeedProcess = { pid: 400, ppid: 1, executable, args: null, commandLine: null };
    const collaborators = {
      ...makeCollaborators(source, recording.delivery, [listed]),
      loadRuleSet: () => loadRules({ paths: [], builtin: true }),
    };
    const agent = createAgent({
      loadOptions: {
        configPath: files.configPath,
        managedPreferencesPath: join(files.dir, 'none.plist'),
      },
      logger: createSilentLogger(),
      version: '9.9.9',
      collaborators,
    });

    const running = agent.run();
    await vi.waitFor(() => readStatusFile(files.stateDir));
    source.push(mountBySeededParent());
    agent.stop('SIGTERM');
    await running;
    return recording.submitted;
  }

  it('knows parents that started before it from the process snapshot', async () => {
    const got = await runWithParentListedAs(terminal);

    expect(got).toHaveLength(1);
    expect(got[0]?.process).toMatchObject({ parent: { pid: 400, executable: terminal } });
  });

  it('lets the seed rule exclude a Google Drive parent that was only listed', async () => {
    const got = await runWithParentListedAs(googleDrive);

    expect(got).toEqual([]);
  });
});

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { createAgent, readStatusFile } from '../../src/agent/index.js';
import { createSilentLogger } from '../../src/shared/logger.js';
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

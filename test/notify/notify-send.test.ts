import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  createBackend,
  createCommandRunner,
  createConsoleUserLookup,
} from '../../src/notify/index.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { createStandInSandbox } from '../fixtures/stand-ins/stand-in-env.js';

let sandbox: ReturnType<typeof createStandInSandbox>;

afterEach(() => sandbox?.remove());

describe('the notify-send backend', () => {
  it('passes hostile text as separate argv elements through a stand-in notify-send', async () => {
    sandbox = createStandInSandbox();
    const marker = join(sandbox.dir, 'pwned');
    const body = `$(touch ${marker}) \`touch ${marker}\` "quoted" \\ back\nslash`;
    const backend = createBackend('notify-send', {
      run: createCommandRunner(sandbox.env),
      logger: createSilentLogger(),
      timeoutMs: 10_000,
    });

    await backend.show({
      ruleId: 'r',
      ruleName: 'R',
      severity: 'medium',
      title: 'Medium: R',
      body,
    });

    expect(sandbox.calls()).toEqual([
      {
        program: 'notify-send',
        argv: ['--app-name=execwatch', '--urgency=normal', '--', 'Medium: R', body],
      },
    ]);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('createConsoleUserLookup', () => {
  it.each([
    ['501', 501],
    ['0', null],
    ['', null],
    ['garbage', null],
  ])('reads %j from stat -f %%u /dev/console as %j', async (uid, want) => {
    sandbox = createStandInSandbox({ STANDIN_CONSOLE_UID: uid });
    const lookup = createConsoleUserLookup(createCommandRunner(sandbox.env));

    const got = await lookup();

    expect(got).toBe(want);
    expect(sandbox.calls()).toEqual([{ program: 'stat', argv: ['-f', '%u', '/dev/console'] }]);
  });
});

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, describe, expect, it } from 'vitest';

import { createBackend, createCommandRunner } from '../../src/notify/index.js';
import type { Notification } from '../../src/notify/index.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { createStandInSandbox } from '../fixtures/stand-ins/stand-in-env.js';

let sandbox: ReturnType<typeof createStandInSandbox>;

afterEach(() => sandbox?.remove());

function makeNotification(overrides: Partial<Notification> = {}): Notification {
  return {
    ruleId: 'rule-1',
    ruleName: 'Attempt to Mount SMB Share via Command Line',
    severity: 'high',
    title: 'High: Attempt to Mount SMB Share via Command Line',
    body: 'mount_smbfs (pid 42): mount_smbfs //user@host/share /Volumes/x',
    ...overrides,
  };
}

function osascriptBackend(uid: number | null = 501) {
  return createBackend('osascript', {
    run: createCommandRunner(sandbox.env),
    logger: createSilentLogger(),
    timeoutMs: 10_000,
    consoleUser: () => Promise.resolve(uid),
  });
}

const SCRIPT = [
  '-e',
  'on run argv',
  '-e',
  'display notification (item 2 of argv) with title (item 1 of argv)',
  '-e',
  'end run',
];

describe('the osascript backend with hostile alert text', () => {
  const hostileTexts = (marker: string) => [
    ['a double quote', 'say "hi"'],
    ['a backslash', 'C:\\temp\\x \\" end'],
    ['a newline', 'first line\nsecond line\r\nthird'],
    ['the AppleScript escape from the issue', `" & do shell script "touch ${marker}"`],
    ['a balanced AppleScript escape', `" & (do shell script "touch ${marker}") & "`],
    ['the literal payload', '" & do shell script "touch /tmp/pwned"'],
    ['a command substitution', `$(touch ${marker})`],
    ['backticks', `\`touch ${marker}\``],
    ['shell separators', `; touch ${marker} && echo | touch ${marker}`],
    ['a leading dash', '--help -e "do shell script"'],
  ];

  it.each(hostileTexts('MARKER'))('shows %s verbatim and runs nothing', async (_label, pattern) => {
    sandbox = createStandInSandbox();
    const marker = join(sandbox.dir, 'pwned');
    const body = pattern.replaceAll('MARKER', marker);
    const title = `High: ${body}`;

    const got = await osascriptBackend().show(makeNotification({ title, body }));

    expect(got).toBe('shown');
    expect(sandbox.calls()).toEqual([
      { program: 'launchctl', argv: ['asuser', '501', 'osascript', ...SCRIPT, '--', title, body] },
      { program: 'osascript', argv: [...SCRIPT, '--', title, body] },
      { displayed: { title, text: body } },
    ]);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  it('skips the notification, running nothing, when nobody is logged in', async () => {
    sandbox = createStandInSandbox();

    const got = await osascriptBackend(null).show(makeNotification());

    expect(got).toBe('no-console-user');
    expect(sandbox.calls()).toEqual([]);
  });

  it('rejects with the helper error when launchctl is not on PATH', async () => {
    sandbox = createStandInSandbox({ PATH: '/nonexistent' });

    const got = osascriptBackend().show(makeNotification());

    await expect(got).rejects.toThrow('launchctl was not found on PATH');
  });
});

describe('the stand-in osascript', () => {
  // The control experiment: the stand-in really is dangerous, so the tests above can fail.
  it('executes a do shell script that was spliced into the script text', async () => {
    sandbox = createStandInSandbox();
    const marker = join(sandbox.dir, 'pwned');
    const injection = `(do shell script "touch ${marker}")`;
    const spliced = `display notification "" & ${injection} & "" with title "t"`;

    await promisify(execFile)('osascript', ['-e', spliced], { env: sandbox.env });

    expect(existsSync(marker)).toBe(true);
  });
});

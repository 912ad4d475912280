import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';

import { registerRecordCommand } from '../../src/cli/commands/record.js';
import type { CliContext } from '../../src/cli/context.js';
import type { ExecwatchError } from '../../src/shared/errors.js';
import { createFakeSandbox, fakeEslogger, readRecordedLines } from './eslogger-harness.js';

const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function createTestContext() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let stdoutText = '';
  let stderrText = '';
  stdout.on('data', (chunk: Buffer) => (stdoutText += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (stderrText += chunk.toString()));
  let exitCode = 0;
  const context: CliContext = {
    version: '0.0.0-test',
    stdout,
    stderr,
    stdin: new PassThrough(),
    setExitCode: (code) => (exitCode = Math.max(exitCode, code)),
    exitCode: () => exitCode,
  };
  return { context, stdout: () => stdoutText, stderr: () => stderrText };
}

/** A real executable in the sandbox that runs a fake eslogger with the sandbox's inputs. */
function wrappedFake(
  fake: string,
  extraEnv: Record<string, string> = {},
): { path: string; dir: string } {
  const sandbox = createFakeSandbox();
  cleanups.push(() => sandbox.remove());
  const env = sandbox.env(extraEnv);
  const exports = ['FAKE_ESLOGGER_LINES', 'FAKE_ESLOGGER_ERROR']
    .filter((name) => env[name] !== undefined)
    .map((name) => `${name}='${env[name] ?? ''}'`)
    .join(' ');
  const path = join(sandbox.dir, 'eslogger');
  writeFileSync(path, `#!/bin/sh\n${exports} exec '${fakeEslogger(fake)}' "$@"\n`);
  chmodSync(path, 0o755);
  return { path, dir: sandbox.dir };
}

async function runRecord(argv: string[], platform: NodeJS.Platform = 'linux') {
  const test = createTestContext();
  const program = new Command('execwatch').exitOverride();
  registerRecordCommand(program, test.context, { platform });
  const error = await program.parseAsync(['node', 'execwatch', 'record', ...argv]).then(
    () => undefined,
    (thrown: unknown) => thrown as ExecwatchError,
  );
  return { error, stdout: test.stdout(), stderr: test.stderr() };
}

describe('execwatch record', () => {
  it('says clearly that it needs macOS when no eslogger path is given off macOS', async () => {
    const got = await runRecord(['--max-events', '1']);

    expect(got.error?.code).toBe('RECORD_NEEDS_MACOS');
    expect(got.error?.message).toContain('--eslogger-path');
  });

  it('writes eslogger lines to the output file, without the environment', async () => {
    const fake = wrappedFake('print-recorded.sh');
    const output = join(fake.dir, 'recording.jsonl');

    const got = await runRecord(['--eslogger-path', fake.path, '--max-events', '4', '-o', output]);

    expect(got.error).toBeUndefined();
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(readRecordedLines().length);
    const exec = JSON.parse(lines[1] ?? '{}') as { event: { exec: Record<string, unknown> } };
    expect(Object.keys(exec.event.exec)).not.toContain('env');
    expect(lines[0]).toContain('"st_ino":"1152921500312525701"');
    expect(got.stderr).toContain('4 events from eslogger');
    expect(got.stderr).toContain('environment removed');
  });

  it('keeps the environment with --with-env, writing to stdout by default', async () => {
    const fake = wrappedFake('print-recorded.sh');

    const got = await runRecord(['--eslogger-path', fake.path, '--max-events', '2', '--with-env']);

    const exec = JSON.parse(got.stdout.trim().split('\n')[1] ?? '{}') as {
      event: { exec: { env?: string[] } };
    };
    expect(exec.event.exec.env).toEqual(['FOO=bar']);
  });

  it('ends with the actionable error when eslogger lacks Full Disk Access', async () => {
    const fake = wrappedFake('es-error.sh', {
      FAKE_ESLOGGER_ERROR: 'ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED',
    });

    const got = await runRecord(['--eslogger-path', fake.path, '--source', 'eslogger']);

    expect(got.error?.code).toBe('ES_NOT_PERMITTED');
    expect(got.error?.message).toContain('Full Disk Access');
  });
});

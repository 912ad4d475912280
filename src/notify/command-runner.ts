/**
 * Runs a helper program (`launchctl`, `osascript`, `notify-send`) directly, never through a
 * shell: each argument reaches the program as one argv element, whatever characters it holds.
 * The program is looked up on PATH, so tests put stand-in executables first on PATH.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

import { ExecwatchError } from '../shared/errors.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Runs `program` with `args`; rejects when it cannot start, fails or outlives `timeoutMs`. */
export type CommandRunner = (
  program: string,
  args: readonly string[],
  options: { timeoutMs: number },
) => Promise<CommandResult>;

/** Finds an executable by name on a PATH string; null when there is none. */
export function findOnPath(name: string, pathVariable: string | undefined): string | null {
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; keep looking.
    }
  }
  return null;
}

/** The real runner: `execFile` without a shell, PATH taken from `env`. */
export function createCommandRunner(env: NodeJS.ProcessEnv = process.env): CommandRunner {
  return (program, args, options) => {
    // A path (`/usr/local/bin/node`) is used as given; a bare name is looked up on PATH.
    const path = program.includes('/') ? program : findOnPath(program, env.PATH);
    if (path === null) {
      const error = new ExecwatchError('command-not-found', `${program} was not found on PATH`);
      return Promise.reject(error);
    }

    return new Promise((resolve, reject) => {
      const execOptions = { timeout: options.timeoutMs, env, encoding: 'utf8' as const };
      execFile(path, [...args], execOptions, (error, stdout, stderr) => {
        if (error === null) {
          resolve({ stdout, stderr });
          return;
        }
        const detail = stderr.trim() === '' ? error.message : stderr.trim();
        reject(
          new ExecwatchError('command-failed', `${program} failed: ${detail}`, { cause: error }),
        );
      });
    });
  };
}

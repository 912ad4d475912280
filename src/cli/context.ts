/**
 * What a command needs from the outside world, passed in so tests can run commands in-process:
 * the output streams, the exit status it wants, and the package version.
 */
import { readFileSync } from 'node:fs';

export interface CliContext {
  readonly version: string;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  /** A command sets a non-zero status (1: problems found) without throwing. */
  setExitCode(code: number): void;
  exitCode(): number;
}

export function createProcessContext(): CliContext {
  let code = 0;
  exitQuietlyWhenReaderCloses(process.stdout);
  return {
    version: readPackageVersion(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    setExitCode: (next) => {
      code = Math.max(code, next);
    },
    exitCode: () => code,
  };
}

function readPackageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  const parsed = JSON.parse(readFileSync(url, 'utf8')) as { version?: string };
  return parsed.version ?? '0.0.0';
}

/**
 * `execwatch query … | head -3`: when the reader of stdout goes away, the output is no longer
 * wanted. End quietly with the status so far instead of crashing on EPIPE.
 */
function exitQuietlyWhenReaderCloses(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

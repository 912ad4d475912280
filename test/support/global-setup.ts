/**
 * Builds dist/ before the suite when any source file is newer than the last build, so tests
 * that run the real CLI (`node bin/execwatch.js`) exercise the code under test.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILD_MARKER = join(ROOT, 'dist', 'cli', 'index.js');

export default function setup(): void {
  if (!isBuildStale()) return;

  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  } catch (error) {
    // tsc still emits JavaScript when types are wrong; type errors fail `npm run typecheck`.
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    process.stderr.write(`global setup: the TypeScript build reported errors:\n${output}\n`);
  }
}

function isBuildStale(): boolean {
  let builtMs: number;
  try {
    builtMs = statSync(BUILD_MARKER).mtimeMs;
  } catch {
    return true;
  }
  return newestMtimeMs(join(ROOT, 'src')) > builtMs;
}

function newestMtimeMs(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    const mtimeMs = entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, mtimeMs);
  }
  return newest;
}

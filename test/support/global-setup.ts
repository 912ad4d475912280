/**
 * Builds dist/ once before the suite, so tests that run the real CLI (`node bin/execwatch.js`)
 * exercise the code under test rather than whatever was built last.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    // tsc still emits JavaScript when types are wrong; type errors fail `npm run typecheck`.
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    process.stderr.write(`global setup: the TypeScript build reported errors:\n${output}\n`);
  }
}

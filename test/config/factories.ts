import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { build, buildBinary } from 'plist';
import type { PlistValue } from 'plist';

/** A temporary directory with helpers to write config files into it. */
export function createConfigDir() {
  const dir = mkdtempSync(join(tmpdir(), 'execwatch-config-'));
  return {
    dir,
    writeJson(name: string, value: unknown): string {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(value, null, 2));
      return path;
    },
    writeText(name: string, text: string, mode = 0o644): string {
      const path = join(dir, name);
      writeFileSync(path, text);
      chmodSync(path, mode);
      return path;
    },
    writePlist(name: string, value: PlistValue, format: 'xml' | 'binary' = 'xml'): string {
      const path = join(dir, name);
      writeFileSync(path, format === 'xml' ? build(value) : buildBinary(value));
      return path;
    },
    missing(name: string): string {
      return join(dir, name);
    },
    remove(): void {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { fileOutputSchema } from '../../src/outputs/config-schema.js';
import { createFileSender } from '../../src/outputs/file.js';
import type { SpoolRecord } from '../../src/outputs/spool.js';
import { eventIds, makeAlerts, makeTempDir } from './factories.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function records(count: number, first: number): SpoolRecord[] {
  return makeAlerts(count, first).map((alert, index) => ({
    seq: first + index,
    payload: Buffer.from(JSON.stringify(alert)),
  }));
}

function readNdjson(path: string): string[] {
  if (!existsSync(path)) return [];
  return eventIds(
    readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
  );
}

describe('file output', () => {
  it(
    'appends NDJSON and rotates by size, ' + 'keeping keepFiles old files and whole lines',
    async () => {
      const directory = makeTempDir('file-output');
      cleanups.push(directory.remove);
      const path = join(directory.path, 'nested', 'alerts.ndjson');
      const lineBytes = JSON.stringify(makeAlerts(1, 10)[0]).length + 1;
      const sender = createFileSender(
        fileOutputSchema.parse({ type: 'file', path, maxFileBytes: lineBytes * 4, keepFiles: 2 }),
      );
      const signal = new AbortController().signal;

      for (let batch = 0; batch < 7; batch += 1) await sender.send(records(2, batch * 2), signal);
      await sender.close();

      expect(readNdjson(`${path}.2`)).toEqual(['alert-4', 'alert-5', 'alert-6', 'alert-7']);
      expect(readNdjson(`${path}.1`)).toEqual(['alert-8', 'alert-9', 'alert-10', 'alert-11']);
      expect(readNdjson(path)).toEqual(['alert-12', 'alert-13']);
      expect(existsSync(`${path}.3`)).toBe(false);
    },
  );

  it('continues an existing file after a restart instead of truncating it', async () => {
    const directory = makeTempDir('file-output');
    cleanups.push(directory.remove);
    const path = join(directory.path, 'alerts.ndjson');
    const config = fileOutputSchema.parse({ type: 'file', path, fsync: true });
    const signal = new AbortController().signal;

    const first = createFileSender(config);
    await first.send(records(2, 0), signal);
    await first.close();
    const second = createFileSender(config);
    await second.send(records(1, 2), signal);
    await second.close();

    expect(readNdjson(path)).toEqual(['alert-0', 'alert-1', 'alert-2']);
  });
});

import { describe, expect, it } from 'vitest';

import { sourceConfigSchema } from '../../src/sources/config-schema.js';

describe('sourceConfigSchema', () => {
  it('fills every default from an empty section', () => {
    const got = sourceConfigSchema.parse(undefined);

    expect(got).toEqual({
      type: 'auto',
      esloggerPath: '/usr/bin/eslogger',
      mutes: [],
      maxQueueEvents: 65_536,
      includeEnv: false,
      restart: { initialDelayMs: 1_000, maxDelayMs: 60_000, resetAfterMs: 60_000 },
      replay: { files: [], format: 'auto', follow: false },
    });
  });

  it('accepts mutes with prefix as the default match', () => {
    const got = sourceConfigSchema.parse({
      mutes: [{ path: '/usr/libexec/' }, { path: '/usr/bin/true', match: 'literal' }],
    });

    expect(got.mutes).toEqual([
      { path: '/usr/libexec/', match: 'prefix' },
      { path: '/usr/bin/true', match: 'literal' },
    ]);
  });

  it.each([
    [{ type: 'kernel' }, 'type'],
    [{ esloggerPath: 'eslogger' }, 'esloggerPath'],
    [{ mutes: [{ path: 'relative/' }] }, 'mutes.0.path'],
    [{ mutes: [{ path: '/x', match: 'glob' }] }, 'mutes.0.match'],
    [{ maxQueueEvents: 10 }, 'maxQueueEvents'],
    [{ maxQueueEvents: 1.5 }, 'maxQueueEvents'],
    [{ replay: { format: 'csv' } }, 'replay.format'],
    [{ restart: { initialDelayMs: 0 } }, 'restart.initialDelayMs'],
    [{ queueSize: 100 }, ''],
  ])('rejects %j at %s', (input, wantPath) => {
    const got = sourceConfigSchema.safeParse(input);

    expect(got.success).toBe(false);
    expect(got.error?.issues.map((issue) => issue.path.join('.'))).toContain(wantPath);
  });
});

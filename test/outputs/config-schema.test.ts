import { describe, expect, it } from 'vitest';

import { outputsConfigSchema, spoolConfigSchema } from '../../src/outputs/config-schema.js';

describe('outputsConfigSchema', () => {
  it('fills in defaults with units', () => {
    const [got] = outputsConfigSchema.parse([{ type: 'elasticsearch', url: 'https://es:9200' }]);

    expect(got).toMatchObject({
      namespace: 'default',
      gzip: true,
      maxBatchEvents: 500,
      maxBatchBytes: 5 * 1024 * 1024,
      flushIntervalMs: 1000,
      timeoutMs: 30_000,
      tls: { verify: true },
      retry: { initialDelayMs: 500, maxDelayMs: 60_000, maxRetryAfterMs: 600_000 },
    });
  });

  it.each([
    {
      name: 'syslog',
      input: { type: 'syslog', host: 'log' },
      want: { protocol: 'tls', facility: 16, maxMessageBytes: 8192 },
    },
    {
      name: 'splunk',
      input: { type: 'splunk', url: 'https://hec:8088' },
      want: { sourcetype: 'execwatch:alert', source: 'execwatch' },
    },
    {
      name: 'file',
      input: { type: 'file', path: '/var/log/x' },
      want: { keepFiles: 5, maxFileBytes: 100 * 1024 * 1024 },
    },
    {
      name: 'http',
      input: { type: 'http', url: 'http://v:8080' },
      want: { method: 'POST', headers: {}, gzip: false },
    },
  ])('gives $name its protocol defaults', ({ input, want }) => {
    const [got] = outputsConfigSchema.parse([input]);

    expect(got).toMatchObject(want);
  });

  it.each([
    { input: [{ type: 'kafka' }], want: /type/ },
    { input: [{ type: 'elasticsearch', url: 'not a url' }], want: /url/i },
    {
      input: [{ type: 'syslog', host: 'x', maxMessageBytes: 100 }],
      want: /maxMessageBytes|>=2048/,
    },
    { input: [{ type: 'file', path: '/x', name: 'a/b' }], want: /letters, digits/ },
    {
      input: [
        { type: 'file', path: '/x' },
        { type: 'file', path: '/y' },
      ],
      want: /used twice/,
    },
    {
      input: [{ type: 'http', url: 'http://x', unknownOption: 1 }],
      want: /unknownOption|Unrecognized/,
    },
    { input: [{ type: 'elasticsearch', url: 'http://x', namespace: 'Prod' }], want: /lowercase/ },
  ])('rejects $input with a message naming the problem', ({ input, want }) => {
    const got = outputsConfigSchema.safeParse(input);

    expect(got.success).toBe(false);
    expect(JSON.stringify(got.error?.issues)).toMatch(want);
  });
});

describe('spoolConfigSchema', () => {
  it('defaults to fsync every second and a 256 MiB bound', () => {
    expect(spoolConfigSchema.parse({ directory: '/var/db/execwatch/spool' })).toEqual({
      directory: '/var/db/execwatch/spool',
      maxBytes: 256 * 1024 * 1024,
      fsync: 'interval',
      fsyncIntervalMs: 1000,
    });
  });

  it.each([{ fsync: 'sometimes' }, { maxBytes: 10 }, { directory: '' }])('rejects %o', (input) => {
    expect(spoolConfigSchema.safeParse({ directory: '/d', ...input }).success).toBe(false);
  });
});

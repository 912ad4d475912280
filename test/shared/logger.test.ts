import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { ExecwatchError } from '../../src/shared/errors.js';
import { createLogger } from '../../src/shared/logger.js';

function captureLines(format: 'json' | 'text') {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.split('\n')));
  return { logger: createLogger({ format, stream }), lines: () => lines.filter((l) => l !== '') };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the error under err as code and message', async () => {
    const { logger, lines } = captureLines('json');

    logger.error('delivery failed', { err: new ExecwatchError('SPOOL_FULL', 'The spool is full') });
    await new Promise((resolve) => setImmediate(resolve));

    const got = lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      level: 'error',
      message: 'delivery failed',
      err: { code: 'SPOOL_FULL', message: 'The spool is full' },
    });
  });

  it('keeps untrusted process data nested under its own key in text lines', async () => {
    const { logger, lines } = captureLines('text');

    logger.warn('suspicious argument', { process_data: { args: ['a\nlevel=error'] } });
    await new Promise((resolve) => setImmediate(resolve));

    const got = lines();
    expect(got).toHaveLength(1);
    expect(got[0]).toContain(
      'warn: suspicious argument {"process_data":{"args":["a\\nlevel=error"]}}',
    );
  });
});

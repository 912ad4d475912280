import { describe, expect, it } from 'vitest';

import { decideBatch } from '../../src/outputs/batcher.js';

const limits = { maxBatchEvents: 10, maxBatchBytes: 1000, flushIntervalMs: 500 };

function state(overrides: Partial<Parameters<typeof decideBatch>[0]> = {}) {
  return { pendingEvents: 1, pendingBytes: 10, waitedMs: 0, flushRequested: false, ...overrides };
}

describe('decideBatch', () => {
  it.each([
    { name: 'nothing is pending', input: state({ pendingEvents: 0 }), want: { kind: 'idle' } },
    {
      name: 'the batch is full by count',
      input: state({ pendingEvents: 10 }),
      want: { kind: 'send' },
    },
    {
      name: 'the batch is full by bytes',
      input: state({ pendingBytes: 1000 }),
      want: { kind: 'send' },
    },
    {
      name: 'the oldest alert waited long enough',
      input: state({ waitedMs: 500 }),
      want: { kind: 'send' },
    },
    {
      name: 'a flush was asked for',
      input: state({ flushRequested: true }),
      want: { kind: 'send' },
    },
    {
      name: 'a small batch is young',
      input: state({ waitedMs: 200 }),
      want: { kind: 'wait', waitMs: 300 },
    },
  ])('decides $want.kind when $name', ({ input, want }) => {
    expect(decideBatch(input, limits)).toEqual(want);
  });
});

import { describe, expect, it } from 'vitest';

import { drainSource } from '../../src/pipeline/index.js';
import type { EventSource, SourceRecord } from '../../src/sources/index.js';

function recordsNumbered(count: number, from = 0): SourceRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    kind: 'ecs',
    document: { n: from + index },
    origin: { source: 'test', line: from + index + 1 },
  }));
}

function sourceOf(chunks: SourceRecord[][], withBatches: boolean): EventSource {
  async function* records() {
    for (const chunk of chunks) yield* chunk;
  }
  async function* batches() {
    for (const chunk of chunks) yield chunk;
  }
  return {
    name: 'test',
    records,
    ...(withBatches ? { batches } : {}),
    stop: () => Promise.resolve(),
  };
}

describe('drainSource', () => {
  it.each([
    ['records', false],
    ['batches', true],
  ])('hands every record over in order, from a source of %s', async (_label, withBatches) => {
    const chunks = [recordsNumbered(3), recordsNumbered(0), recordsNumbered(5, 3)];
    const got: unknown[] = [];

    await drainSource(sourceOf(chunks, withBatches), (record) => {
      if (record.kind === 'ecs') got.push(record.document['n']);
    });

    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it.each([
    ['records', false],
    ['batches', true],
  ])('lets the event loop run every batchRecords records of %s', async (_label, withBatches) => {
    let ticks = 0;
    let draining = true;
    const tick = () => {
      ticks += 1;
      if (draining) setImmediate(tick);
    };
    setImmediate(tick);
    const ticksAtRecord: number[] = [];

    await drainSource(
      sourceOf([recordsNumbered(5_000)], withBatches),
      () => ticksAtRecord.push(ticks),
      1_000,
    );
    draining = false;

    // Five stretches of 1,000 records, each seeing the loop's ticks advance past the last.
    const got = new Set(ticksAtRecord).size;
    expect(got).toBeGreaterThanOrEqual(5);
  });
});

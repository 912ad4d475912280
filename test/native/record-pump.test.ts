import { afterEach, describe, expect, it } from 'vitest';

import { loadNativeTestAddon, type TestPump } from './native-addon.js';

const addon = loadNativeTestAddon();
const pumps: TestPump[] = [];

afterEach(() => {
  for (const pump of pumps.splice(0)) pump.close();
});

/** A pump whose deliveries are collected; `delivered(n)` resolves once n records arrived. */
function createCollectingPump(maxQueueEvents: number) {
  const batches: unknown[][] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  const total = (): number => batches.reduce((sum, batch) => sum + batch.length, 0);

  const pump = new addon.TestPump(maxQueueEvents, (records) => {
    batches.push(records);
    if (waiter !== undefined && total() >= waiter.count) waiter.resolve();
  });
  pumps.push(pump);

  return {
    pump,
    batches,
    delivered: (count: number): Promise<void> =>
      total() >= count
        ? Promise.resolve()
        : new Promise((resolve) => {
            waiter = { count, resolve };
          }),
  };
}

describe('record pump (native queue to JavaScript)', () => {
  it('accepts up to its bound and drops and counts the rest', async () => {
    const { pump, delivered } = createCollectingPump(8);

    const got = pump.offerFromJsThread('exit', 20);
    await delivered(8);

    expect(got).toMatchObject({ accepted: 8, dropped: 12 });
    expect(pump.stats()).toEqual({
      offered: 20,
      delivered: 8,
      queueDrops: 12,
      queued: 0,
      maxQueueEvents: 8,
    });
  });

  it('never makes a producer thread wait for the busy JS thread', () => {
    const { pump } = createCollectingPump(16);

    // The JS thread is blocked in this call until the producer thread has finished, so nothing
    // drains meanwhile: a producer that waited for room would never finish.
    const got = pump.produceOnThread('fork', 1_000);

    expect(got).toMatchObject({ accepted: 16, dropped: 984 });
    expect(pump.stats().queueDrops).toBe(984);
  });

  it('delivers the records as eslogger-shaped objects on the JS thread', async () => {
    const { pump, batches, delivered } = createCollectingPump(4);

    pump.produceOnThread('exec', 2);
    await delivered(2);

    const records = batches.flat() as { event_type: number; event: { exec: { args: string[] } } }[];
    expect(records.map((record) => record.event_type)).toEqual([9, 9]);
    expect(records[0]?.event.exec.args).toEqual(['/bin/connection-checker']);
    expect(records[0]).toEqual(addon.convertSample('exec'));
  });

  it('hands over a large backlog in batches of at most 256', async () => {
    const { pump, batches, delivered } = createCollectingPump(1_000);

    pump.offerFromJsThread('exit', 600);
    await delivered(600);

    expect(batches.map((batch) => batch.length)).toEqual([256, 256, 88]);
  });

  it('delivers nothing after close, and closing twice is safe', async () => {
    const { pump, batches } = createCollectingPump(4);

    pump.close();
    pump.offerFromJsThread('exit', 2);
    pump.close();
    await new Promise((resolve) => setImmediate(resolve));

    expect(batches).toEqual([]);
    expect(pump.stats().delivered).toBe(0);
  });
});

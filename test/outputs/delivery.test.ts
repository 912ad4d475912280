import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createDelivery, type Delivery } from '../../src/outputs/index.js';
import { DeliveryError } from '../../src/outputs/delivery-error.js';
import type { OutputConfigInput } from '../../src/outputs/config-schema.js';
import type { Sender } from '../../src/outputs/sender.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { FakeSender } from './fake-sender.js';
import { makeAlert, makeAlerts, makeCaptureLogger, makeTempDir } from './factories.js';

const cleanups: (() => void | Promise<void>)[] = [];

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
});

afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Lets real I/O (spool reads, cursor writes) run until `condition` holds. It yields to the event
 * loop rather than sleeping, so fake time does not move.
 */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100_000; turn += 1) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never held');
}

/** Until the output's loop is parked on a timer (waiting for a batch or a backoff). */
function untilWaiting(): Promise<void> {
  return until(() => vi.getTimerCount() > 0);
}

function fileOutput(name: string, overrides: Partial<OutputConfigInput> = {}): OutputConfigInput {
  return {
    type: 'file',
    name,
    path: '/unused',
    maxBatchEvents: 10,
    flushIntervalMs: 500,
    ...overrides,
  } as OutputConfigInput;
}

interface Harness {
  delivery: Delivery;
  spoolDirectory: string;
}

async function startDelivery(
  senders: Record<string, Sender>,
  outputs: OutputConfigInput[],
  options: { logger?: ReturnType<typeof createSilentLogger>; statsIntervalMs?: number } = {},
): Promise<Harness> {
  const directory = makeTempDir('delivery');
  const delivery = createDelivery({
    outputs,
    spool: { directory: directory.path, fsync: 'never' },
    logger: options.logger ?? createSilentLogger(),
    random: () => 0.5,
    statsIntervalMs: options.statsIntervalMs ?? 0,
    createSender: (output) => senders[output.name ?? output.type] as Sender,
  });
  cleanups.push(directory.remove, () => delivery.close(0));
  await delivery.start();
  return { delivery, spoolDirectory: directory.path };
}

async function submitAll(delivery: Delivery, count: number, first = 0): Promise<void> {
  for (const alert of makeAlerts(count, first)) await delivery.submit(alert);
}

describe('createDelivery batching', () => {
  it('sends full batches at once and the remainder after flushIntervalMs', async () => {
    const sender = new FakeSender(true);
    const { delivery } = await startDelivery({ out: sender }, [fileOutput('out')]);
    const startMs = Date.now();

    await submitAll(delivery, 25);
    await sender.call(1);
    await untilWaiting();
    await vi.advanceTimersByTimeAsync(500);
    const last = await sender.call(2);

    expect(sender.calls.map((call) => call.ids.length)).toEqual([10, 10, 5]);
    expect(last.atMs - startMs).toBeGreaterThanOrEqual(500);
    expect(sender.calls[0]?.atMs).toBe(startMs);
  });

  it('holds a small batch until its oldest alert has waited flushIntervalMs', async () => {
    const sender = new FakeSender(true);
    const { delivery } = await startDelivery({ out: sender }, [
      fileOutput('out', { flushIntervalMs: 2000 }),
    ]);
    const startMs = Date.now();

    await submitAll(delivery, 3);
    await untilWaiting();
    await vi.advanceTimersByTimeAsync(2000);
    const got = await sender.call(0);

    expect(got.ids).toEqual(['alert-0', 'alert-1', 'alert-2']);
    expect(got.atMs - startMs).toBe(2000);
  });

  it('delivers what a previous run left in the spool when it starts', async () => {
    const directory = makeTempDir('restart');
    cleanups.push(directory.remove);
    const spool = { directory: directory.path, fsync: 'never' as const };
    const never = new FakeSender();
    const first = createDelivery({
      outputs: [fileOutput('out')],
      spool,
      logger: createSilentLogger(),
      createSender: () => never,
    });
    await first.start();
    await submitAll(first, 4);
    await first.close(0);

    const sender = new FakeSender(true);
    const second = createDelivery({
      outputs: [fileOutput('out')],
      spool,
      logger: createSilentLogger(),
      createSender: () => sender,
    });
    cleanups.push(() => second.close(0));
    await second.start();
    await untilWaiting();
    await vi.advanceTimersByTimeAsync(500);
    const got = await sender.call(0);

    expect(got.ids).toEqual(['alert-0', 'alert-1', 'alert-2', 'alert-3']);
  });
});

describe('createDelivery retry', () => {
  it('retries a failed batch after the jittered backoff and counts it', async () => {
    const sender = new FakeSender();
    const { delivery } = await startDelivery({ out: sender }, [
      fileOutput('out', { retry: { initialDelayMs: 100 } }),
    ]);
    await submitAll(delivery, 10);

    const first = await sender.call(0);
    first.fail(new DeliveryError('OUTPUT_CONNECT_FAILED', 'refused'));
    await vi.advanceTimersByTimeAsync(50);
    const second = await sender.call(1);
    second.fail(new DeliveryError('OUTPUT_HTTP_STATUS', 'busy', { status: 503 }));
    await vi.advanceTimersByTimeAsync(100);
    const third = await sender.call(2);
    third.deliver();
    await delivery.flush(1000);

    expect(second.atMs - first.atMs).toBe(50);
    expect(third.atMs - second.atMs).toBe(100);
    expect(delivery.stats()[0]).toMatchObject({
      sent: 30,
      retried: 20,
      confirmed: 10,
      queueDepth: 0,
    });
    expect(delivery.stats()[0]?.lastError).toMatch(/busy/);
  });

  it('waits as long as Retry-After says, not the backoff', async () => {
    const sender = new FakeSender();
    const { delivery } = await startDelivery({ out: sender }, [fileOutput('out')]);
    await submitAll(delivery, 10);

    const first = await sender.call(0);
    first.fail(
      new DeliveryError('OUTPUT_HTTP_STATUS', 'slow down', { status: 429, retryAfterMs: 30_000 }),
    );
    await vi.advanceTimersByTimeAsync(29_999);
    const callsBefore = sender.calls.length;
    await vi.advanceTimersByTimeAsync(1);
    const second = await sender.call(1);

    expect(callsBefore).toBe(1);
    expect(second.atMs - first.atMs).toBe(30_000);
  });

  it('resends only the items that failed and dead-letters the refused ones', async () => {
    const sender = new FakeSender();
    const { delivery, spoolDirectory } = await startDelivery({ out: sender }, [
      fileOutput('out', { maxBatchEvents: 3 }),
    ]);
    await submitAll(delivery, 3);

    const first = await sender.call(0);
    first.answer([
      { kind: 'delivered' },
      { kind: 'rejected', reason: 'mapper_parsing_exception: bad field', status: 400 },
      { kind: 'retry', error: new DeliveryError('OUTPUT_HTTP_STATUS', 'busy', { status: 429 }) },
    ]);
    await vi.advanceTimersByTimeAsync(250);
    const second = await sender.call(1);
    second.deliver();
    await delivery.flush(1000);
    const deadLetters = readFileSync(join(spoolDirectory, 'dead-letter', 'out.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { reason: string; status: number; alert: { event: { id: string } } },
      );

    expect(second.ids).toEqual(['alert-2']);
    expect(deadLetters.map((entry) => [entry.alert.event.id, entry.status, entry.reason])).toEqual([
      ['alert-1', 400, 'mapper_parsing_exception: bad field'],
    ]);
    expect(delivery.stats()[0]).toMatchObject({
      confirmed: 2,
      deadLettered: 1,
      retried: 1,
      queueDepth: 0,
    });
  });

  it('dead-letters a whole batch the collector refuses for good', async () => {
    const sender = new FakeSender();
    const { delivery } = await startDelivery({ out: sender }, [
      fileOutput('out', { maxBatchEvents: 2 }),
    ]);
    await submitAll(delivery, 2);

    (await sender.call(0)).fail(
      new DeliveryError('OUTPUT_HTTP_STATUS', 'bad request', { status: 400 }),
    );
    await delivery.flush(1000);

    expect(delivery.stats()[0]).toMatchObject({
      deadLettered: 2,
      confirmed: 0,
      retried: 0,
      queueDepth: 0,
    });
  });
});

describe('createDelivery spool bound', () => {
  it(
    'drops the oldest undelivered alerts when the spool is full, ' + 'counting them per output',
    async () => {
      const { logger, entries } = makeCaptureLogger();
      const hanging = new FakeSender();
      const directory = makeTempDir('bound');
      const delivery = createDelivery({
        outputs: [fileOutput('out')],
        spool: { directory: directory.path, fsync: 'never', maxBytes: 64 * 1024 },
        logger,
        statsIntervalMs: 0,
        createSender: () => hanging,
      });
      cleanups.push(directory.remove, () => delivery.close(0));
      await delivery.start();

      const padding = 'p'.repeat(1000);
      for (let index = 0; index < 200; index += 1) {
        await delivery.submit(makeAlert(index, { message: padding }));
      }
      const got = delivery.stats()[0];
      const inFlight = hanging.calls[0]?.ids.length ?? 0;

      expect(got?.dropped).toBeGreaterThan(0);
      expect((got?.dropped ?? 0) + (got?.queueDepth ?? 0) + inFlight).toBe(200);
      expect(delivery.spoolStats().sizeBytes).toBeLessThanOrEqual(64 * 1024 + 16 * 1024);
      expect(
        entries.some((entry) => entry.level === 'error' && /spool full/.test(entry.message)),
      ).toBe(true);
    },
  );
});

describe('createDelivery isolation', () => {
  it('keeps delivering to one output while another hangs, and submit never waits', async () => {
    const hanging = new FakeSender();
    const healthy = new FakeSender(true);
    const { delivery } = await startDelivery({ hanging, healthy }, [
      fileOutput('hanging'),
      fileOutput('healthy'),
    ]);

    await submitAll(delivery, 30);
    await until(() => delivery.stats()[1]?.queueDepth === 0);
    const [hangingStats, healthyStats] = delivery.stats();

    expect(healthyStats).toMatchObject({ name: 'healthy', confirmed: 30, queueDepth: 0 });
    expect(hangingStats).toMatchObject({ name: 'hanging', confirmed: 0, queueDepth: 30 });
    expect(hanging.calls).toHaveLength(1);
  });

  it('logs the counters of every output periodically', async () => {
    const { logger, entries } = makeCaptureLogger();
    const sender = new FakeSender(true);
    const { delivery } = await startDelivery({ out: sender }, [fileOutput('out')], {
      logger,
      statsIntervalMs: 10_000,
    });
    await submitAll(delivery, 10);
    await until(() => delivery.stats()[0]?.queueDepth === 0);

    await vi.advanceTimersByTimeAsync(10_000);
    const got = entries.filter((entry) => entry.message === 'delivery stats');

    expect(got).toHaveLength(1);
    expect(got[0]?.['outputs']).toEqual([
      expect.objectContaining({ name: 'out', confirmed: 10, queueDepth: 0 }),
    ]);
  });

  it('refuses submit() before start()', async () => {
    const delivery = createDelivery({
      outputs: [],
      spool: { directory: '/nonexistent' },
      logger: createSilentLogger(),
    });

    await expect(delivery.submit(makeAlert(0))).rejects.toThrow(/before start/);
  });

  it('rejects two outputs with the same name', () => {
    const create = () =>
      createDelivery({
        outputs: [fileOutput('same'), fileOutput('same')],
        spool: { directory: '/nonexistent' },
        logger: createSilentLogger(),
      });

    expect(create).toThrow(/used twice/);
  });
});

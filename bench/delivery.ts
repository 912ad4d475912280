/**
 * Delivery throughput: alerts/s through the spool to a local HTTP NDJSON collector (node:http on
 * 127.0.0.1), for each fsync policy. Two figures per run: how fast submit() accepts alerts into
 * the spool, and how fast they arrive at the collector end to end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createDelivery } from '../src/outputs/index.js';
import { createSilentLogger } from '../src/shared/logger.js';
import type { EcsDocument } from '../src/shared/types.js';

interface Collector {
  url: string;
  received(): number;
  untilReceived(count: number): Promise<void>;
  close(): Promise<void>;
}

async function startCollector(): Promise<Collector> {
  let received = 0;
  let waiter: { count: number; resolve: () => void } | undefined;
  const server = http.createServer((request, response) => {
    let lines = 0;
    request.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 0x0a) lines += 1;
    });
    request.on('end', () => {
      received += lines;
      response.writeHead(200).end();
      if (waiter !== undefined && received >= waiter.count) waiter.resolve();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    received: () => received,
    untilReceived: (count) =>
      received >= count
        ? Promise.resolve()
        : new Promise((resolve) => (waiter = { count, resolve })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function alert(index: number): EcsDocument {
  return {
    '@timestamp': new Date().toISOString(),
    message: 'Attempt to Mount SMB Share via Command Line',
    event: { id: `bench-${index}`, kind: 'signal', category: ['process'], type: ['start'] },
    rule: { id: 'f53fbc8945200c62', name: 'Attempt to Mount SMB Share via Command Line' },
    host: { name: 'mac-01', os: { family: 'macos', version: '26.1' } },
    process: {
      pid: 1000 + index,
      executable: '/sbin/mount_smbfs',
      args: ['mount_smbfs', '//user@server/share', '/Volumes/share'],
      parent: { pid: 1, executable: '/bin/zsh' },
    },
  };
}

async function measure(
  fsync: 'always' | 'interval' | 'never',
  count: number,
  concurrency: number,
): Promise<void> {
  const collector = await startCollector();
  const directory = mkdtempSync(join(tmpdir(), 'execwatch-bench-delivery-'));
  const delivery = createDelivery({
    outputs: [{ type: 'http', url: collector.url, maxBatchEvents: 500, flushIntervalMs: 5 }],
    spool: { directory, fsync },
    logger: createSilentLogger(),
    statsIntervalMs: 0,
  });
  await delivery.start();

  const startMs = performance.now();
  let next = 0;
  const submitter = async (): Promise<void> => {
    while (next < count) await delivery.submit(alert(next++));
  };
  await Promise.all(Array.from({ length: concurrency }, submitter));
  const submittedMs = performance.now() - startMs;
  await collector.untilReceived(count);
  const deliveredMs = performance.now() - startMs;

  await delivery.close(5000);
  await collector.close();
  rmSync(directory, { recursive: true, force: true });

  const perSecond = (ms: number) => Math.round(count / (ms / 1000)).toLocaleString('en-US');
  process.stdout.write(
    `delivery fsync=${fsync.padEnd(8)} ${count} alerts, ${concurrency} submitters: ` +
      `spool ${perSecond(submittedMs)} alerts/s, end to end ${perSecond(deliveredMs)} alerts/s ` +
      `(${deliveredMs.toFixed(0)} ms)\n`,
  );
}

export async function run(): Promise<void> {
  await measure('interval', 20_000, 1);
  await measure('interval', 20_000, 64);
  await measure('never', 20_000, 64);
  await measure('always', 5_000, 1);
  await measure('always', 5_000, 64);
}

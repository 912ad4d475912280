/**
 * Builders shared by the output tests: alerts, temporary directories, and delivery wiring.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import winston from 'winston';

import { createDelivery, type Delivery } from '../../src/outputs/index.js';
import { createSilentLogger, type Logger } from '../../src/shared/logger.js';
import type { EcsDocument } from '../../src/shared/types.js';

/** An alert shaped like the alert builder's, distinct per `index`. */
export function makeAlert(index: number, overrides: EcsDocument = {}): EcsDocument {
  return {
    '@timestamp': new Date(Date.UTC(2026, 0, 2, 3, 4, 5) + index).toISOString(),
    message: `Attempt to Mount SMB Share via Command Line (${index})`,
    event: { id: `alert-${index}`, kind: 'signal', category: ['process'], type: ['start'] },
    rule: { id: 'f53fbc8945200c62', name: 'Attempt to Mount SMB Share via Command Line' },
    host: { name: 'mac-01', os: { family: 'macos' } },
    process: { pid: 4000 + index, executable: '/sbin/mount_smbfs', args: ['mount_smbfs', '//x/y'] },
    kibana: { alert: { severity: 'medium' } },
    ...overrides,
  };
}

export function makeAlerts(count: number, first = 0): EcsDocument[] {
  return Array.from({ length: count }, (_, offset) => makeAlert(first + offset));
}

/** A fresh directory under the OS temp dir, and a function that removes it. */
export function makeTempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `execwatch-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The `event.id` of each NDJSON line or parsed document. */
export function eventIds(documents: EcsDocument[]): string[] {
  return documents.map((document) => (document['event'] as { id: string }).id);
}

/** A winston logger that keeps every entry, for asserting what was logged. */
export function makeCaptureLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      entries.push(JSON.parse(chunk.toString('utf8')) as LogEntry);
      callback();
    },
  });
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, entries };
}

export interface LogEntry {
  level: string;
  message: string;
  [field: string]: unknown;
}

/**
 * A started delivery with one output and fast test timings, in a fresh spool; `cleanups` gets
 * what closes and removes them.
 */
export async function startTestDelivery(
  output: Record<string, unknown>,
  cleanups: Array<() => unknown>,
): Promise<Delivery> {
  const spool = makeTempDir('delivery-spool');
  const fastTimings = { flushIntervalMs: 10, timeoutMs: 2000 };
  const delivery = createDelivery({
    outputs: [
      { ...fastTimings, retry: { initialDelayMs: 10, maxDelayMs: 50 }, ...output } as never,
    ],
    spool: { directory: spool.path, fsync: 'never' },
    logger: createSilentLogger(),
    statsIntervalMs: 0,
  });
  cleanups.push(spool.remove, () => delivery.close(1000));
  await delivery.start();
  return delivery;
}

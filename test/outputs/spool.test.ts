import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

import { afterEach, describe, expect, it } from 'vitest';

import { crc32Fallback, Spool, type SpoolOptions } from '../../src/outputs/spool.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { makeCaptureLogger, makeTempDir } from './factories.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function spoolDirectory(): string {
  const directory = makeTempDir('spool');
  cleanups.push(directory.remove);
  return directory.path;
}

function openSpool(directory: string, overrides: Partial<SpoolOptions> = {}): Promise<Spool> {
  return Spool.open({
    directory,
    maxBytes: 1024 * 1024,
    fsync: 'never',
    fsyncIntervalMs: 1000,
    logger: createSilentLogger(),
    ...overrides,
  });
}

function payload(index: number, padBytes = 0): Buffer {
  return Buffer.from(
    JSON.stringify({ event: { id: `alert-${index}` }, pad: 'x'.repeat(padBytes) }),
  );
}

async function appendMany(spool: Spool, count: number, padBytes = 0): Promise<number[]> {
  const seqs: number[] = [];
  for (let index = 0; index < count; index += 1)
    seqs.push(await spool.append(payload(index, padBytes)));
  return seqs;
}

function idsOf(records: { payload: Buffer }[]): string[] {
  return records.map(
    (record) => (JSON.parse(record.payload.toString()) as { event: { id: string } }).event.id,
  );
}

function segmentFiles(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => name.startsWith('segment-'))
    .sort();
}

describe('Spool', () => {
  it(
    'gives appended records increasing sequence numbers ' + 'and reads them back in order',
    async () => {
      const spool = await openSpool(spoolDirectory());

      const got = await Promise.all([0, 1, 2].map((index) => spool.append(payload(index))));
      const records = await spool.read(0, 10, 1024 * 1024);

      expect(got).toEqual([0, 1, 2]);
      expect(idsOf(records)).toEqual(['alert-0', 'alert-1', 'alert-2']);
      await spool.close();
    },
  );

  it.each(['always', 'interval', 'never'] as const)(
    'keeps records and numbering across a restart (fsync %s)',
    async (fsync) => {
      const directory = spoolDirectory();
      const first = await openSpool(directory, { fsync });
      await appendMany(first, 3);
      await first.close();

      const second = await openSpool(directory);
      const got = await second.append(payload(3));
      const records = await second.read(0, 10, 1024 * 1024);

      expect(got).toBe(3);
      expect(idsOf(records)).toEqual(['alert-0', 'alert-1', 'alert-2']);
      expect(idsOf(await second.read(3, 10, 1024 * 1024))).toEqual(['alert-3']);
      await second.close();
    },
  );

  it('skips and counts a torn final record, keeping every complete one', async () => {
    const directory = spoolDirectory();
    const first = await openSpool(directory);
    await appendMany(first, 5);
    await first.close();
    const [segment] = segmentFiles(directory);
    const path = join(directory, segment as string);
    truncateSync(path, statSync(path).size - 7);

    const { logger, entries } = makeCaptureLogger();
    const second = await openSpool(directory, { logger });
    const got = idsOf(await second.read(0, 10, 1024 * 1024));

    expect(got).toEqual(['alert-0', 'alert-1', 'alert-2', 'alert-3']);
    expect(second.tornRecords).toBe(1);
    expect(await second.append(payload(9))).toBe(4);
    expect(
      entries.some((entry) => entry.level === 'warn' && /torn record/.test(entry.message)),
    ).toBe(true);
    await second.close();
  });

  it('stops a segment at a record whose checksum does not match', async () => {
    const directory = spoolDirectory();
    const first = await openSpool(directory);
    await appendMany(first, 3);
    await first.close();
    const path = join(directory, segmentFiles(directory)[0] as string);
    const bytes = readFileSync(path);
    const secondRecordPayload = bytes.indexOf('alert-1');
    bytes[secondRecordPayload] = 'A'.charCodeAt(0);
    writeFileSync(path, bytes);

    const second = await openSpool(directory);
    const got = idsOf(await second.read(0, 10, 1024 * 1024));

    expect(got).toEqual(['alert-0']);
    expect(second.tornRecords).toBe(1);
    await second.close();
  });

  it(
    'stays within maxBytes by dropping the oldest segments, ' + 'counting what each output lost',
    async () => {
      const { logger, entries } = makeCaptureLogger();
      const spool = await openSpool(spoolDirectory(), {
        maxBytes: 64 * 1024,
        segmentMaxBytes: 16 * 1024,
        logger,
      });
      const cursor = await spool.cursor('slow');
      const drops: number[] = [];
      spool.onDrop((drop) => drops.push(drop.records));

      await appendMany(spool, 200, 1000);

      const kept = spool.nextSeq() - spool.firstSeq();
      const dropped = drops.reduce((sum, records) => sum + records, 0);
      expect(spool.sizeBytes()).toBeLessThanOrEqual(64 * 1024 + 16 * 1024);
      expect(dropped).toBeGreaterThan(0);
      expect(dropped + kept).toBe(200);
      expect(spool.droppedRecords).toBe(dropped);
      expect(cursor.position).toBe(spool.firstSeq());
      expect(
        entries.filter((entry) => entry.level === 'error' && /spool full/.test(entry.message)),
      ).not.toHaveLength(0);
      await spool.close();
    },
  );

  it('keeps a segment until every output has delivered it', async () => {
    const directory = spoolDirectory();
    const spool = await openSpool(directory, { segmentMaxBytes: 16 * 1024 });
    const fast = await spool.cursor('fast');
    const slow = await spool.cursor('slow');
    await appendMany(spool, 60, 1000);
    const segmentsBefore = segmentFiles(directory).length;

    await fast.commit(60);
    const afterFast = spool.segmentCount();
    await slow.commit(60);
    const afterBoth = spool.segmentCount();

    expect(segmentsBefore).toBeGreaterThan(2);
    expect(afterFast).toBe(segmentsBefore);
    expect(afterBoth).toBe(1);
    expect(fast.pendingRecords()).toBe(0);
    await spool.close();
  });

  it('restores each output cursor independently after a restart', async () => {
    const directory = spoolDirectory();
    const first = await openSpool(directory);
    await appendMany(first, 10);
    await (await first.cursor('elasticsearch')).commit(7);
    await (await first.cursor('syslog')).commit(2);
    await first.close();

    const second = await openSpool(directory);
    const elasticsearch = await second.cursor('elasticsearch');
    const syslog = await second.cursor('syslog');
    const fresh = await second.cursor('file');

    expect([elasticsearch.position, syslog.position, fresh.position]).toEqual([7, 2, 0]);
    expect(idsOf(await elasticsearch.read(10, 1024 * 1024))).toEqual([
      'alert-7',
      'alert-8',
      'alert-9',
    ]);
    await second.close();
  });

  it('limits a read by bytes but always returns at least one record', async () => {
    const spool = await openSpool(spoolDirectory());
    await appendMany(spool, 5, 100);

    const got = await spool.read(0, 10, 10);

    expect(got).toHaveLength(1);
    await spool.close();
  });

  it('numbers on from the cursors when every segment was delivered and deleted', async () => {
    const directory = spoolDirectory();
    const first = await openSpool(directory, { segmentMaxBytes: 16 * 1024 });
    await appendMany(first, 40, 1000);
    await (await first.cursor('only')).commit(40);
    await first.close();
    for (const name of segmentFiles(directory)) truncateSync(join(directory, name), 0);

    const second = await openSpool(directory);
    const got = await second.append(payload(40));

    expect(got).toBe(40);
    await second.close();
  });
});

describe('crc32Fallback', () => {
  it.each(['', 'a', '123456789', '{"event":{"id":"alert-1"}}', 'é✓'.repeat(100)])(
    'matches zlib for %j',
    (text) => {
      const got = crc32Fallback(Buffer.from(text));

      expect(got).toBe(crc32(Buffer.from(text)));
    },
  );
});

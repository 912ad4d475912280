import {
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  appendFileSync,
  mkdirSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ExecwatchError } from '../../src/shared/errors.js';
import {
  createReplaySource,
  type ReplaySourceOptions,
  type SourceRecord,
} from '../../src/sources/index.js';

const ESLOGGER_LINE = '{"event_type":9,"version":9,"event":{"exec":{}},"process":{}}';
const ECS_LINE = '{"@timestamp":"2026-11-20T09:00:00Z","event.category":["process"]}';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'execwatch-replay-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeRecording(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function collect(options: ReplaySourceOptions): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of createReplaySource(options).records()) records.push(record);
  return records;
}

/** kind and line of each record, the shape most tests compare. */
function kindsAndLines(records: SourceRecord[]): [string, number | undefined][] {
  return records.map((record) => [record.kind, record.origin.line]);
}

async function errorOf(promise: Promise<unknown>): Promise<ExecwatchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ExecwatchError) return error;
    throw error;
  }
  throw new Error('expected an ExecwatchError');
}

describe('createReplaySource', () => {
  it('yields one record per line of each file in order, skipping blank lines', async () => {
    const first = writeRecording('a.jsonl', `${ESLOGGER_LINE}\n\n   \n${ESLOGGER_LINE}\n`);
    const second = writeRecording('b.jsonl', `${ESLOGGER_LINE}`);

    const got = (await collect({ paths: [first, second] })).map((r) => [
      r.origin.file,
      r.origin.line,
    ]);

    expect(got).toEqual([
      [first, 1],
      [first, 4],
      [second, 1],
    ]);
  });

  it('detects the format of each file', async () => {
    const eslogger = writeRecording('es.jsonl', `${ESLOGGER_LINE}\n`);
    const dotted = writeRecording('dotted.ndjson', `${ECS_LINE}\n`);
    const nested = writeRecording(
      'nested.ndjson',
      '{"event":{"category":["process"]},"process":{}}\n',
    );

    const got = (await collect({ paths: [eslogger, dotted, nested] })).map((r) => r.kind);

    expect(got).toEqual(['es-message', 'ecs', 'ecs']);
  });

  it('uses the format it is told', async () => {
    const file = writeRecording('es.jsonl', `${ESLOGGER_LINE}\n`);

    const got = (await collect({ paths: [file], format: 'ecs' })).map((r) => r.kind);

    expect(got).toEqual(['ecs']);
  });

  it('reports bad lines with file, line and column and reads on', async () => {
    const file = writeRecording(
      'bad.jsonl',
      [ESLOGGER_LINE, '{"event_type":9,', '  [1,2]', ESLOGGER_LINE].join('\n'),
    );

    const records = await collect({ paths: [file] });
    const got = records.map((r) => (r.kind === 'malformed' ? r.error.describe() : r.kind));

    expect(got).toEqual([
      'es-message',
      `${file}:2:17: Invalid JSON: expected a double-quoted property name, found end of line`,
      `${file}:3:3: Expected a JSON object on each line`,
      'es-message',
    ]);
  });

  it('reports a first line of neither format and detects from the next one', async () => {
    const file = writeRecording('odd.jsonl', `{"hello":1}\n${ECS_LINE}\n`);

    const got = kindsAndLines(await collect({ paths: [file] }));

    expect(got).toEqual([
      ['malformed', 1],
      ['ecs', 2],
    ]);
  });

  it('keeps integers beyond 2^53 exact', async () => {
    const file = path.resolve('test/fixtures/eslogger/v9/exit.jsonl');

    const [record] = await collect({ paths: [file] });

    const message = record?.kind === 'es-message' ? record.message : undefined;
    expect(JSON.stringify(message)).toContain('"st_ino":"1152921500312525701"');
  });

  it.each([['rec.jsonl.gz'], ['rec-without-suffix.jsonl']])(
    'inflates gzip by its magic bytes (%s)',
    async (name) => {
      const lines = Array.from({ length: 3000 }, () => ESLOGGER_LINE).join('\n');
      const file = writeRecording(name, gzipSync(lines));

      const got = await collect({ paths: [file] });

      expect([got.length, got.every((r) => r.kind === 'es-message')]).toEqual([3000, true]);
    },
  );

  it('reads standard input for "-", whatever the chunk boundaries', async () => {
    const stdin = new PassThrough();
    const text = `${ECS_LINE.replace('process', 'prôcess')}\r\n${ECS_LINE}\n`;
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += 7) stdin.write(bytes.subarray(at, at + 7));
    stdin.end();

    const got = await collect({ paths: ['-'], stdin });

    expect(
      got.map((r) => [r.origin.file, r.kind === 'ecs' && r.document['event.category']]),
    ).toEqual([
      ['-', ['prôcess']],
      ['-', ['process']],
    ]);
  });

  it('reads gzip from standard input', async () => {
    const stdin = new PassThrough();
    stdin.end(gzipSync(`${ESLOGGER_LINE}\n${ESLOGGER_LINE}\n`));

    const got = kindsAndLines(await collect({ paths: ['-'], stdin }));

    expect(got).toEqual([
      ['es-message', 1],
      ['es-message', 2],
    ]);
  });

  it('throws INPUT_UNREADABLE naming a missing file after the files before it', async () => {
    const good = writeRecording('good.jsonl', `${ESLOGGER_LINE}\n`);
    const missing = path.join(dir, 'missing.jsonl');
    const seen: SourceRecord[] = [];

    const got = await errorOf(
      (async () => {
        for await (const record of createReplaySource({ paths: [good, missing] }).records()) {
          seen.push(record);
        }
      })(),
    );

    expect([seen.length, got.code, got.message]).toEqual([
      1,
      'INPUT_UNREADABLE',
      `Cannot read recording ${missing}: no such file`,
    ]);
  });

  it.each([
    [
      'a directory',
      () => (mkdirSync(path.join(dir, 'd')), path.join(dir, 'd')),
      'it is a directory',
    ],
    [
      'a corrupt gzip stream',
      () => writeRecording('bad.gz', Buffer.concat([gzipSync('x'.repeat(1000)).subarray(0, 20)])),
      'the gzip stream ends early (truncated file)',
    ],
  ])('throws INPUT_UNREADABLE for %s', async (_label, makePath, reason) => {
    const file = makePath();

    const got = await errorOf(collect({ paths: [file] }));

    expect([got.code, got.message]).toEqual([
      'INPUT_UNREADABLE',
      `Cannot read recording ${file}: ${reason}`,
    ]);
  });

  it('reports progress up to the file size', async () => {
    const file = writeRecording('p.jsonl', `${ESLOGGER_LINE}\n`.repeat(10));
    const reports: number[] = [];

    await collect({
      paths: [file],
      onProgress: (p) => reports.push(p.bytesRead / (p.totalBytes ?? 1)),
    });

    expect(reports.at(-1)).toBe(1);
  });
});

describe('createReplaySource in follow mode', () => {
  it('yields lines appended to a growing file until stopped', async () => {
    const file = writeRecording('live.jsonl', `${ESLOGGER_LINE}\n`);
    const source = createReplaySource({ paths: [file], follow: true, pollIntervalMs: 5 });
    const iterator = source.records()[Symbol.asyncIterator]();

    const first = await iterator.next();
    appendFileSync(file, `${ECS_LINE.slice(0, 20)}`);
    appendFileSync(file, `${ECS_LINE.slice(20)}\n`);
    const second = await iterator.next();
    await source.stop();
    const end = await iterator.next();

    expect([
      first.value?.origin.line,
      second.value?.origin.line,
      second.value?.kind,
      end.done,
    ]).toEqual([1, 2, 'es-message', true]);
  });

  it('starts over when the followed file is truncated in place', async () => {
    const file = writeRecording('rotating.jsonl', `${ESLOGGER_LINE}\n${ESLOGGER_LINE}\n`);
    const source = createReplaySource({ paths: [file], follow: true, pollIntervalMs: 5 });
    const iterator = source.records()[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();

    writeFileSync(file, `${ECS_LINE}\n`);
    const got = await iterator.next();
    await source.stop();

    expect(got.value?.kind === 'es-message' && got.value.message).toEqual(JSON.parse(ECS_LINE));
  });

  it('reads a gzip file to its end even when asked to follow', async () => {
    const file = writeRecording('done.jsonl.gz', gzipSync(`${ESLOGGER_LINE}\n`));

    const got = kindsAndLines(await collect({ paths: [file], follow: true, pollIntervalMs: 5 }));

    expect(got).toEqual([['es-message', 1]]);
  });

  it('ends a pending wait for data when stopped', async () => {
    const file = writeRecording('idle.jsonl', '');
    const source = createReplaySource({ paths: [file], follow: true, pollIntervalMs: 60_000 });
    const iterator = source.records()[Symbol.asyncIterator]();

    const pending = iterator.next();
    await source.stop();

    expect((await pending).done).toBe(true);
  });

  it('reads nothing once stopped', async () => {
    const file = writeRecording('x.jsonl', `${ESLOGGER_LINE}\n`);
    const source = createReplaySource({ paths: [file] });

    await source.stop();
    const got: SourceRecord[] = [];
    for await (const record of source.records()) got.push(record);

    expect(got).toEqual([]);
    expect(readFileSync(file, 'utf8')).toContain('event_type');
  });
});

describe('createReplaySource batches', () => {
  it('gives the same records as records(), over several chunks and files', async () => {
    // Lines of ~60 bytes: 40,000 of them span several 1 MiB reads.
    const lines = Array.from({ length: 40_000 }, (_, index) =>
      index % 1000 === 7 ? '{"broken":' : ESLOGGER_LINE,
    );
    const first = writeRecording('a.jsonl', lines.join('\n'));
    const second = writeRecording('b.jsonl', `${ECS_LINE}\n\n${ECS_LINE}\n`);
    const options = { paths: [first, second] };

    const batched: SourceRecord[][] = [];
    for await (const batch of createReplaySource(options).batches?.() ?? []) {
      batched.push([...batch]);
    }

    expect(batched.length).toBeGreaterThan(2);
    expect(batched.flat()).toEqual(await collect(options));
  });
});

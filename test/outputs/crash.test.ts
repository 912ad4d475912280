/**
 * The end-to-end fault test: a real child process (test/outputs/fixtures/delivery-child.ts,
 * compiled with tsc) submits thousands of alerts while the Elasticsearch collector goes down,
 * is killed with SIGKILL mid-way, and is restarted on the same spool. Every alert the child
 * acknowledged must arrive, and Elasticsearch must hold each exactly once (by `_id`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { alertDocumentId } from '../../src/outputs/elasticsearch.js';
import { FakeElasticsearch } from './fixtures/fake-elasticsearch.js';
import { makeTempDir } from './factories.js';

const repository = join(import.meta.dirname, '..', '..');
const buildDirectory = join(
  repository,
  'node_modules',
  '.cache',
  `execwatch-delivery-child-${process.pid}`,
);
const childScript = join(buildDirectory, 'test', 'outputs', 'fixtures', 'delivery-child.js');
const totalAlerts = 3000;

/** Compiles the child and the modules it imports (only those) to plain JS. */
function compileChild(): void {
  mkdirSync(buildDirectory, { recursive: true });
  const configPath = join(
    repository,
    'node_modules',
    '.cache',
    `tsconfig.delivery-child-${process.pid}.json`,
  );
  writeFileSync(
    configPath,
    JSON.stringify({
      extends: join(repository, 'tsconfig.json'),
      compilerOptions: {
        outDir: buildDirectory,
        rootDir: repository,
        sourceMap: false,
        declaration: false,
      },
      include: [],
      files: [join(repository, 'test', 'outputs', 'fixtures', 'delivery-child.ts')],
    }),
  );
  const result = spawnSync(
    process.execPath,
    [join(repository, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', configPath],
    {
      encoding: 'utf8',
    },
  );
  rmSync(configPath);
  if (result.status !== 0) throw new Error(`tsc failed:\n${result.stdout}${result.stderr}`);
}

interface Child {
  process: ChildProcess;
  lastAck: number;
  untilLine(predicate: (line: string) => boolean): Promise<string>;
  command(text: string): void;
}

const startedChildren: ChildProcess[] = [];

function startChild(args: string[]): Child {
  const child = spawn(process.execPath, [childScript, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  startedChildren.push(child);
  const waiters: { predicate: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  const handle: Child = {
    process: child,
    lastAck: -1,
    untilLine: (predicate) => new Promise((resolve) => waiters.push({ predicate, resolve })),
    command: (text) => child.stdin?.write(`${text}\n`),
  };

  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (line.startsWith('ack ')) handle.lastAck = Number(line.slice(4));
    for (const waiter of [...waiters]) {
      if (!waiter.predicate(line)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  return handle;
}

const ackAtLeast = (index: number) => (line: string) =>
  line.startsWith('ack ') && Number(line.slice(4)) >= index;

describe('delivery across a collector outage and a kill -9', () => {
  beforeAll(() => compileChild(), 120_000);
  afterAll(() => rmSync(buildDirectory, { recursive: true, force: true }));

  it('delivers every acknowledged alert, to Elasticsearch exactly once', async () => {
    const directory = makeTempDir('crash');
    const elasticsearch = await new FakeElasticsearch().start();
    const filePath = join(directory.path, 'alerts.ndjson');
    const args = [
      '--spool',
      join(directory.path, 'spool'),
      '--url',
      elasticsearch.url,
      '--file',
      filePath,
    ];

    try {
      const first = startChild([...args, '--from', '0']);
      await first.untilLine((line) => line === 'ready');
      first.command('send 1000');
      await first.untilLine(ackAtLeast(999));
      await elasticsearch.untilDocuments(200);
      await elasticsearch.server.stop();
      first.command('send 1500');
      await first.untilLine(ackAtLeast(1800));
      first.process.kill('SIGKILL');
      await once(first.process, 'exit');
      const deliveredBeforeRestart = elasticsearch.documents.size;

      await elasticsearch.server.start();
      const resumeAt = first.lastAck + 1;
      const second = startChild([...args, '--from', String(resumeAt)]);
      await second.untilLine((line) => line === 'ready');
      second.command(`send ${totalAlerts - resumeAt}`);
      second.command('drain');
      const drained = await second.untilLine((line) => line.startsWith('drained'));
      await once(second.process, 'exit');

      const want = Array.from({ length: totalAlerts }, (_, index) =>
        alertDocumentId({ event: { id: `alert-${index}` }, rule: { id: 'f53fbc8945200c62' } }),
      );
      const got = [...elasticsearch.documents.keys()];
      const fileIds = new Set(
        readFileSync(filePath, 'utf8')
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { event: { id: string } }).event.id),
      );
      expect(deliveredBeforeRestart).toBeLessThanOrEqual(1000);
      expect(resumeAt).toBeGreaterThan(1800);
      expect(got.sort()).toEqual(want.sort());
      expect(elasticsearch.createAttempts - elasticsearch.duplicateCreates).toBe(totalAlerts);
      expect(fileIds.size).toBe(totalAlerts);
      expect(JSON.parse(drained.slice('drained '.length)).outputs).toEqual([
        expect.objectContaining({
          name: 'elasticsearch',
          queueDepth: 0,
          deadLettered: 0,
          dropped: 0,
        }),
        expect.objectContaining({ name: 'file', queueDepth: 0 }),
      ]);
      expect(existsSync(join(directory.path, 'spool', 'cursors', 'elasticsearch.json'))).toBe(true);
    } finally {
      for (const child of startedChildren) if (child.exitCode === null) child.kill('SIGKILL');
      await elasticsearch.server.stop();
      directory.remove();
    }
  }, 120_000);
});

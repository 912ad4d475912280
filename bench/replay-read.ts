/**
 * Replay read throughput: how fast recordings become source records and ECS events, beside the
 * floor of only reading the file and JSON.parse-ing each line.
 *
 * `generateEsloggerRecording` writes a deterministic eslogger recording (a shell running commands:
 * fork, exec and exit of each, every 500th command an SMB mount) for this and the pipeline bench.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';

import { createNormalizer } from '../src/normalize/index.js';
import { createProcessTable } from '../src/process-table/index.js';
import { createReplaySource } from '../src/sources/index.js';
import {
  execMessage,
  exitMessage,
  forkMessage,
  timeAt,
  toEsloggerLine,
  type MessageVersion,
  type ProcessSpec,
} from '../test/fixtures/eslogger/message-factory.js';

const BENCH_EVENTS = 200_000;
const START = '2026-11-20T09:00:00.000Z';

const COMMANDS: [string, string[]][] = [
  ['/bin/ls', ['ls', '-la']],
  ['/usr/bin/git', ['git', 'status', '--short']],
  ['/usr/bin/grep', ['grep', '-rn', 'TODO', 'src']],
  ['/bin/cat', ['cat', 'README.md']],
  ['/usr/bin/make', ['make', '-j8', 'test']],
];
const SMB_MOUNT: [string, string[]] = [
  '/sbin/mount_smbfs',
  ['mount_smbfs', '//bench@fileserver.example/share', '/Volumes/share'],
];

/**
 * Writes `events` eslogger lines to `file` (fork, exec, exit per command; message versions 9 and
 * 10 alternate by command). The same arguments always give the same bytes.
 */
export async function generateEsloggerRecording(file: string, events: number): Promise<void> {
  const out = createWriteStream(file);
  const shell: ProcessSpec = {
    pid: 3001,
    pidversion: 40_000,
    path: '/bin/zsh',
    parent: { pid: 612, pidversion: 2204 },
    tty: true,
  };

  let written = 0;
  for (let command = 0; written < events; command += 1) {
    const lines = commandLines(shell, command).slice(0, events - written);
    written += lines.length;
    if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain');
  }

  out.end();
  await once(out, 'finish');
}

function commandLines(shell: ProcessSpec, command: number): string[] {
  const version: MessageVersion = command % 2 === 0 ? 9 : 10;
  const [executable, args] =
    command % 500 === 499 ? SMB_MOUNT : (COMMANDS[command % COMMANDS.length] ?? SMB_MOUNT);
  const pid = 10_000 + (command % 50_000);
  const copy: ProcessSpec = { ...shell, pid, pidversion: 100_000 + command * 2, parent: shell };
  const image: ProcessSpec = { ...copy, pidversion: copy.pidversion + 1, path: executable };

  const seq = command * 3;
  const envelope = (offset: number) => ({
    version,
    time: timeAt(START, (seq + offset) * 3),
    globalSeqNum: seq + offset + 1,
  });
  return [
    toEsloggerLine(forkMessage(envelope(0), shell, copy)),
    toEsloggerLine(execMessage(envelope(1), copy, image, args)),
    toEsloggerLine(exitMessage(envelope(2), image, 0)),
  ];
}

export async function timeReadAndParse(file: string): Promise<number> {
  const startedNs = process.hrtime.bigint();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let parsed = 0;
  for await (const line of lines) {
    JSON.parse(line);
    parsed += 1;
  }
  return secondsSince(startedNs, parsed);
}

async function timeReplay(file: string, normalize: boolean): Promise<number> {
  const normalizer = createNormalizer({ table: createProcessTable(), host: { hostname: 'bench' } });
  const startedNs = process.hrtime.bigint();
  let events = 0;
  // Chunk by chunk, as the pipeline's drainSource reads a replay.
  const batches = createReplaySource({ paths: [file] }).batches?.() ?? [];
  for await (const batch of batches) {
    for (const record of batch) {
      if (record.kind !== 'es-message') continue;
      const outcome = normalize ? normalizer.normalize(record.message, record.origin) : undefined;
      if (outcome === undefined || outcome.kind === 'event') events += 1;
    }
  }
  return secondsSince(startedNs, events);
}

function secondsSince(startedNs: bigint, count: number): number {
  if (count === 0) throw new Error('the benchmark read nothing');
  return Number(process.hrtime.bigint() - startedNs) / 1e9;
}

/** Runs of each measurement; the fastest counts (shared CI machines are noisy). */
const TRIALS = 3;

/**
 * Wall time and this process's CPU time of `action`, in seconds: the fastest of `TRIALS` runs,
 * so the figure is for the code, not for whatever else the machine was doing.
 */
export async function measure(
  action: () => Promise<number>,
): Promise<{ wallS: number; cpuS: number }> {
  let best = { wallS: Number.POSITIVE_INFINITY, cpuS: Number.POSITIVE_INFINITY };
  for (let trial = 0; trial < TRIALS; trial++) {
    const cpuBefore = process.cpuUsage();
    const wallS = await action();
    const cpu = process.cpuUsage(cpuBefore);
    if (wallS < best.wallS) best = { wallS, cpuS: (cpu.user + cpu.system) / 1e6 };
  }
  return best;
}

export function rate(events: number, time: { wallS: number; cpuS: number }): string {
  const perSecond = Math.round(events / time.wallS).toLocaleString('en-US');
  return `${perSecond} events/s (wall ${time.wallS.toFixed(2)} s, cpu ${time.cpuS.toFixed(2)} s)`;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'execwatch-bench-'));
  const file = path.join(dir, 'bench.eslogger.jsonl');
  try {
    await generateEsloggerRecording(file, BENCH_EVENTS);
    const megabytes = statSync(file).size / 1024 / 1024;
    console.log(`replay-read: ${BENCH_EVENTS} eslogger events, ${megabytes.toFixed(0)} MiB`);

    const floor = await measure(() => timeReadAndParse(file));
    const source = await measure(() => timeReplay(file, false));
    const normalized = await measure(() => timeReplay(file, true));
    console.log(`  read + JSON.parse only:           ${rate(BENCH_EVENTS, floor)}`);
    console.log(`  replay source (records):          ${rate(BENCH_EVENTS, source)}`);
    console.log(`  replay source + normalize to ECS: ${rate(BENCH_EVENTS, normalized)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isMain =
  process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1]));
if (isMain) await run();

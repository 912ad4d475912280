/**
 * Whole-pipeline replay throughput: a generated 200 000-event eslogger recording through the
 * replay source, normalization, process table, detection engine and alert builder — with the
 * built-in pack, and with 90 generated process rules on top — beside the floor of only reading
 * the file and JSON.parse-ing each line. Each figure is the fastest of three runs. Also prints the
 * heap and RSS after the runs.
 *
 * Target (issue #3): with 80+ process rules loaded, replay reaches at least 60% of the floor's
 * events/s.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createDetectionEngine } from '../src/detect/index.js';
import { createDetectionPipeline, drainSource } from '../src/pipeline/index.js';
import { loadRules } from '../src/rules/index.js';
import type { LoadedRule } from '../src/rules/index.js';
import { createReplaySource } from '../src/sources/index.js';
import { generateRules } from './eql-corpus.js';
import { generateEsloggerRecording, measure, rate, timeReadAndParse } from './replay-read.js';

const BENCH_EVENTS = 200_000;
const GENERATED_RULES = 90;

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'execwatch-bench-replay-'));
  const recording = path.join(dir, 'bench.eslogger.jsonl');
  try {
    await generateEsloggerRecording(recording, BENCH_EVENTS);
    const builtin = await loadRules({ paths: [], builtin: true });
    const generated = await loadRules({ paths: [writeRuleFiles(dir)], builtin: true });
    console.log(`replay: ${BENCH_EVENTS.toLocaleString('en-US')} eslogger events`);

    const floor = await measure(() => timeReadAndParse(recording));
    console.log(`  read + JSON.parse only:            ${rate(BENCH_EVENTS, floor)}`);
    await reportPipeline(recording, builtin.rules, floor.wallS);
    await reportPipeline(recording, generated.rules, floor.wallS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function reportPipeline(recording: string, rules: LoadedRule[], floorS: number) {
  let alerts = 0;
  const time = await measure(async () => {
    alerts = 0;
    const pipeline = createDetectionPipeline({
      engine: createDetectionEngine({ rules }),
      agent: { id: 'bench', name: 'bench', version: '0' },
      onAlert: () => (alerts += 1),
    });
    const startedMs = performance.now();
    await drainSource(createReplaySource({ paths: [recording] }), pipeline.handle);
    pipeline.finish();
    return (performance.now() - startedMs) / 1000;
  });

  const label = `full pipeline, ${rules.length} rules:`.padEnd(35);
  const ofFloor = Math.round((floorS / time.wallS) * 100);
  console.log(`  ${label}${rate(BENCH_EVENTS, time)}, ${ofFloor}% of the floor, ${alerts} alerts`);
  console.log(`  ${''.padEnd(35)}${describeMemory()}`);
}

function describeMemory(): string {
  globalThis.gc?.();
  const usage = process.memoryUsage();
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  return `memory after: heap used ${mib(usage.heapUsed)}, rss ${mib(usage.rss)}`;
}

/** The generated process rules as detection-rules TOML files, so they load like real ones. */
function writeRuleFiles(dir: string): string {
  const rulesDir = path.join(dir, 'rules');
  mkdirSync(rulesDir);
  const { eventRules } = generateRules(GENERATED_RULES, 0);
  for (const [index, query] of eventRules.entries()) {
    const file = path.join(rulesDir, `rule-${String(index).padStart(3, '0')}.toml`);
    writeFileSync(file, ruleToml(index, query));
  }
  return rulesDir;
}

function ruleToml(index: number, query: string): string {
  return [
    '[metadata]',
    'creation_date = "2026/12/01"',
    '',
    '[rule]',
    `rule_id = "bench-${index}"`,
    `name = "Bench rule ${index}"`,
    'description = "A generated process rule for the replay benchmark."',
    'risk_score = 47',
    'severity = "medium"',
    'type = "eql"',
    'language = "eql"',
    `query = '''\n${query}\n'''`,
    '',
  ].join('\n');
}

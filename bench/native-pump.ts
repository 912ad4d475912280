/**
 * The native path from an ES message to a JS object, measured with the test-only addon (the same
 * queue, thread-safe function and conversion as the ES addon; Linux or macOS). Figures:
 * - producer cost per record on the "ES thread": building a sample record (a stand-in for the
 *   copy-out from an es_message_t, which needs a Mac) plus the queue push and wake-up,
 * - JS-thread conversion of a record into an eslogger-shaped object,
 * - end to end: a producer thread offering while the JS thread drains.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface BenchPump {
  produceOnThread(name: string, count: number): { accepted: number; elapsedMs: number };
  close(): void;
}

interface BenchAddon {
  convertSample(name: string): unknown;
  TestPump: new (maxQueueEvents: number, onRecords: (records: unknown[]) => void) => BenchPump;
}

const RECORDS = 200_000;
const CONVERSIONS = 100_000;

function loadAddon(): BenchAddon {
  const candidates = ['../build/Release', '../native/build/Release'].map((dir) =>
    fileURLToPath(new URL(`${dir}/execwatch_native_test.node`, import.meta.url)),
  );
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error('build the native test addon first (npm ci)');
  return createRequire(import.meta.url)(found) as BenchAddon;
}

function perSecond(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

function measureConversion(addon: BenchAddon): void {
  const started = performance.now();
  for (let index = 0; index < CONVERSIONS; index += 1) addon.convertSample('exec');
  const elapsedMs = performance.now() - started;
  console.log(`  convert exec record to JS object: ${perSecond(CONVERSIONS, elapsedMs)}`);
}

async function measureEndToEnd(addon: BenchAddon): Promise<void> {
  let delivered = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const pump = new addon.TestPump(RECORDS, (records) => {
    delivered += records.length;
    if (delivered >= RECORDS) done();
  });

  const started = performance.now();
  const produced = pump.produceOnThread('exec', RECORDS);
  await finished;
  const elapsedMs = performance.now() - started;
  pump.close();

  const nsPerOffer = (produced.elapsedMs * 1e6) / RECORDS;
  console.log(`  producer: build record + offer:    ${nsPerOffer.toFixed(0)} ns/record`);
  console.log(`  offer + deliver + convert:         ${perSecond(RECORDS, elapsedMs)}`);
}

export async function run(): Promise<void> {
  const addon = loadAddon();
  console.log(`native-pump: ${RECORDS} exec records through the record pump`);
  measureConversion(addon);
  await measureEndToEnd(addon);
}

const isMain =
  process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1]));
if (isMain) await run();

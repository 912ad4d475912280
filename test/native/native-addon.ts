/**
 * Loads the test-only native addon (execwatch_native_test.node) that `npm ci` builds with
 * node-gyp into build/Release, or cmake-js into native/build/Release.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface PumpCounts {
  accepted: number;
  dropped: number;
  elapsedMs: number;
}

export interface PumpStats {
  offered: number;
  delivered: number;
  queueDrops: number;
  queued: number;
  maxQueueEvents: number;
}

export interface SampleOptions {
  withEnv?: boolean;
  pidversion?: number;
  inode?: bigint | number;
  machTime?: bigint | number;
}

export type SampleName = 'exec' | 'exit' | 'fork';

export interface TestPump {
  offerFromJsThread(name: SampleName, count: number, options?: SampleOptions): PumpCounts;
  produceOnThread(name: SampleName, count: number): PumpCounts;
  stats(): PumpStats;
  close(): void;
}

export interface NativeTestAddon {
  convertSample(name: SampleName, options?: SampleOptions): Record<string, unknown>;
  newClientResultName(result: number): string;
  trackSequences(observations: [number, number | null, number | null][]): {
    globalDrops: number;
    eventTypeDrops: number;
    byEventType: Record<string, number>;
  };
  TestPump: new (maxQueueEvents: number, onRecords: (records: unknown[]) => void) => TestPump;
}

const CANDIDATES = [
  '../../build/Release/execwatch_native_test.node',
  '../../native/build/Release/execwatch_native_test.node',
].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));

export function loadNativeTestAddon(): NativeTestAddon {
  const path = CANDIDATES.find((candidate) => existsSync(candidate));
  if (path === undefined) {
    throw new Error(
      `execwatch_native_test.node is not built (looked for ${CANDIDATES.join(', ')}); ` +
        'run `npx node-gyp rebuild` or `npx cmake-js compile -d native`',
    );
  }
  return createRequire(import.meta.url)(path) as NativeTestAddon;
}

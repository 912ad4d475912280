/**
 * The contract between the delivery machinery and one collector protocol. A sender only sends:
 * it owns its connection, says per alert whether the collector took it, and throws a
 * DeliveryError when the whole batch failed. Batching, retry, the spool and counting happen
 * around it (output-worker.ts), the same for every protocol.
 */
import type { Logger } from '../shared/logger.js';
import type { SpoolRecord } from './spool.js';
import type { OutputCounters } from './stats.js';
import type { ItemOutcome } from './with-retry.js';

export interface Sender {
  /** One outcome per record, in order; throws DeliveryError when nothing was delivered. */
  send(records: SpoolRecord[], signal: AbortSignal): Promise<ItemOutcome[]>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

export interface SenderContext {
  name: string;
  logger: Logger;
  counters: OutputCounters;
  now: () => number;
}

/** Every record delivered: the answer of protocols without per-item results. */
export function allDelivered(records: SpoolRecord[]): ItemOutcome[] {
  return records.map(() => ({ kind: 'delivered' }));
}

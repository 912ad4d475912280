/**
 * When to send: a batch goes out as soon as it is full (by events or bytes), when its oldest
 * alert has waited `flushIntervalMs`, or when a flush was asked for. A pure decision, so the
 * output worker's loop stays a loop and the rule can be tested as a table.
 */

export interface BatchLimits {
  maxBatchEvents: number;
  maxBatchBytes: number;
  flushIntervalMs: number;
}

export interface BatchState {
  pendingEvents: number;
  pendingBytes: number;
  /** How long the oldest pending alert has waited, as far as the worker knows. */
  waitedMs: number;
  flushRequested: boolean;
}

export type BatchDecision = { kind: 'idle' } | { kind: 'send' } | { kind: 'wait'; waitMs: number };

export function decideBatch(state: BatchState, limits: BatchLimits): BatchDecision {
  if (state.pendingEvents === 0) return { kind: 'idle' };

  const isFull =
    state.pendingEvents >= limits.maxBatchEvents || state.pendingBytes >= limits.maxBatchBytes;
  const hasWaitedEnough = state.waitedMs >= limits.flushIntervalMs;
  if (isFull || hasWaitedEnough || state.flushRequested) return { kind: 'send' };

  return { kind: 'wait', waitMs: limits.flushIntervalMs - state.waitedMs };
}

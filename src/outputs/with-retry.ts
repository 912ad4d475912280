/**
 * The retry wrapper: sends a batch, settles each item (delivered, refused, or to try again) and
 * repeats the unsettled remainder after the policy's delay, until every item is settled or the
 * caller stops. Only the items that failed are sent again, so a partial bulk failure does not
 * duplicate the items that already went through.
 *
 * Waits use cancellable timers: stopping (close) or hurrying (flush) ends a wait at once.
 */
import { DeliveryError } from './delivery-error.js';
import { isRetryableFailure, nextRetryDelayMs, type RetryPolicy } from './retry-policy.js';
import type { Timers } from './timers.js';

/** How the collector settled one item of a batch. */
export type ItemOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; error: DeliveryError }
  | { kind: 'rejected'; reason: string; status?: number };

/** One attempt over the items; one outcome per item, in order. Throws for a whole-batch error. */
export type Attempt<T> = (items: T[], signal: AbortSignal) => Promise<ItemOutcome[]>;

export interface RetryHooks<T> {
  onAttempt(items: T[]): void;
  onDelivered(items: T[]): void;
  onRejected(item: T, reason: string, status: number | undefined): void;
  onRetry(items: T[], error: DeliveryError, delayMs: number): void;
}

export interface RetryOptions<T> {
  policy: RetryPolicy;
  timers: Timers;
  random: () => number;
  signal: AbortSignal;
  /** A wait in progress ends early when this fires (flush). */
  hurry: Wakeup;
  hooks: RetryHooks<T>;
}

/** Resolves 'settled' when every item is delivered or refused, 'stopped' when aborted first. */
export async function retryUntilSettled<T>(
  items: T[],
  attempt: Attempt<T>,
  options: RetryOptions<T>,
): Promise<'settled' | 'stopped'> {
  let pending = items;
  let attemptNumber = 0;

  while (pending.length > 0) {
    if (options.signal.aborted) return 'stopped';
    options.hooks.onAttempt(pending);

    const { retry, error } = await settleAttempt(pending, attempt, options);
    if (retry.length === 0 || error === undefined) return 'settled';
    if (options.signal.aborted) return 'stopped';

    attemptNumber += 1;
    const delayMs = nextRetryDelayMs(options.policy, {
      attempt: attemptNumber,
      retryAfterMs: error.retryAfterMs,
      random: options.random,
    });
    options.hooks.onRetry(retry, error, delayMs);
    await options.hurry.wait(options.timers, delayMs, options.signal);
    pending = retry;
  }
  return 'settled';
}

async function settleAttempt<T>(
  items: T[],
  attempt: Attempt<T>,
  options: RetryOptions<T>,
): Promise<{ retry: T[]; error: DeliveryError | undefined }> {
  let outcomes: ItemOutcome[];
  try {
    outcomes = await untilAborted(attempt(items, options.signal), options.signal);
  } catch (thrown) {
    outcomes = items.map(() => outcomeOfFailure(thrown));
  }

  const delivered: T[] = [];
  const retry: T[] = [];
  let lastError: DeliveryError | undefined;
  items.forEach((item, index) => {
    const outcome = outcomes[index] ?? missingOutcome();
    if (outcome.kind === 'delivered') delivered.push(item);
    if (outcome.kind === 'rejected') options.hooks.onRejected(item, outcome.reason, outcome.status);
    if (outcome.kind === 'retry') {
      retry.push(item);
      lastError = outcome.error;
    }
  });

  if (delivered.length > 0) options.hooks.onDelivered(delivered);
  return { retry, error: lastError };
}

/** The attempt's result, or a rejection as soon as the signal aborts (a sender may ignore it). */
function untilAborted<R>(work: Promise<R>, signal: AbortSignal): Promise<R> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function outcomeOfFailure(thrown: unknown): ItemOutcome {
  const error =
    thrown instanceof DeliveryError
      ? thrown
      : new DeliveryError('OUTPUT_WRITE_FAILED', String(thrown), { cause: thrown });
  if (isRetryableFailure(error)) return { kind: 'retry', error };

  const rejected: ItemOutcome = { kind: 'rejected', reason: error.message };
  return error.status === undefined ? rejected : { ...rejected, status: error.status };
}

function missingOutcome(): ItemOutcome {
  return {
    kind: 'retry',
    error: new DeliveryError('OUTPUT_BAD_RESPONSE', 'The collector did not answer for every item'),
  };
}

/**
 * A wait that can be ended early: `wait` resolves after `delayMs`, on `wake()`, or on abort,
 * whichever comes first. Many waiters may wait at once; `wake()` releases them all.
 */
export class Wakeup {
  private waiters = new Set<() => void>();

  wait(timers: Timers, delayMs: number | undefined, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted === true) return resolve();

      let handle: unknown;
      const release = (): void => {
        this.waiters.delete(release);
        if (handle !== undefined) timers.clearTimeout(handle);
        signal?.removeEventListener('abort', release);
        resolve();
      };
      this.waiters.add(release);
      signal?.addEventListener('abort', release, { once: true });
      if (delayMs !== undefined) handle = timers.setTimeout(release, delayMs);
    });
  }

  wake(): void {
    for (const release of [...this.waiters]) release();
  }
}

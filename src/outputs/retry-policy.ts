/**
 * The retry policy: pure functions, no timers, no I/O. Given a failure and the attempt number
 * they say whether to try again and how long to wait first.
 *
 * Backoff is exponential with full jitter (a uniform delay between 0 and the current ceiling),
 * so agents that lost the same collector at the same moment do not come back in step. The
 * ceiling doubles per attempt up to `maxDelayMs`. A `Retry-After` from the collector wins over
 * the backoff (capped by `maxRetryAfterMs`, so a confused server cannot park an output for a
 * day). Alerts are never given up on for being late: a retryable failure is retried until it
 * succeeds or the spool drops the alert for space.
 */
import { DeliveryError } from './delivery-error.js';

export interface RetryPolicy {
  /** Ceiling of the first backoff. */
  initialDelayMs: number;
  /** Largest backoff ceiling. */
  maxDelayMs: number;
  /** Largest wait a `Retry-After` header may impose. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 600_000,
};

/**
 * HTTP statuses that mean "this request might succeed later". 401/403/404/407 are retried too:
 * they are configuration problems (a revoked key, a wrong URL) that an operator fixes, and
 * dead-lettering every alert meanwhile would lose them. Any other 4xx says the payload itself
 * was refused, so it goes to the dead-letter file instead.
 */
const retryableStatuses = new Set([401, 403, 404, 407, 408, 425, 429]);

/** True when a failed attempt should be repeated rather than dead-lettered. */
export function isRetryableFailure(error: unknown): boolean {
  if (!(error instanceof DeliveryError)) return true;
  if (error.code === 'OUTPUT_CONFIG') return false;
  if (error.status === undefined) return true;
  return error.status >= 500 || retryableStatuses.has(error.status);
}

/** True for a per-item status (a bulk item, a HEC event) that is worth sending again. */
export function isRetryableItemStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export interface RetryDelayInput {
  /** 1 for the first retry. */
  attempt: number;
  retryAfterMs?: number | undefined;
  /** A number in [0, 1); Math.random in production, fixed in tests. */
  random: () => number;
}

/** The wait before retry number `attempt`. */
export function nextRetryDelayMs(policy: RetryPolicy, input: RetryDelayInput): number {
  if (input.retryAfterMs !== undefined) {
    return Math.min(Math.max(0, input.retryAfterMs), policy.maxRetryAfterMs);
  }

  const exponent = Math.min(Math.max(0, input.attempt - 1), 30);
  const ceilingMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
  return Math.floor(input.random() * ceilingMs);
}

/**
 * A `Retry-After` header value in ms from `nowMs`: either delay-seconds or an HTTP date.
 * Undefined when absent or unreadable (then the backoff applies).
 */
export function parseRetryAfterMs(header: unknown, nowMs: number): number | undefined {
  if (typeof header !== 'string') return undefined;
  const text = header.trim();
  if (text === '') return undefined;

  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date always names a weekday and month; this keeps "-3" from parsing as a year.
  if (!/[a-z]/i.test(text)) return undefined;

  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

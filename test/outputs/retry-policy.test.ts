import { describe, expect, it } from 'vitest';

import { DeliveryError } from '../../src/outputs/delivery-error.js';
import {
  defaultRetryPolicy,
  isRetryableFailure,
  isRetryableItemStatus,
  nextRetryDelayMs,
  parseRetryAfterMs,
} from '../../src/outputs/retry-policy.js';

const policy = { initialDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

function httpError(status: number): DeliveryError {
  return new DeliveryError('OUTPUT_HTTP_STATUS', `status ${status}`, { status });
}

describe('nextRetryDelayMs', () => {
  it.each([
    { attempt: 1, random: 0.999, want: 99 },
    { attempt: 2, random: 0.5, want: 100 },
    { attempt: 3, random: 0.5, want: 200 },
    { attempt: 5, random: 0.999, want: 999 },
    { attempt: 40, random: 0.5, want: 500 },
    { attempt: 3, random: 0, want: 0 },
  ])(
    'gives a full-jitter delay under the capped ceiling (attempt $attempt)',
    ({ attempt, random, want }) => {
      const got = nextRetryDelayMs(policy, { attempt, random: () => random });

      expect(got).toBe(want);
    },
  );

  it('honours Retry-After over the backoff', () => {
    const got = nextRetryDelayMs(policy, { attempt: 1, retryAfterMs: 3000, random: () => 0.5 });

    expect(got).toBe(3000);
  });

  it('caps Retry-After at maxRetryAfterMs', () => {
    const got = nextRetryDelayMs(policy, { attempt: 1, retryAfterMs: 86_400_000, random: () => 0 });

    expect(got).toBe(5000);
  });

  it('keeps defaults in one object with units', () => {
    expect(defaultRetryPolicy).toEqual({
      initialDelayMs: 500,
      maxDelayMs: 60_000,
      maxRetryAfterMs: 600_000,
    });
  });
});

describe('parseRetryAfterMs', () => {
  const nowMs = Date.parse('2026-01-01T00:00:00Z');

  it.each([
    { header: '7', want: 7000 },
    { header: ' 0 ', want: 0 },
    { header: 'Thu, 01 Jan 2026 00:00:30 GMT', want: 30_000 },
    { header: 'Wed, 31 Dec 2025 23:59:00 GMT', want: 0 },
    { header: 'soon', want: undefined },
    { header: '', want: undefined },
    { header: '-3', want: undefined },
    { header: undefined, want: undefined },
  ])('reads "$header" as $want ms', ({ header, want }) => {
    expect(parseRetryAfterMs(header, nowMs)).toBe(want);
  });
});

describe('isRetryableFailure', () => {
  it.each([
    { status: 429, want: true },
    { status: 500, want: true },
    { status: 503, want: true },
    { status: 408, want: true },
    { status: 401, want: true },
    { status: 403, want: true },
    { status: 404, want: true },
    { status: 400, want: false },
    { status: 413, want: false },
    { status: 422, want: false },
  ])('says $want for a whole-request HTTP $status', ({ status, want }) => {
    expect(isRetryableFailure(httpError(status))).toBe(want);
  });

  it.each([
    'OUTPUT_CONNECT_FAILED',
    'OUTPUT_CONNECTION_LOST',
    'OUTPUT_TIMEOUT',
    'OUTPUT_TLS_FAILED',
  ] as const)('retries a %s without a status', (code) => {
    expect(isRetryableFailure(new DeliveryError(code, 'x'))).toBe(true);
  });

  it('does not retry a configuration error', () => {
    expect(isRetryableFailure(new DeliveryError('OUTPUT_CONFIG', 'bad'))).toBe(false);
  });
});

describe('isRetryableItemStatus', () => {
  it.each([
    { status: 429, want: true },
    { status: 500, want: true },
    { status: 503, want: true },
    { status: 400, want: false },
    { status: 404, want: false },
  ])('says $want for a bulk item status $status', ({ status, want }) => {
    expect(isRetryableItemStatus(status)).toBe(want);
  });
});

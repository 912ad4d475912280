import { describe, expect, it } from 'vitest';

import { createAlertGate, suppressionKey } from '../../src/detect/alert-gate.js';
import { makeEvent, makeRule } from '../rules/factories.js';

const SUPPRESS_BY_HOST_AND_USER = {
  groupBy: ['host.name', 'user.name'],
  durationMs: 60_000,
  missingFields: 'suppress',
} as const;

describe('suppressionKey', () => {
  it('takes each group-by field from the first event of a sequence that has it', () => {
    const rule = makeRule({ suppression: { ...SUPPRESS_BY_HOST_AND_USER } });
    const first = makeEvent({ user: { name: null } });
    const second = makeEvent({ host: { name: 'other' }, user: { name: 'bob' } });

    const got = suppressionKey(rule, [first, second]);

    expect(got).toBe(JSON.stringify([['mbp-alice'], ['bob']]));
  });

  it('is null for a rule without suppression', () => {
    expect(suppressionKey(makeRule(), [makeEvent()])).toBeNull();
  });
});

describe('createAlertGate', () => {
  it('does not spend max_signals on suppressed matches', () => {
    const rule = makeRule({ maxSignals: 2, suppression: { ...SUPPRESS_BY_HOST_AND_USER } });
    const gate = createAlertGate(rule);
    const on = (host: string) => gate.decide([makeEvent({ host: { name: host } })], 0).kind;

    const got = [on('a'), on('a'), on('a'), on('b'), on('c')];

    expect(got).toEqual(['send', 'suppressed', 'suppressed', 'send', 'throttled']);
  });

  it('opens no suppression window for a throttled match', () => {
    const rule = makeRule({
      maxSignals: 1,
      intervalMs: 1_000,
      suppression: { ...SUPPRESS_BY_HOST_AND_USER },
    });
    const gate = createAlertGate(rule);
    const on = (host: string, nowMs: number) =>
      gate.decide([makeEvent({ host: { name: host } })], nowMs);

    const got = [on('a', 0), on('b', 10), on('b', 1_000)];

    expect(got).toEqual([
      { kind: 'send', suppressedCount: 0 },
      { kind: 'throttled' },
      { kind: 'send', suppressedCount: 1 },
    ]);
  });

  it('follows a reloaded rule’s new limits', () => {
    const gate = createAlertGate(makeRule({ maxSignals: 1 }));
    gate.decide([makeEvent()], 0);

    gate.updateRule(makeRule({ maxSignals: 5 }));
    const got = gate.decide([makeEvent()], 1);

    expect(got.kind).toBe('send');
  });
});

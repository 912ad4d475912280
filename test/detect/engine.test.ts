import { describe, expect, it } from 'vitest';

import { createDetectionEngine } from '../../src/detect/index.js';
import { compileExceptionLists, exceptionItemSchema } from '../../src/rules/index.js';
import type { ExceptionItemInput, LoadedRule } from '../../src/rules/index.js';
import { toExceptionItem } from '../../src/rules/exceptions.js';
import { makeEvent, makeRule } from '../rules/factories.js';

function createClock(startMs = 1_000_000) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

function exceptionsOf(...items: ExceptionItemInput[]) {
  const list = {
    listId: 'tuning',
    name: 'tuning',
    appliesToAll: false,
    items: items.map((item, i) => toExceptionItem(exceptionItemSchema.parse(item), `i${i}`)),
    origin: { file: 'test' },
  };
  return compileExceptionLists([list], 0).compiled;
}

const SEQUENCE_QUERY = `sequence by host.name with maxspan=1m
  [process where process.name == "curl"]
  [process where process.name == "chmod"]`;

describe('createDetectionEngine', () => {
  it('raises one detection per matching rule with the matched event', () => {
    const rule = makeRule();
    const engine = createDetectionEngine({ rules: [rule] });
    const event = makeEvent();

    const got = engine.process(event);

    expect(got).toEqual([{ rule, events: [event], suppressedCount: 0 }]);
  });

  it('evaluates only the rules the prefilter keeps for the event', () => {
    const rules = [
      makeRule({ ruleId: 'smb', query: 'process where process.name : "mount_smbfs"' }),
      makeRule({ ruleId: 'curl', query: 'process where process.name == "curl"' }),
      makeRule({ ruleId: 'net', query: 'network where destination.port == 445' }),
      makeRule({ ruleId: 'any-name', query: 'process where process.args : "smb://*"' }),
    ];
    const engine = createDetectionEngine({ rules });

    engine.process(makeEvent({ process: { name: 'MOUNT_SMBFS' } }));

    expect(engine.stats()).toMatchObject({ rules: 4, evaluated: 2, matched: 1 });
  });

  it('keeps sequence state per rule and raises the whole sequence', () => {
    const engine = createDetectionEngine({
      rules: [makeRule({ ruleId: 'seq', query: SEQUENCE_QUERY })],
    });
    const curl = makeEvent({ process: { name: 'curl' } });
    const chmod = makeEvent({ process: { name: 'chmod' } });

    const first = engine.process(curl);
    const second = engine.process(chmod);

    expect(first).toEqual([]);
    expect(second.map((d) => d.events)).toEqual([[curl, chmod]]);
  });

  it('drops a match an exception item covers, and counts it', () => {
    const rule = makeRule({
      exceptions: exceptionsOf({
        entries: [{ type: 'match', field: 'user.name', value: 'it-admin' }],
      }),
    });
    const engine = createDetectionEngine({ rules: [rule] });

    const excluded = engine.process(makeEvent({ user: { name: 'it-admin' } }));
    const kept = engine.process(makeEvent({ user: { name: 'alice' } }));

    expect([excluded.length, kept.length]).toEqual([0, 1]);
    expect(engine.stats()).toMatchObject({ matched: 2, excluded: 1 });
  });

  it('keeps an excluded event out of a sequence, as Kibana filters it from the search', () => {
    const rule = makeRule({
      query: SEQUENCE_QUERY,
      exceptions: exceptionsOf({
        entries: [{ type: 'match', field: 'user.name', value: 'builder' }],
      }),
    });
    const engine = createDetectionEngine({ rules: [rule] });

    engine.process(makeEvent({ process: { name: 'curl' }, user: { name: 'builder' } }));
    const got = engine.process(makeEvent({ process: { name: 'chmod' } }));

    expect(got).toEqual([]);
  });

  it('sends at most max_signals alerts per interval and carries the throttled count', () => {
    const clock = createClock();
    const rule = makeRule({ maxSignals: 2, intervalMs: 60_000 });
    const engine = createDetectionEngine({ rules: [rule], now: clock.now });

    const inWindow = [1, 2, 3, 4].map(() => engine.process(makeEvent()).length);
    clock.advance(60_000);
    const next = engine.process(makeEvent());

    expect(inWindow).toEqual([1, 1, 0, 0]);
    expect(next.map((d) => d.suppressedCount)).toEqual([2]);
    expect(engine.stats()).toMatchObject({ throttled: 2 });
  });

  it('suppresses alerts by group-by fields over the duration and carries the count', () => {
    const clock = createClock();
    const rule = makeRule({
      suppression: { groupBy: ['host.name'], durationMs: 600_000, missingFields: 'suppress' },
    });
    const engine = createDetectionEngine({ rules: [rule], now: clock.now });
    const onHost = (name: string) => engine.process(makeEvent({ host: { name } })).length;

    const firstWindow = [onHost('a'), onHost('a'), onHost('b'), onHost('a')];
    clock.advance(600_000);
    const afterWindow = engine.process(makeEvent({ host: { name: 'a' } }));

    expect(firstWindow).toEqual([1, 0, 1, 0]);
    expect(afterWindow.map((d) => d.suppressedCount)).toEqual([2]);
    expect(engine.stats()).toMatchObject({ suppressed: 2 });
  });

  it.each([
    ['suppress', [1, 0]],
    ['doNotSuppress', [1, 1]],
  ] as const)('with missing group-by fields and %s, sends %j', (missingFields, want) => {
    const rule = makeRule({
      suppression: { groupBy: ['source.ip'], durationMs: 600_000, missingFields },
    });
    const engine = createDetectionEngine({ rules: [rule], now: createClock().now });

    const got = [engine.process(makeEvent()).length, engine.process(makeEvent()).length];

    expect(got).toEqual(want);
  });

  it('keeps throttling windows for rules that survive a reload, and drops removed rules', () => {
    const clock = createClock();
    const rule = makeRule({ maxSignals: 1 });
    const engine = createDetectionEngine({ rules: [rule], now: clock.now });
    engine.process(makeEvent());

    engine.replaceRules([{ ...rule, name: 'Renamed' }]);
    const afterReload = engine.process(makeEvent());
    engine.replaceRules([]);
    const afterRemoval = engine.process(makeEvent());

    expect([afterReload.length, afterRemoval.length]).toEqual([0, 0]);
    expect(engine.stats().rules).toBe(0);
  });

  it('finishes sequences waiting on a trailing missing-event window at flush', () => {
    const query = `sequence with maxspan=1m
      [process where process.name == "curl"]
      ![process where process.name == "chmod"]`;
    const engine = createDetectionEngine({ rules: [makeRule({ query })] });

    const during = engine.process(makeEvent({ process: { name: 'curl' } }));
    const atEnd = engine.flush();

    expect(during).toEqual([]);
    expect(atEnd.map((d) => d.events.length)).toEqual([1]);
  });

  it('raises detections in rule order when several rules match one event', () => {
    const rules: LoadedRule[] = [
      makeRule({ ruleId: 'a', query: 'any where true' }),
      makeRule({ ruleId: 'b', query: 'process where process.name : "mount_smbfs"' }),
      makeRule({ ruleId: 'c', query: 'process where true' }),
    ];
    const engine = createDetectionEngine({ rules });

    const got = engine.process(makeEvent()).map((d) => d.rule.ruleId);

    expect(got).toEqual(['a', 'b', 'c']);
  });
});

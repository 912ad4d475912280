/**
 * The sequence engine against the syntax reference's worked examples (with our own events):
 * the state-machine walk-through by user.name, `until`, `with maxspan`, `with runs`, per-step
 * `by` keys, missing-event steps, and the memory bounds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  compileQuery,
  createQueryRunner,
  type CompiledSequenceQuery,
  type EqlEvent,
} from '../../src/eql/index.js';

const BASE_MS = Date.parse('2026-03-01T10:00:00Z');

interface EventSpec {
  id: string;
  atSeconds?: number;
  category?: string;
  name?: string;
  user?: string;
  extra?: Record<string, unknown>;
}

function makeEvent({ id, atSeconds = 0, category = 'process', name, user, extra }: EventSpec) {
  const event: Record<string, unknown> = {
    '@timestamp': new Date(BASE_MS + atSeconds * 1000).toISOString(),
    event: { id, category: [category] },
    process: name === undefined ? {} : { name },
    ...extra,
  };
  if (user !== undefined) event['user'] = { name: user };
  return event as EqlEvent;
}

function compileSequenceQuery(text: string): CompiledSequenceQuery {
  const compiled = compileQuery(text);
  if (compiled.kind !== 'sequence') throw new Error('expected a sequence query');
  return compiled;
}

function idsOf(sequence: readonly EqlEvent[]): string[] {
  return sequence.map((event) => (event['event'] as { id: string }).id);
}

/** Pushes events in order; returns each completed sequence as its event ids. */
function runAll(query: string, events: readonly EqlEvent[], maxPendingMatches?: number) {
  const state = compileSequenceQuery(query).createState(
    maxPendingMatches === undefined ? {} : { maxPendingMatches },
  );
  const completed: string[][] = [];
  for (const event of events) completed.push(...state.push(event).map(idsOf));
  completed.push(...state.flush().map(idsOf));
  return { completed, stats: state.stats() };
}

describe('sequence engine', () => {
  it('walks the reference state-machine example: one pending match per state and user', () => {
    const query = `sequence by user.name
      [process where process.name == "attrib"]
      [process where process.name == "bash"]
      [process where process.name == "cat"]`;
    const rows: [string, string][] = [
      ['root', 'attrib'],
      ['root', 'attrib'],
      ['elkbee', 'bash'],
      ['root', 'bash'],
      ['root', 'bash'],
      ['elkbee', 'attrib'],
      ['root', 'attrib'],
      ['elkbee', 'bash'],
      ['root', 'cat'],
      ['elkbee', 'cat'],
      ['root', 'cat'],
    ];
    const events = rows.map(([user, name], index) =>
      makeEvent({ id: String(index + 1), atSeconds: index, user, name }),
    );

    const got = runAll(query, events);

    expect(got.completed).toEqual([
      ['2', '4', '9'],
      ['6', '8', '10'],
    ]);
    expect(got.stats.pending).toBe(1);
  });

  it.each([
    ['A, B', ['A', 'B'], [['a1', 'b1']]],
    ['A, B, C', ['A', 'B', 'C'], [['a1', 'b1']]],
    ['A, C, B', ['A', 'C', 'B'], []],
  ])('applies until the way the reference describes: %s', (_label, names, want) => {
    const query = `sequence by user.name
      [process where process.name == "A"]
      [process where process.name == "B"]
    until [process where process.name == "C"]`;
    const events = names.map((name, index) =>
      makeEvent({ id: `${name.toLowerCase()}1`, atSeconds: index, user: 'u', name }),
    );

    const got = runAll(query, events).completed;

    expect(got).toEqual(want);
  });

  it('drops a partial match whose next event comes after maxspan', () => {
    const query = `sequence by user.name with maxspan=15m
      [file where true]
      [process where true]`;
    const events = [
      makeEvent({ id: 'f1', atSeconds: 0, category: 'file', user: 'u' }),
      makeEvent({ id: 'p1', atSeconds: 16 * 60, user: 'u' }),
      makeEvent({ id: 'f2', atSeconds: 17 * 60, category: 'file', user: 'u' }),
      makeEvent({ id: 'p2', atSeconds: 32 * 60, user: 'u' }),
    ];

    const got = runAll(query, events);

    expect(got.completed).toEqual([['f2', 'p2']]);
    expect(got.stats.expired).toBe(1);
  });

  it('accepts a sequence that ends exactly at maxspan', () => {
    const query = 'sequence with maxspan=30s [file where true] [process where true]';
    const events = [
      makeEvent({ id: 'f1', atSeconds: 0, category: 'file' }),
      makeEvent({ id: 'p1', atSeconds: 30 }),
    ];

    const got = runAll(query, events).completed;

    expect(got).toEqual([['f1', 'p1']]);
  });

  it('expands with runs=N into N consecutive steps', () => {
    const query = `sequence by user.name
      [process where process.name == "start"]
      [library where true] with runs=3
      [registry where true]`;
    const events = [
      makeEvent({ id: 's', user: 'u', name: 'start' }),
      makeEvent({ id: 'l1', category: 'library', user: 'u' }),
      makeEvent({ id: 'l2', category: 'library', user: 'u' }),
      makeEvent({ id: 'r0', category: 'registry', user: 'u' }),
      makeEvent({ id: 'l3', category: 'library', user: 'u' }),
      makeEvent({ id: 'r1', category: 'registry', user: 'u' }),
    ];

    const got = runAll(query, events).completed;

    expect(got).toEqual([['s', 'l1', 'l2', 'l3', 'r1']]);
  });

  it('joins on per-step keys held in different fields', () => {
    const query = `sequence by user.name
      [file where file.extension == "exe"] by file.path
      [process where true] by process.executable`;
    const events = [
      makeEvent({
        id: 'f1',
        category: 'file',
        user: 'u',
        extra: { file: { extension: 'exe', path: '/tmp/x' } },
      }),
      makeEvent({ id: 'p-other', user: 'u', extra: { process: { executable: '/tmp/y' } } }),
      makeEvent({ id: 'p-wrong-user', user: 'v', extra: { process: { executable: '/tmp/x' } } }),
      makeEvent({ id: 'p1', user: 'u', extra: { process: { executable: '/tmp/x' } } }),
    ];

    const got = runAll(query, events).completed;

    expect(got).toEqual([['f1', 'p1']]);
  });

  it('never joins an event that lacks a join key, unless the key is ?optional', () => {
    const required = 'sequence by process.pid [process where true] [network where true]';
    const optional = 'sequence by ?process.pid [process where true] [network where true]';
    const events = [makeEvent({ id: 'p' }), makeEvent({ id: 'n', category: 'network' })];

    const gotRequired = runAll(required, events).completed;
    const gotOptional = runAll(optional, events).completed;

    expect(gotRequired).toEqual([]);
    expect(gotOptional).toEqual([['p', 'n']]);
  });

  it('matches logons not followed by a logoff within maxspan (trailing missing step)', () => {
    const query = `sequence by user.name with maxspan=5s
      [authentication where event.code : "4624"]
      ![authentication where event.code : "4647"]`;
    const logon = (id: string, user: string, atSeconds: number) =>
      makeEvent({ id, user, atSeconds, category: 'authentication', extra: {} });
    const withCode = (event: EqlEvent, code: string) =>
      ({ ...event, event: { ...(event['event'] as object), code } }) as EqlEvent;
    const events = [
      withCode(logon('in-a', 'a', 0), '4624'),
      withCode(logon('in-b', 'b', 1), '4624'),
      withCode(logon('out-b', 'b', 3), '4647'),
      withCode(logon('later', 'c', 10), '1'),
    ];

    const got = runAll(query, events).completed;

    expect(got).toEqual([['in-a']]);
  });

  it('rejects a sequence whose middle missing step occurred between its events', () => {
    const query = `sequence by user.name with maxspan=1m
      [process where process.name == "a"]
      ![process where process.name == "b"]
      [process where process.name == "c"]`;
    const events = [
      makeEvent({ id: 'a1', user: 'x', name: 'a', atSeconds: 0 }),
      makeEvent({ id: 'b1', user: 'x', name: 'b', atSeconds: 1 }),
      makeEvent({ id: 'c1', user: 'x', name: 'c', atSeconds: 2 }),
      makeEvent({ id: 'a2', user: 'y', name: 'a', atSeconds: 3 }),
      makeEvent({ id: 'b2', user: 'x', name: 'b', atSeconds: 4 }),
      makeEvent({ id: 'c2', user: 'y', name: 'c', atSeconds: 5 }),
    ];

    const got = runAll(query, events).completed;

    expect(got).toEqual([['a2', 'c2']]);
  });

  it('rejects a sequence preceded by its leading missing step within maxspan', () => {
    const query = `sequence by user.name with maxspan=10s
      ![process where process.name == "guard"]
      [process where process.name == "a"]
      [process where process.name == "c"]`;
    const events = [
      makeEvent({ id: 'g', user: 'x', name: 'guard', atSeconds: 0 }),
      makeEvent({ id: 'a1', user: 'x', name: 'a', atSeconds: 2 }),
      makeEvent({ id: 'c1', user: 'x', name: 'c', atSeconds: 3 }),
      makeEvent({ id: 'a2', user: 'x', name: 'a', atSeconds: 20 }),
      makeEvent({ id: 'c2', user: 'x', name: 'c', atSeconds: 21 }),
    ];

    const got = runAll(query, events).completed;

    expect(got).toEqual([['a2', 'c2']]);
  });

  it('evicts the least recently advanced partial match beyond maxPendingMatches', () => {
    const query = 'sequence by user.name [process where process.name == "a"] [process where true]';
    const starts = ['u1', 'u2', 'u3'].map((user) =>
      makeEvent({ id: `a-${user}`, user, name: 'a' }),
    );
    const finish = makeEvent({ id: 'end-u1', user: 'u1', category: 'process', name: 'z' });

    const got = runAll(query, [...starts, finish], 2);

    expect(got.completed).toEqual([]);
    expect(got.stats).toEqual({ pending: 2, expired: 0, evicted: 1 });
  });

  it('keeps memory bounded over a long stream: expired partials are swept as time passes', () => {
    const query = `sequence by process.entity_id with maxspan=1m
      [process where process.name == "a"]
      [process where process.name == "b"]`;
    const state = compileSequenceQuery(query).createState();

    for (let index = 0; index < 5000; index++) {
      state.push(
        makeEvent({
          id: String(index),
          name: 'a',
          atSeconds: index,
          extra: { process: { name: 'a', entity_id: `e${index}` } },
        }),
      );
    }
    const got = state.stats();

    expect(got.pending).toBeLessThanOrEqual(80);
    expect(got.expired).toBeGreaterThan(4900);
  });

  it('never holds more partial matches than maxPendingMatches, on any stream', () => {
    const query = `sequence by user.name with maxspan=10s
      [process where process.name == "a"]
      [process where process.name == "b"]
      [process where process.name == "c"]
      ![process where process.name == "d"]`;
    const compiled = compileSequenceQuery(query);
    const step = fc.record({
      user: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', 'u6'),
      name: fc.constantFrom('a', 'b', 'c', 'd'),
      gapSeconds: fc.nat({ max: 4 }),
    });

    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        (steps, cap) => {
          const state = compiled.createState({ maxPendingMatches: cap });
          let atSeconds = 0;
          steps.forEach(({ user, name, gapSeconds }, index) => {
            atSeconds += gapSeconds;
            state.push(makeEvent({ id: String(index), user, name, atSeconds }));
            expect(state.stats().pending).toBeLessThanOrEqual(cap);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives each createState() its own independent state', () => {
    const compiled = compileSequenceQuery(
      'sequence [process where process.name == "a"] [process where process.name == "b"]',
    );
    const first = compiled.createState();
    const second = compiled.createState();

    first.push(makeEvent({ id: 'a', name: 'a' }));
    const got = second.push(makeEvent({ id: 'b', name: 'b' }));

    expect(got).toEqual([]);
    expect(first.stats().pending).toBe(1);
  });
});

describe('createQueryRunner', () => {
  const events = ['1', '2', '3', '4', '5'].map((id) => makeEvent({ id, name: 'x' }));
  const idOf = (doc: unknown) => ((doc as EqlEvent)['event'] as { id: string }).id;

  function run(query: string): string[] {
    const runner = createQueryRunner(compileQuery(query));
    const docs = events.flatMap((event) => runner.push(event));
    return [...docs, ...runner.finish()].map(idOf);
  }

  it.each([
    ['process where true', ['1', '2', '3', '4', '5']],
    ['process where true | head 2', ['1', '2']],
    ['process where true | tail 2', ['4', '5']],
    ['process where true | head 4 | tail 2', ['3', '4']],
    ['process where true | tail 3 | head 1', ['3']],
  ])('applies the pipes of %s', (query, want) => {
    const got = run(query);

    expect(got).toEqual(want);
  });

  it('prints a sequence as {sequence: [events]}', () => {
    const runner = createQueryRunner(
      compileQuery('sequence [process where event.id == "1"] [process where event.id == "3"]'),
    );

    const got = events.flatMap((event) => runner.push(event));

    expect(got).toEqual([{ sequence: [events[0], events[2]] }]);
  });
});

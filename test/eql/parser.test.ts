import { describe, expect, it } from 'vitest';

import type { EventQuery, Sequence } from '../../src/eql/ast.js';
import { parseExpression, parseQuery } from '../../src/eql/parser.js';
import {
  and,
  arith,
  bool,
  call,
  cmp,
  field,
  inList,
  match,
  neg,
  nil,
  not,
  num,
  or,
  str,
  stripSpans,
} from './ast-factories.js';
import { SEED_RULE_QUERY } from '../support/seed-rule.js';

function parseEvent(text: string): EventQuery {
  const body = parseQuery(text).body;
  if (body.type !== 'EventQuery') throw new Error(`not an event query: ${text}`);
  return body;
}

function parseSequence(text: string): Sequence {
  const body = parseQuery(text).body;
  if (body.type !== 'Sequence') throw new Error(`not a sequence: ${text}`);
  return body;
}

describe('parseExpression', () => {
  it.each([
    ['a == 1', cmp(field('a'), '==', num('1'))],
    ['a != "x"', cmp(field('a'), '!=', str('x'))],
    ['a < 1.5', cmp(field('a'), '<', num('1.5'))],
    ['a <= -2', cmp(field('a'), '<=', num('-2'))],
    ['a > 1e3', cmp(field('a'), '>', num('1e3'))],
    ['a >= .5', cmp(field('a'), '>=', num('.5'))],
    ['a == null', cmp(field('a'), '==', nil())],
    [
      'a == true or b == false',
      or(cmp(field('a'), '==', bool(true)), cmp(field('b'), '==', bool(false))),
    ],
    ['a and b or c', or(and(field('a'), field('b')), field('c'))],
    ['a or b and c', or(field('a'), and(field('b'), field('c')))],
    ['a or b or c', or(or(field('a'), field('b')), field('c'))],
    ['not a and b', and(not(field('a')), field('b'))],
    ['not not a', not(not(field('a')))],
    ['not a == 1', not(cmp(field('a'), '==', num('1')))],
    ['a and (b or c)', and(field('a'), or(field('b'), field('c')))],
    ['x : "a*"', match(field('x'), ':', [str('a*')])],
    ['x : ("a*", "b")', match(field('x'), ':', [str('a*'), str('b')])],
    ['x like "A?"', match(field('x'), 'like', [str('A?')])],
    ['x like~ ("a", "b")', match(field('x'), 'like', [str('a'), str('b')], true)],
    ['x regex "[a-z]+"', match(field('x'), 'regex', [str('[a-z]+')])],
    ['x regex~ """\\d+"""', match(field('x'), 'regex', [str('\\d+')], true)],
    ['x in ("a", 1, null)', inList(field('x'), [str('a'), num('1'), nil()])],
    ['x in~ ("a")', inList(field('x'), [str('a')], { caseInsensitive: true })],
    ['x not in ("a", "b")', inList(field('x'), [str('a'), str('b')], { negated: true })],
    ['x not in~ ("a")', inList(field('x'), [str('a')], { negated: true, caseInsensitive: true })],
    ['x in (y, 1 + 2)', inList(field('x'), [field('y'), arith(num('1'), '+', num('2'))])],
    ['not x in ("a")', not(inList(field('x'), [str('a')]))],
    ['a + b * c', arith(field('a'), '+', arith(field('b'), '*', field('c')))],
    ['a - b - c', arith(arith(field('a'), '-', field('b')), '-', field('c'))],
    ['(a - b) % 2', arith(arith(field('a'), '-', field('b')), '%', num('2'))],
    ['a / -b', arith(field('a'), '/', neg(field('b')))],
    ['-a * b', arith(neg(field('a')), '*', field('b'))],
    ['- 5', num('-5')],
    ['-(5)', neg(num('5'))],
    ['--5', neg(num('-5'))],
    ['+5', num('5')],
    ['a + b : "x"', arith(field('a'), '+', match(field('b'), ':', [str('x')]))],
    ['length(a) > 3', cmp(call('length', [field('a')]), '>', num('3'))],
    ['endsWith~(a, ".EXE")', call('endsWith', [field('a'), str('.EXE')], true)],
    ['f()', call('f', [])],
    [
      'concat(a, concat(b, "c"))',
      call('concat', [field('a'), call('concat', [field('b'), str('c')])]),
    ],
    ['?user.id != null', cmp(field('user.id', true), '!=', nil())],
    ['`my field`.x == 1', cmp(field(['my field', 'x']), '==', num('1'))],
    ['`a``b` == 1', cmp(field(['a`b']), '==', num('1'))],
    ['@timestamp > 0', cmp(field('@timestamp'), '>', num('0'))],
    ['event.sequence > 0', cmp(field('event.sequence'), '>', num('0'))],
    ['AND == 1', cmp(field('AND'), '==', num('1'))],
    ['a == 9007199254740993', cmp(field('a'), '==', num('9007199254740993'))],
    ['a == 1 // note\n and /* c */ b', and(cmp(field('a'), '==', num('1')), field('b'))],
  ])('parses %j', (text, want) => {
    const got = stripSpans(parseExpression(text));

    expect(got).toEqual(want);
  });

  it('keeps the digits of an integer beyond 2^53 in raw', () => {
    const got = parseExpression('9007199254740993');

    expect(got).toMatchObject({ type: 'Literal', raw: '9007199254740993', value: 2 ** 53 });
  });
});

describe('parseQuery', () => {
  it('parses the seed rule query', () => {
    const query = parseEvent(SEED_RULE_QUERY);

    const got = stripSpans(query.condition);

    const mountSmbfs = match(field('process.name'), ':', [str('mount_smbfs')]);
    const open = and(
      match(field('process.name'), ':', [str('open')]),
      match(field('process.args'), ':', [str('smb://*')]),
    );
    const mount = and(
      match(field('process.name'), ':', [str('mount')]),
      match(field('process.args'), ':', [str('smbfs')]),
    );
    const osascript = and(
      match(field('process.name'), ':', [str('osascript')]),
      match(field('process.command_line'), ':', [str('osascript*mount volume*smb://*')]),
    );
    const want = and(
      and(
        and(
          cmp(field('host.os.type'), '==', str('macos')),
          inList(field('event.type'), [str('start'), str('process_started')]),
        ),
        or(or(or(mountSmbfs, open), mount), osascript),
      ),
      not(
        match(field('process.parent.executable'), ':', [
          str('/Applications/Google Drive.app/Contents/MacOS/Google Drive'),
        ]),
      ),
    );
    expect(query.category).toBe('process');
    expect(got).toEqual(want);
  });

  it.each([
    ['process where true', 'process'],
    ['any where true', null],
    ['"my-category" where true', 'my-category'],
    ['"""my.category""" where true', 'my.category'],
    ['_under where true', '_under'],
  ])('reads the category of %j', (text, want) => {
    const got = parseEvent(text).category;

    expect(got).toBe(want);
  });

  it('records the span of the category and of each node', () => {
    const query = parseEvent('file where\n  a == "b"');

    const got = {
      category: [query.categorySpan.start.column, query.categorySpan.end.column],
      condition: query.condition.span,
    };

    expect(got).toEqual({
      category: [1, 5],
      condition: {
        start: { offset: 13, line: 2, column: 3 },
        end: { offset: 21, line: 2, column: 11 },
      },
    });
  });

  it('spans a folded negative number from its sign', () => {
    const got = parseExpression('a == - 5');

    expect(got.type === 'Comparison' && got.right.span.start.column).toBe(6);
  });

  it.each([
    ['process where true | head 5', [{ type: 'Pipe', name: 'head', count: 5 }]],
    ['process where true | tail 0', [{ type: 'Pipe', name: 'tail', count: 0 }]],
    [
      'process where true | tail 10 | head 2',
      [
        { type: 'Pipe', name: 'tail', count: 10 },
        { type: 'Pipe', name: 'head', count: 2 },
      ],
    ],
  ])('reads the pipes of %j', (text, want) => {
    const got = stripSpans(parseQuery(text).pipes);

    expect(got).toEqual(want);
  });

  it('parses a sequence with keys, maxspan, per-step keys, runs, a missing step and until', () => {
    const sequence = parseSequence(`
      sequence by host.id, ?user.id with maxspan=15m
        [process where process.name : "curl"] by process.entity_id
        ![file where true]
        [network where true] by process.entity_id with runs=3
      until [process where event.type == "end"]`);

    const got = stripSpans(sequence);

    const step = (category: string, condition: unknown, extra: object = {}) => ({
      type: 'SequenceStep',
      query: { type: 'EventQuery', category, condition },
      by: [],
      runs: 1,
      missing: false,
      ...extra,
    });
    expect(got).toEqual({
      type: 'Sequence',
      by: [field('host.id'), field('user.id', true)],
      maxspan: { value: 15, unit: 'm', ms: 900_000 },
      steps: [
        step('process', match(field('process.name'), ':', [str('curl')]), {
          by: [field('process.entity_id')],
        }),
        step('file', bool(true), { missing: true }),
        step('network', bool(true), { by: [field('process.entity_id')], runs: 3 }),
      ],
      until: step('process', cmp(field('event.type'), '==', str('end'))),
    });
  });

  it.each([
    ['1ms', 1],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
  ])('converts maxspan=%s to %i ms', (span, want) => {
    const sequence = parseSequence(`sequence with maxspan=${span} [a where true] [b where true]`);

    const got = sequence.maxspan?.ms;

    expect(got).toBe(want);
  });

  it('counts runs toward the two steps a sequence needs', () => {
    const sequence = parseSequence('sequence [a where true] with runs=2');

    const got = sequence.steps.map((step) => step.runs);

    expect(got).toEqual([2]);
  });

  it('parses a chain of 900 conditions', () => {
    const text = 'process where ' + Array.from({ length: 900 }, (_, i) => `a == ${i}`).join(' or ');

    const got = parseEvent(text).condition.type;

    expect(got).toBe('Logical');
  });

  it('parses 199 levels of parentheses', () => {
    const text = `process where ${'('.repeat(199)}a${')'.repeat(199)}`;

    const got = stripSpans(parseEvent(text).condition);

    expect(got).toEqual(field('a'));
  });
});

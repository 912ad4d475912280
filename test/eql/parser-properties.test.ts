import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { TimeUnit } from '../../src/eql/ast.js';
import { EqlError } from '../../src/eql/errors.js';
import { tokenize } from '../../src/eql/lexer.js';
import { parseQuery } from '../../src/eql/parser.js';
import { printQuery } from '../../src/eql/printer.js';
import { KEYWORDS } from '../../src/eql/tokens.js';
import { stripSpans } from './ast-factories.js';

/** Runs `parse`; anything thrown must be an EqlError. */
function throwsOnlyEqlErrors(parse: (text: string) => unknown, text: string): boolean {
  try {
    parse(text);
  } catch (error) {
    if (!(error instanceof EqlError)) throw error;
    expect(error.span.start.offset).toBeLessThanOrEqual(text.length);
    expect(typeof error.render()).toBe('string');
  }
  return true;
}

/** Pieces of EQL, valid and invalid, to build near-miss queries from. */
const EQL_FRAGMENTS = [
  'process',
  'any',
  'where',
  'sequence',
  'sample',
  'join',
  'by',
  'with',
  'maxspan',
  'runs',
  'until',
  'and',
  'or',
  'not',
  'in',
  'in~',
  'like',
  'like~',
  'regex',
  'regex~',
  'true',
  'false',
  'null',
  'of',
  'head',
  'tail',
  'count',
  'endsWith~',
  'length',
  'process.name',
  '?user.id',
  '`a b`',
  '`x',
  '@timestamp',
  '"a*"',
  '"""raw"""',
  '"\\u{41}"',
  '"\\x"',
  '"open',
  "'single'",
  '1',
  '-2',
  '1.5',
  '.5',
  '1e3',
  '5m',
  '0',
  '==',
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  ':',
  '+',
  '-',
  '*',
  '/',
  '%',
  '.',
  ',',
  '(',
  ')',
  '[',
  ']',
  '![',
  '|',
  '||',
  '&&',
  '&',
  '!',
  '?',
  '~',
  '//c\n',
  '/*',
  '*/',
  '\n',
  ' ',
  '\t',
];

const eqlLikeText = fc
  .array(fc.constantFrom(...EQL_FRAGMENTS), { maxLength: 30 })
  .chain((parts) => fc.constantFrom(parts.join(' '), parts.join('')));

describe('the lexer and parser on arbitrary input', () => {
  it('throw nothing but EqlError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        return throwsOnlyEqlErrors(tokenize, text) && throwsOnlyEqlErrors(parseQuery, text);
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['100,000 open parentheses', 'process where ' + '('.repeat(100_000)],
    ['100,000 nots', 'process where ' + 'not '.repeat(100_000) + 'a'],
    ['100,000 minus signs', 'process where ' + '-'.repeat(100_000) + 'a'],
    ['a chain of 100,000 ors', 'process where ' + 'a or '.repeat(100_000) + 'a'],
    ['a chain of 100,000 pluses', 'process where ' + 'a + '.repeat(100_000) + 'a'],
  ])('throws an EqlError rather than overflow the stack on %s', (_name, text) => {
    const got = () => parseQuery(text);

    expect(got).toThrow(EqlError);
  });

  it('throw nothing but EqlError on strings of EQL tokens', () => {
    fc.assert(
      fc.property(eqlLikeText, (text) => throwsOnlyEqlErrors(parseQuery, text)),
      { numRuns: 5_000 },
    );
  });

  it('throw nothing but EqlError on a valid query prefix followed by EQL tokens', () => {
    const prefixes = [
      'process where ',
      'sequence by a with maxspan=1m [a where b] ',
      'any where x',
    ];
    const text = fc.tuple(fc.constantFrom(...prefixes), eqlLikeText).map(([a, b]) => a + b);

    fc.assert(
      fc.property(text, (query) => throwsOnlyEqlErrors(parseQuery, query)),
      { numRuns: 5_000 },
    );
  });
});

// ---- generators of syntax trees the parser can build (spans left out) --------------------------

const keywordSet = new Set<string>(KEYWORDS);

const anyText = fc.string({ unit: 'binary', maxLength: 12 });

const digits = fc.stringMatching(/^[0-9]{1,20}$/);

/** Number source text: integers (some beyond 2^53), decimals, exponents. */
const unsignedNumberRaw = fc.oneof(
  digits,
  fc.stringMatching(/^[0-9]{1,6}\.[0-9]{0,6}$/),
  fc.stringMatching(/^\.[0-9]{1,6}$/),
  fc.stringMatching(/^[0-9]{1,4}(\.[0-9]{0,3})?[eE][+-]?[0-9]{1,2}$/),
);

function numberLiteral(raw: string) {
  return { type: 'Literal', value: Number(raw), raw };
}

/** A pattern after `:`, `like`, `regex`: a constant, never negative. */
const constant = fc.oneof(
  anyText.map((value) => ({ type: 'Literal', value })),
  unsignedNumberRaw.map(numberLiteral),
  fc.constantFrom(null, true, false).map((value) => ({ type: 'Literal', value })),
);

const literal = fc.oneof(
  constant,
  unsignedNumberRaw.map((raw) => numberLiteral(`-${raw}`)),
);

const fieldRef = fc.record({
  type: fc.constant('Field'),
  path: fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), {
    minLength: 1,
    maxLength: 3,
  }),
  optional: fc.boolean(),
});

const functionName = fc
  .stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,8}$/)
  .filter((name) => !keywordSet.has(name));

const { expr } = fc.letrec((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    fieldRef,
    tie('not'),
    tie('logical'),
    tie('comparison'),
    tie('arithmetic'),
    tie('negate'),
    tie('match'),
    tie('in'),
    tie('call'),
  ),
  not: fc.record({ type: fc.constant('Not'), operand: tie('expr') }),
  logical: fc.record({
    type: fc.constant('Logical'),
    op: fc.constantFrom('and', 'or'),
    left: tie('expr'),
    right: tie('expr'),
  }),
  comparison: fc.record({
    type: fc.constant('Comparison'),
    op: fc.constantFrom('==', '!=', '<', '<=', '>', '>='),
    left: tie('expr'),
    right: tie('expr'),
  }),
  arithmetic: fc.record({
    type: fc.constant('Arithmetic'),
    op: fc.constantFrom('+', '-', '*', '/', '%'),
    left: tie('expr'),
    right: tie('expr'),
  }),
  negate: fc.record({ type: fc.constant('Negate'), operand: tie('expr') }),
  match: fc
    .record({
      op: fc.constantFrom(':', 'like', 'regex'),
      caseInsensitive: fc.boolean(),
      left: tie('expr'),
      patterns: fc.array(constant, { minLength: 1, maxLength: 3 }),
    })
    .map((node) => ({
      type: 'Match',
      ...node,
      caseInsensitive: node.op === ':' ? true : node.caseInsensitive,
    })),
  in: fc.record({
    type: fc.constant('In'),
    caseInsensitive: fc.boolean(),
    negated: fc.boolean(),
    left: tie('expr'),
    values: fc.array(tie('expr'), { minLength: 1, maxLength: 3 }),
  }),
  call: fc.record({
    type: fc.constant('Call'),
    name: functionName,
    caseInsensitive: fc.boolean(),
    args: fc.array(tie('expr'), { maxLength: 3 }),
  }),
}));

const eventQuery = fc.record({
  type: fc.constant('EventQuery'),
  category: fc.option(anyText, { nil: null }),
  condition: expr,
});

const keys = fc.array(expr, { maxLength: 2 });

function sequenceStep(missing: fc.Arbitrary<boolean>) {
  return fc.record({
    type: fc.constant('SequenceStep'),
    query: eventQuery,
    by: keys,
    runs: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 100 })),
    missing,
  });
}

const TIME_UNIT_MS: Record<TimeUnit, number> = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 };

const maxspan = fc
  .record({
    value: fc.integer({ min: 1, max: 1_000_000 }),
    unit: fc.constantFrom<TimeUnit>('ms', 's', 'm', 'h', 'd'),
  })
  .map(({ value, unit }) => ({ value, unit, ms: value * TIME_UNIT_MS[unit] }));

const sequence = fc
  .record({
    type: fc.constant('Sequence'),
    by: keys,
    maxspan: fc.option(maxspan, { nil: null }),
    steps: fc.array(sequenceStep(fc.boolean()), { minLength: 2, maxLength: 4 }),
    until: fc.option(sequenceStep(fc.constant(false)), { nil: null }),
  })
  .filter((node) => node.steps.some((step) => !step.missing))
  .filter((node) => node.maxspan !== null || node.steps.every((step) => !step.missing));

const pipe = fc.record({
  type: fc.constant('Pipe'),
  name: fc.constantFrom('head', 'tail'),
  count: fc.integer({ min: 0, max: 1_000_000 }),
});

const query = fc.record({
  type: fc.constant('Query'),
  body: fc.oneof(eventQuery, sequence),
  pipes: fc.array(pipe, { maxLength: 2 }),
});

describe('printQuery', () => {
  it('prints any tree the parser can build as text that parses back to the same tree', () => {
    fc.assert(
      fc.property(query, (tree) => {
        const text = printQuery(tree as never);

        const got = stripSpans(parseQuery(text));

        expect(got).toEqual(tree);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is a fixed point on the seed-like query it prints', () => {
    const text =
      'process where host.os.type == "macos" and event.type in ("start", "process_started") and ' +
      '(process.name : "mount_smbfs" or process.args : ("smb://*", "x")) and not ?a.`b c` < -1.50';

    const printed = printQuery(parseQuery(text));
    const got = printQuery(parseQuery(printed));

    expect(got).toBe(printed);
    expect(got).toBe(text);
  });
});

/**
 * The building blocks of EQL evaluation, each against its specification: field access over
 * nested, dotted and mixed documents; wildcard matching (fast paths against a reference
 * matcher); Lucene regex translation (the regexp syntax reference's examples); the function
 * reference's examples; and two properties over random queries and events — the compiler agrees
 * with the interpreter, and prefilter hints never exclude an event the query matches.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { compileFieldReader } from '../../src/eql/fields.js';
import { lookupFunction } from '../../src/eql/functions.js';
import {
  compileQuery,
  evaluateWithInterpreter,
  passesHints,
  type EqlEvent,
  type ValueHint,
} from '../../src/eql/index.js';
import { wildcardMatches } from '../../src/eql/interpreter.js';
import { compileLuceneRegex, translateLuceneRegex } from '../../src/eql/lucene-regex.js';
import { compileWildcard } from '../../src/eql/wildcard.js';
import { SEED_RULE_QUERY } from '../support/seed-rule.js';

describe('field access', () => {
  it.each([
    ['nested objects', { process: { parent: { name: 'bash' } } }, 'bash'],
    ['dotted keys', { 'process.parent.name': 'bash' }, 'bash'],
    ['a dotted key holding an object', { 'process.parent': { name: 'bash' } }, 'bash'],
    ['an object holding a dotted key', { process: { 'parent.name': 'bash' } }, 'bash'],
    [
      'arrays of objects',
      { process: [{ parent: { name: 'a' } }, { parent: { name: 'b' } }] },
      ['a', 'b'],
    ],
    ['a leaf array', { process: { parent: { name: ['a', 'b'] } } }, ['a', 'b']],
    ['a missing branch', { process: { name: 'x' } }, undefined],
    ['a null on the way', { process: { parent: null } }, undefined],
    ['a null leaf', { process: { parent: { name: null } } }, null],
    ['a scalar on the way', { process: 'x' }, undefined],
    ['inherited members', { process: { parent: {} }, constructor: 1 }, undefined],
  ])('reads process.parent.name from %s', (_shape, document, want) => {
    const read = compileFieldReader(['process', 'parent', 'name']);

    const got = read(document);

    expect(got).toEqual(want);
  });

  it('does not read inherited object members as fields', () => {
    const read = compileFieldReader(['constructor']);

    const got = read({});

    expect(got).toBeUndefined();
  });
});

describe('wildcard patterns', () => {
  it.each([
    ['doc*', ['doc', 'docs', 'document'], ['DOS', 'adoc']],
    ['*doc', ['adoc', 'asciidoc', 'doc'], ['docs']],
    ['d*c', ['doc', 'disc', 'dc'], ['dogs']],
    ['doc?', ['docs'], ['doc', 'document']],
    ['?doc', ['adoc'], ['asciidoc']],
    ['*a*b*', ['ab', 'xaxbx', 'ba b'], ['ba', 'a']],
    ['a*a', ['aa', 'aba'], ['a']],
    ['', [''], ['x']],
    ['*', ['', 'anything'], []],
    ['C:\\Windows\\*', ['C:\\Windows\\cmd.exe'], ['C:Windows*']],
    ['?', ['é', '😀'], ['', 'ab']],
  ])('%s matches its examples and nothing else', (pattern, yes, no) => {
    const matcher = compileWildcard(pattern, false);

    const got = [...yes, ...no].map((value) => matcher(value));

    expect(got).toEqual([...yes.map(() => true), ...no.map(() => false)]);
  });

  it('agrees with a backtracking reference matcher on random patterns and values', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '.', '\\');
    const text = fc.array(alphabet, { maxLength: 8 }).map((chars) => chars.join(''));
    const value = fc.array(fc.constantFrom('a', 'b', '.', '*'), { maxLength: 8 });

    fc.assert(
      fc.property(text, value, (pattern, chars) => {
        const subject = chars.join('');
        expect(compileWildcard(pattern, false)(subject)).toBe(wildcardMatches(pattern, subject));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Lucene regex translation', () => {
  it.each([
    ['ab.*', 'abcde', true],
    ['abcd', 'abcde', false],
    ['ab..', 'abcd', true],
    ['abcd?', 'abc', true],
    ['ab+', 'abbb', true],
    ['a{2}', 'aa', true],
    ['a{2,}', 'aaaa', true],
    ['a{2,4}', 'aaaaa', false],
    ['abc|xyz', 'xyz', true],
    ['(ab)+', 'ababab', true],
    ['[abc]', 'b', true],
    ['[a-c]', 'd', false],
    ['[^abc]', 'd', true],
    ['[-abc]', '-', true],
    ['\\d+', '123', true],
    ['\\D', '5', false],
    ['\\w+', 'a_1', true],
    ['\\s', ' ', true],
    ['\\\\', '\\', true],
    ['"john@smith.com"', 'john@smith.com', true],
    ['a~bc', 'adc', true],
    ['a~bc', 'abc', false],
    ['a~bc', 'ac', true],
    ['aaa.+&.+bbb', 'aaabbb', true],
    ['aaa.+&.+bbb', 'aaabb', false],
    ['@&~(abc.+)', 'abcdef', false],
    ['@&~(abc.+)', 'abxdef', true],
    ['foo<1-100>', 'foo100', true],
    ['foo<1-100>', 'foo101', false],
    ['foo<01-100>', 'foo01', true],
    ['foo<001-100>', 'foo1', false],
    ['#', '', false],
    ['()', '', true],
    ['a^b$', 'a^b$', true],
    ['.', '\n', true],
  ])('%s on %j gives %s', (pattern, value, want) => {
    const got = compileLuceneRegex(pattern, false).test(value);

    expect(got).toBe(want);
  });

  it('matches case-insensitively for regex~', () => {
    const got = compileLuceneRegex('VALUE[^Z].?', true).test('valuex!');

    expect(got).toBe(true);
  });

  it.each([
    ['(ab', "expected ')' to close the expression"],
    ['[ab', "unterminated '[' in regex"],
    ['*a', "'*' has nothing to repeat"],
    ['a{x}', 'expected a repeat count after "{"'],
    ['"ab', 'unterminated "…" in regex'],
    ['<1-x>', "expected '<min-max>' numeric interval"],
    ['<1-100000>', 'numeric interval <1-100000> is wider than 10000 values'],
    ['ab)', "unexpected ')' in regex"],
    ['a\\', 'the regex ends after "\\"'],
  ])('rejects %s', (pattern, message) => {
    const got = () => translateLuceneRegex(pattern);

    expect(got).toThrow(message);
  });
});

describe('functions, per the function reference', () => {
  const call = (name: string, args: unknown[], caseInsensitive = false, floatLiteral = false) =>
    lookupFunction(name)?.evaluate(args, { caseInsensitive, floatLiteral });

  it.each([
    ['add', [4, 0.5], 4.5],
    ['add', [null, 4], null],
    ['subtract', [1, 0.2], 0.8],
    ['multiply', [0.25, 2], 0.5],
    ['divide', [4, 3], 1],
    ['divide', [-4, 3], -1],
    ['divide', [0.5, 4], 0.125],
    ['divide', [4, 0], null],
    ['modulo', [10, -6], 4],
    ['modulo', [-10, -6], -4],
    ['modulo', [10, 0.5], 0],
    ['concat', ['regsvr32.exe', ' ', 42.5], 'regsvr32.exe 42.5'],
    ['concat', ['regsvr32.exe', ' ', true], 'regsvr32.exe true'],
    ['concat', [null], null],
    ['endsWith', ['', ''], true],
    ['endsWith', ['regsvr32.exe', null], null],
    ['indexOf', ['subdomain.example.com', 'd'], 3],
    ['indexOf', ['subdomain.example.com', '.', 9], 9],
    ['indexOf', ['', ''], 0],
    ['indexOf', ['subdomain.example.com', '', -6], 0],
    ['indexOf', ['subdomain.example.com', 'z', 9], null],
    ['indexOf', ['subdomain.example.com', '.', null], null],
    ['length', ['start explorer.exe'], 18],
    ['number', ['1337'], 1337],
    ['number', ['+1337'], 1337],
    ['number', ['0xdeadbeef'], 3735928559],
    ['number', ['0xdeadbeef', 16], 3735928559],
    ['number', ['1337', null], 1337],
    ['number', ['not a number'], null],
    ['number', [''], null],
    ['startsWith', ['regsvr32.exe', 'Regsvr32'], false],
    ['string', [42.5], '42.5'],
    ['string', [null], null],
    ['stringContains', ['', ''], false],
    ['substring', ['start regsvr32.exe', 6], 'regsvr32.exe'],
    ['substring', ['start regsvr32.exe', 6, 14], 'regsvr32'],
    ['substring', ['start regsvr32.exe', -4, -1], '.ex'],
    ['substring', ['start', 9], ''],
    ['between', ['', '', ''], ''],
    ['between', [null, 'a', 'b'], null],
    ['cidrMatch', ['192.168.152.12', '192.168.0.0/16', '10.0.0.0/8'], true],
    ['cidrMatch', ['192.168.152.12', '10.0.0.0/8', '10.128.0.0/9'], false],
    ['cidrMatch', ['::ffff:10.1.2.3', '10.0.0.0/8'], true],
    ['cidrMatch', ['fe80::1', 'fe80::/10'], true],
    ['cidrMatch', ['not an ip', '10.0.0.0/8'], false],
    ['cidrMatch', [null, '10.0.0.0/8'], null],
  ])('%s(%j) returns %j', (name, args, want) => {
    const got = call(name, args);

    expect(got).toEqual(want);
  });

  it.each([
    ['endsWith', ['regsvr32.exe', '.EXE'], true],
    ['startsWith', ['regsvr32.exe', 'Regsvr32'], true],
    ['stringContains', ['start regsvr32.exe', 'Regsvr32'], true],
    ['indexOf', ['subdomain.example.com', 'D'], 3],
    ['between', ['C:\\Windows\\System32\\cmd.exe', 'system32\\', '.exe'], 'cmd'],
  ])('%s~(%j) returns %j', (name, args, want) => {
    const got = call(name, args, true);

    expect(got).toEqual(want);
  });

  it('divides as floats when an argument was written as a decimal literal', () => {
    const got = call('divide', [4, 3], false, true);

    expect(got).toBeCloseTo(4 / 3);
  });
});

// -------------------------------------------------------------------------------------------
// Random queries over random events

const NAMES = ['bash', 'Bash', 'curl', 'mount_smbfs', 'doc', 'DOCS', ''];

const scalarValue = fc.oneof(
  fc.constantFrom(...NAMES),
  fc.integer({ min: -3, max: 12 }),
  fc.boolean(),
  fc.constant(null),
);
const fieldValue = fc.oneof(
  { weight: 4, arbitrary: scalarValue },
  { weight: 1, arbitrary: fc.array(scalarValue, { maxLength: 3 }) },
);

/** A process event in one of the shapes ECS documents take: nested, dotted, or mixed. */
const eventArbitrary = fc
  .record(
    {
      category: fc.constantFrom('process', 'network', ['process', 'file']),
      type: fc.constantFrom('start', 'START', 'end', ['start', 'change'], ['info']),
      action: fc.constantFrom('exec', 'Exec', 'fork', 'executed'),
      name: fieldValue,
      args: fieldValue,
      pid: fieldValue,
      parentName: fieldValue,
      shape: fc.constantFrom('nested', 'dotted', 'mixed'),
    },
    { requiredKeys: ['category', 'shape'] },
  )
  .map(({ category, type, action, name, args, pid, parentName, shape }) => {
    const event: Record<string, unknown> = { category };
    if (type !== undefined) event['type'] = type;
    if (action !== undefined) event['action'] = action;
    const process: Record<string, unknown> = {};
    if (name !== undefined) process['name'] = name;
    if (args !== undefined) process['args'] = args;
    if (pid !== undefined) process['pid'] = pid;
    const parent = parentName === undefined ? undefined : { name: parentName };
    if (shape === 'nested') {
      return { event, process: { ...process, parent } } as EqlEvent;
    }
    if (shape === 'dotted') {
      const dotted: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(event)) dotted[`event.${key}`] = value;
      for (const [key, value] of Object.entries(process)) dotted[`process.${key}`] = value;
      if (parent !== undefined) dotted['process.parent.name'] = parent.name;
      return dotted as EqlEvent;
    }
    return { event, process, 'process.parent': parent } as EqlEvent;
  });

const fieldText = fc.constantFrom(
  'process.name',
  'process.args',
  'process.pid',
  'process.parent.name',
);
const stringLiteral = fc
  .constantFrom(...NAMES, 'b*', '*o*', 'doc?', '*')
  .map((s) => JSON.stringify(s));
const numberLiteral = fc.integer({ min: -3, max: 12 }).map(String);

const predicateText: fc.Arbitrary<string> = fc.letrec((tie) => ({
  atom: fc.oneof(
    fc
      .tuple(fieldText, fc.constantFrom('==', '!=', '<', '>=', ':', 'like', 'like~'), stringLiteral)
      .map(([f, op, v]) => `${f} ${op} ${v}`),
    fc
      .tuple(fieldText, fc.constantFrom('==', '!=', '<', '<=', '>'), numberLiteral)
      .map(([f, op, v]) => `${f} ${op} ${v}`),
    fc
      .tuple(
        fieldText,
        fc.constantFrom('in', 'in~', 'not in', 'not in~'),
        fc.array(stringLiteral, { minLength: 1, maxLength: 3 }),
      )
      .map(([f, op, vs]) => `${f} ${op} (${vs.join(', ')})`),
    fc.tuple(fieldText, fc.constantFrom('==', '!=')).map(([f, op]) => `${f} ${op} null`),
    fc
      .tuple(
        fc.constantFrom('startsWith', 'endsWith~', 'stringContains~'),
        fieldText,
        stringLiteral,
      )
      .map(([fn, f, v]) => `${fn}(${f}, ${v})`),
    fc.tuple(fieldText, numberLiteral).map(([f, n]) => `${f} + 1 > ${n}`),
    fc.tuple(fieldText, numberLiteral).map(([f, n]) => `length(${f}) == ${n}`),
    fieldText.map((f) => `${f} regex~ "b.*|d[o]+c"`),
  ),
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('atom'),
    fc
      .tuple(tie('node'), fc.constantFrom('and', 'or'), tie('node'))
      .map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie('node').map((operand) => `not ${operand}`),
  ),
})).node as fc.Arbitrary<string>;

const queryText = fc
  .tuple(fc.constantFrom('process', 'any', 'network'), predicateText)
  .map(([category, condition]) => `${category} where ${condition}`);

describe('compiled queries', () => {
  it('agree with the AST interpreter on random queries and events', () => {
    fc.assert(
      fc.property(
        queryText,
        fc.array(eventArbitrary, { minLength: 1, maxLength: 8 }),
        (text, events) => {
          const compiled = compileQuery(text);
          if (compiled.kind !== 'event') return;

          for (const event of events) {
            expect(compiled.matches(event)).toBe(evaluateWithInterpreter(compiled.ast, event));
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  it('never have an event excluded by their prefilter hints that they match', () => {
    const hintedField = fc.constantFrom(
      { field: 'process.name', values: [...NAMES, 'b*', 'Cu*', 'mount_*'] },
      { field: 'event.type', values: ['start', 'Start', 'end', 'st*', 'info'] },
      { field: 'event.action', values: ['exec', 'EXEC', 'fork', 'exec*', 'ex*'] },
    );
    const hintedQuery = fc
      .tuple(
        fc.constantFrom('process', 'network'),
        hintedField,
        fc.constantFrom('==', ':', 'like', 'like~', 'in', 'in~'),
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        predicateText,
        fc.constantFrom('and', 'or'),
      )
      .map(([category, { field, values }, op, picks, rest, join]) => {
        const literals = picks.map((pick) => JSON.stringify(values[pick % values.length]));
        const list = op.startsWith('in') ? `(${literals.join(', ')})` : (literals[0] ?? '""');
        return `${category} where ${field} ${op} ${list} ${join} ${rest}`;
      });

    fc.assert(
      fc.property(
        hintedQuery,
        fc.array(eventArbitrary, { minLength: 1, maxLength: 8 }),
        (text, events) => {
          const compiled = compileQuery(text);
          if (compiled.kind !== 'event') return;

          for (const event of events.filter((candidate) => compiled.matches(candidate))) {
            expect(passesHints(compiled.hints, factsOf(event))).toBe(true);
          }
        },
      ),
      { numRuns: 800 },
    );
  });

  const exact = (...values: string[]) => ({ exact: values, prefixes: [] });
  const hints = (
    categories: string[] | null,
    processNames: ValueHint | null,
    more: { eventTypes?: ValueHint; eventActions?: ValueHint } = {},
  ) => ({
    categories,
    processNames,
    eventTypes: more.eventTypes ?? null,
    eventActions: more.eventActions ?? null,
  });

  it.each([
    ['process where process.name == "Bash"', hints(['process'], exact('bash'))],
    [
      'process where process.name : ("curl", "WGET") and process.args : "*"',
      hints(['process'], exact('curl', 'wget')),
    ],
    [
      'process where process.name in ("a", "b") or process.name like~ "c"',
      hints(['process'], exact('a', 'b', 'c')),
    ],
    [
      'process where process.name : ("Python*", "perl") ',
      hints(['process'], { exact: ['perl'], prefixes: ['python'] }),
    ],
    ['process where process.name == "ba*"', hints(['process'], exact('ba*'))],
    ['process where process.name : "*sh"', hints(['process'], null)],
    ['process where process.name : "b?sh*"', hints(['process'], null)],
    ['process where process.name : "*"', hints(['process'], null)],
    ['process where not process.name == "bash"', hints(['process'], null)],
    ['process where process.name == "a" or process.pid == 1', hints(['process'], null)],
    ['any where process.name == "a"', hints(null, exact('a'))],
    [
      'process where event.type in ("start", "process_started") and event.action == "Exec"',
      hints(['process'], null, {
        eventTypes: exact('start', 'process_started'),
        eventActions: exact('exec'),
      }),
    ],
    [
      'process where event.type : "start" or event.type == "end"',
      hints(['process'], null, { eventTypes: exact('start', 'end') }),
    ],
    ['process where event.type != "end"', hints(['process'], null)],
    [
      'sequence [process where process.name == "a"] [network where process.name : "b"]',
      hints(['process', 'network'], exact('a', 'b')),
    ],
    [
      'sequence [process where event.action == "exec"] [process where event.action == "fork"]',
      hints(['process'], null, { eventActions: exact('exec', 'fork') }),
    ],
    [
      'sequence with maxspan=1m [process where process.name == "a"] ![file where true]',
      hints(['process', 'file'], null),
    ],
    [
      'sequence [process where process.name == "a"] [process where process.name == "b"] ' +
        'until [any where true]',
      hints(null, null),
    ],
  ])('derive hints for %s', (text, want) => {
    const got = compileQuery(text).hints;

    expect(got).toEqual(want);
  });
});

describe('event-time robustness', () => {
  function deepArray(depth: number): unknown {
    let value: unknown = 'x';
    for (let level = 0; level < depth; level++) value = [value];
    return value;
  }

  it.each([
    'process where process.args : "x*"',
    'process where process.args == "x"',
    'process where process.args in~ ("X")',
    'process where startsWith(process.args, "x")',
    'process where process.args != null',
  ])('%s does not throw on a 200000-deep nested array', (query) => {
    const compiled = compileQuery(query);
    if (compiled.kind !== 'event') throw new Error('expected an event query');
    const event = { event: { category: 'process' }, process: { args: deepArray(200_000) } };

    const got = () => compiled.matches(event);

    expect(got).not.toThrow();
  });

  it('does not throw in a sequence whose join key is a 200000-deep nested array', () => {
    const compiled = compileQuery(
      'sequence by process.args [process where true] [process where true]',
    );
    if (compiled.kind !== 'sequence') throw new Error('expected a sequence query');
    const state = compiled.createState();
    const event = { event: { category: 'process' }, process: { args: deepArray(200_000) } };

    const got = () => [state.push(event), state.push(event)];

    expect(got).not.toThrow();
  });
});

describe('the seed rule, "Attempt to Mount SMB Share via Command Line"', () => {
  const seedRule = SEED_RULE_QUERY;
  const googleDrive = '/Applications/Google Drive.app/Contents/MacOS/Google Drive';

  function execEvent(process: Record<string, unknown>, type = 'start'): EqlEvent {
    return {
      host: { os: { type: 'macos' } },
      event: { category: ['process'], type: [type] },
      process,
    };
  }

  it.each([
    ['mount_smbfs with no known parent', { name: 'mount_smbfs' }, true],
    [
      'Mount_SMBFS (": " ignores case)',
      { name: 'Mount_SMBFS', parent: { executable: '/bin/zsh' } },
      true,
    ],
    ['open smb://', { name: 'open', args: ['open', 'smb://nas/share'] }, true],
    ['open of a web page', { name: 'open', args: ['open', 'https://example.com'] }, false],
    ['mount -t smbfs', { name: 'mount', args: ['mount', '-t', 'smbfs', '//nas/x', '/mnt'] }, true],
    ['mount -t nfs', { name: 'mount', args: ['mount', '-t', 'nfs'] }, false],
    [
      'osascript mount volume',
      { name: 'osascript', command_line: 'osascript -e mount volume "smb://nas/share"' },
      true,
    ],
    [
      'mount_smbfs run by Google Drive',
      { name: 'mount_smbfs', parent: { executable: googleDrive } },
      false,
    ],
  ])('%s → %s', (_label, process, want) => {
    const compiled = compileQuery(seedRule);
    if (compiled.kind !== 'event') throw new Error('the seed rule is an event query');

    const got = compiled.matches(execEvent(process));

    expect(got).toBe(want);
    expect(evaluateWithInterpreter(compiled.ast, execEvent(process))).toBe(want);
  });

  it('does not fire on a Linux host or on an exit event', () => {
    const compiled = compileQuery(seedRule);
    if (compiled.kind !== 'event') throw new Error('the seed rule is an event query');
    const linux = { ...execEvent({ name: 'mount_smbfs' }), host: { os: { type: 'linux' } } };

    const got = [
      compiled.matches(linux),
      compiled.matches(execEvent({ name: 'mount_smbfs' }, 'end')),
    ];

    expect(got).toEqual([false, false]);
  });

  it('indexes under the four process names it can fire on', () => {
    const got = compileQuery(seedRule).hints;

    expect(got).toEqual({
      categories: ['process'],
      processNames: { exact: ['mount_smbfs', 'open', 'mount', 'osascript'], prefixes: [] },
      eventTypes: { exact: ['start', 'process_started'], prefixes: [] },
      eventActions: null,
    });
  });
});

/** The hinted fields of an event, as the detection engine reads them. */
function factsOf(event: EqlEvent) {
  const strings = (path: string) =>
    [readPath(event, path)].flat().filter((value): value is string => typeof value === 'string');
  const lowerCased = (path: string) => strings(path).map((value) => value.toLowerCase());
  return {
    categories: strings('event.category'),
    processNames: lowerCased('process.name'),
    eventTypes: lowerCased('event.type'),
    eventActions: lowerCased('event.action'),
  };
}

function readPath(event: EqlEvent, path: string): unknown {
  return compileFieldReader(path.split('.'))(event);
}

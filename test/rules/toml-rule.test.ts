import { describe, expect, it } from 'vitest';

import { locateQuery, readTomlRuleFile } from '../../src/rules/toml-rule.js';

describe('locateQuery', () => {
  it.each([
    [
      'a literal multi-line string',
      "[rule]\nname = 'x'\nquery = '''\nprocess where true\n'''\n",
      { line: 4, column: 1 },
    ],
    [
      'a one-line literal string',
      "[rule]\nquery = 'process where true'\n",
      { line: 2, column: 10 },
    ],
    [
      'a basic multi-line string with text on its line',
      '[rule]\nquery = """process\nwhere true"""\n',
      { line: 2, column: 12 },
    ],
    [
      'spaces around the key',
      '[rule]\n  query   =   """\nprocess where true"""\n',
      { line: 3, column: 1 },
    ],
    [
      'a query key in another table first',
      "[metadata]\nquery = 'no'\n[rule]\nquery = '''\nx'''\n",
      { line: 5, column: 1 },
    ],
    ['no query at all', "[rule]\nname = 'x'\n", null],
  ])('finds the start in %s', (_label, text, want) => {
    expect(locateQuery(text)).toEqual(want);
  });
});

describe('readTomlRuleFile', () => {
  it('reports a TOML syntax error with its line and column', () => {
    const got = readTomlRuleFile('bad.toml', "[rule]\nname = 'x\nrisk_score = 1\n", false);

    expect(got.candidates).toEqual([]);
    expect(got.reports[0]).toMatchObject({ file: 'bad.toml', status: 'error' });
    expect(got.reports[0]?.error?.location).toMatchObject({ file: 'bad.toml', line: 2 });
    expect(got.reports[0]?.reason).toMatch(/^TOML syntax error: /);
  });

  it('reports a file without a [rule] table', () => {
    const got = readTomlRuleFile('meta.toml', "[metadata]\nmaturity = 'production'\n", false);

    expect(got.reports.map((report) => report.error?.code)).toEqual(['RULE_NO_RULE_TABLE']);
  });

  it('hands on the rule table, its line and where the query starts', () => {
    const text = "[metadata]\nx = 1\n\n[rule]\nname = 'n'\nquery = '''\nprocess where true\n'''\n";

    const got = readTomlRuleFile('r.toml', text, true);

    expect(got.candidates).toEqual([
      {
        file: 'r.toml',
        line: 4,
        raw: { name: 'n', query: 'process where true\n' },
        queryStart: { line: 7, column: 1 },
        builtin: true,
      },
    ]);
  });
});

import { describe, expect, it } from 'vitest';

import { classifyLine, readKibanaExport } from '../../src/rules/kibana-export.js';

function ndjson(...lines: unknown[]): string {
  return (
    lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n'
  );
}

const RULE = { rule_id: 'r-1', type: 'eql', name: 'Rule one', query: 'process where true' };
const LIST = { list_id: 'tuning', name: 'Tuning', type: 'detection', namespace_type: 'single' };
const ITEM = {
  item_id: 'admin',
  list_id: 'tuning',
  name: 'Admin',
  type: 'simple',
  namespace_type: 'single',
  entries: [{ field: 'user.name', operator: 'included', type: 'match', value: 'admin' }],
};
const SUMMARY = { exported_count: 3, exported_rules_count: 1, missing_rules: [] };

describe('classifyLine', () => {
  it.each([
    [RULE, 'rule'],
    [LIST, 'exception-list'],
    [ITEM, 'exception-item'],
    [SUMMARY, 'summary'],
    [{ exported_exception_list_count: 1 }, 'summary'],
    [{ id: 'c1', type: 'action', attributes: { name: 'Slack' } }, 'connector'],
    [{ hello: 'world' }, 'unknown'],
  ])('classifies %j as %s', (line, want) => {
    expect(classifyLine(line)).toBe(want);
  });
});

describe('readKibanaExport', () => {
  it('keeps rules and exception lists and skips the summary', () => {
    const got = readKibanaExport('export.ndjson', ndjson(RULE, LIST, ITEM, SUMMARY), false);

    expect(got.reports).toEqual([]);
    expect(got.candidates.map((c) => [c.raw.rule_id, c.line, c.queryStart])).toEqual([
      ['r-1', 1, null],
    ]);
    expect(got.exceptionLists).toEqual([
      {
        listId: 'tuning',
        name: 'Tuning',
        appliesToAll: false,
        items: [{ itemId: 'admin', name: 'Admin', entries: ITEM.entries, expireTime: null }],
        origin: { file: 'export.ndjson', line: 2 },
      },
    ]);
  });

  it('reports bad lines by number and still reads the rest', () => {
    const text = ndjson(
      RULE,
      '{not json',
      '[1]',
      { ...ITEM, entries: [{ type: 'match' }] },
      { x: 1 },
    );

    const got = readKibanaExport('export.ndjson', text, false);

    expect(got.candidates).toHaveLength(1);
    expect(got.reports.map((r) => [r.error?.code, r.error?.location?.line])).toEqual([
      ['RULE_JSON_SYNTAX', 2],
      ['RULE_EXPORT_LINE', 3],
      ['EXCEPTION_ITEM_INVALID', 4],
      ['RULE_EXPORT_LINE', 5],
    ]);
  });
});

import { describe, expect, it } from 'vitest';

import {
  compileExceptionLists,
  compileWildcard,
  exceptionItemSchema,
} from '../../src/rules/exceptions.js';
import type { ExceptionItemInput, ExceptionList } from '../../src/rules/exceptions.js';
import { toExceptionItem } from '../../src/rules/exceptions.js';

const NOW_MS = Date.parse('2026-12-01T00:00:00Z');

function listOf(items: ExceptionItemInput[], listId = 'tuning'): ExceptionList {
  return {
    listId,
    name: listId,
    appliesToAll: false,
    items: items.map((item, index) =>
      toExceptionItem(exceptionItemSchema.parse(item), `item-${index}`),
    ),
    origin: { file: 'test' },
  };
}

function compileOne(item: ExceptionItemInput) {
  const { compiled, skipped } = compileExceptionLists([listOf([item])], NOW_MS);
  expect(skipped).toEqual([]);
  const first = compiled[0];
  if (first === undefined) throw new Error('nothing compiled');
  return first;
}

function makeEvent(overrides: Record<string, unknown> = {}) {
  return {
    host: { name: 'mbp-alice' },
    user: { name: 'alice', id: '501' },
    process: {
      name: 'mount_smbfs',
      args: ['mount_smbfs', '//alice@nas/share'],
      pid: 42,
      parent: { executable: '/bin/zsh' },
    },
    ...overrides,
  };
}

describe('compileExceptionLists', () => {
  it.each([
    ['match on an equal value', { type: 'match', field: 'user.name', value: 'alice' }, true],
    ['match is case-sensitive', { type: 'match', field: 'user.name', value: 'Alice' }, false],
    ['match on a number as text', { type: 'match', field: 'process.pid', value: '42' }, true],
    [
      'match on any array element',
      { type: 'match', field: 'process.args', value: 'mount_smbfs' },
      true,
    ],
    ['match on a missing field', { type: 'match', field: 'user.domain', value: 'x' }, false],
    [
      'match_any with one value present',
      { type: 'match_any', field: 'user.name', value: ['bob', 'alice'] },
      true,
    ],
    [
      'match_any with none present',
      { type: 'match_any', field: 'user.name', value: ['bob'] },
      false,
    ],
    ['wildcard with *', { type: 'wildcard', field: 'process.args', value: '//*@nas/*' }, true],
    ['wildcard with ?', { type: 'wildcard', field: 'host.name', value: 'mbp-alic?' }, true],
    [
      'wildcard over the whole value',
      { type: 'wildcard', field: 'host.name', value: 'mbp' },
      false,
    ],
    ['exists on a present field', { type: 'exists', field: 'process.parent.executable' }, true],
    ['exists on a missing field', { type: 'exists', field: 'process.parent.name' }, false],
  ])('holds for %s: %j', (_label, entry, want) => {
    const item = compileOne({ entries: [{ operator: 'included', ...entry } as never] });

    const got = item.matches(makeEvent());

    expect(got).toBe(want);
  });

  it.each([
    ['match', { type: 'match', field: 'user.name', value: 'alice' }, false],
    ['match on a missing field', { type: 'match', field: 'user.domain', value: 'x' }, true],
    ['exists on a missing field', { type: 'exists', field: 'process.parent.name' }, true],
  ])('negates %s when the operator is excluded', (_label, entry, want) => {
    const item = compileOne({ entries: [{ operator: 'excluded', ...entry } as never] });

    const got = item.matches(makeEvent());

    expect(got).toBe(want);
  });

  it('requires every entry of an item to hold', () => {
    const item = compileOne({
      entries: [
        { type: 'match', field: 'user.name', operator: 'included', value: 'alice' },
        { type: 'match', field: 'host.name', operator: 'included', value: 'other-host' },
      ],
    });

    const got = item.matches(makeEvent());

    expect(got).toBe(false);
  });

  it('matches nested entries against one element of an object array', () => {
    const item = compileOne({
      entries: [
        {
          type: 'nested',
          field: 'process.Ext.code_signature',
          entries: [
            { type: 'match', field: 'subject_name', operator: 'included', value: 'Acme Corp' },
            { type: 'match', field: 'trusted', operator: 'included', value: 'true' },
          ],
        },
      ],
    });
    const signatures = (list: unknown[]) =>
      makeEvent({ process: { Ext: { code_signature: list } } });

    const sameElement = item.matches(signatures([{ subject_name: 'Acme Corp', trusted: true }]));
    const splitAcross = item.matches(
      signatures([
        { subject_name: 'Acme Corp', trusted: false },
        { subject_name: 'Other', trusted: true },
      ]),
    );

    expect({ sameElement, splitAcross }).toEqual({ sameElement: true, splitAcross: false });
  });

  it('reads dotted keys as well as nested objects', () => {
    const item = compileOne({ entries: [{ type: 'match', field: 'user.name', value: 'alice' }] });

    const got = item.matches({ 'user.name': 'alice' });

    expect(got).toBe(true);
  });

  it('leaves out value-list items and expired items, saying why', () => {
    const list = listOf([
      {
        item_id: 'by-list',
        entries: [
          {
            type: 'list',
            field: 'user.name',
            operator: 'included',
            list: { id: 'admins', type: 'keyword' },
          },
        ],
      },
      {
        item_id: 'old',
        expire_time: '2026-01-01T00:00:00Z',
        entries: [{ type: 'exists', field: 'user.name' }],
      },
      {
        item_id: 'kept',
        expire_time: '2027-01-01T00:00:00Z',
        entries: [{ type: 'exists', field: 'user.name' }],
      },
    ]);

    const { compiled, skipped } = compileExceptionLists([list], NOW_MS);

    expect(compiled.map((item) => item.itemId)).toEqual(['kept']);
    expect(skipped.map((item) => [item.itemId, item.reason])).toEqual([
      ['by-list', expect.stringContaining("value list (entry type 'list')")],
      ['old', expect.stringContaining('expired')],
    ]);
  });

  it.each([
    [{ entries: [] }, 'entries'],
    [{ entries: [{ type: 'match', field: 'user.name' }] }, 'entries.0'],
    [{ entries: [{ type: 'regex', field: 'user.name', value: 'x' }] }, 'entries.0'],
    [{ entries: [{ type: 'match_any', field: 'user.name', value: [] }] }, 'entries.0'],
  ])('rejects the malformed item %j at %s', (item, path) => {
    const got = exceptionItemSchema.safeParse(item);

    expect(got.success).toBe(false);
    expect(got.error?.issues[0]?.path.map(String).join('.')).toContain(path);
  });
});

describe('compileWildcard', () => {
  it.each([
    [
      '/Applications/*.app/Contents/MacOS/*',
      '/Applications/Acme Sync.app/Contents/MacOS/Acme',
      true,
    ],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a.c', 'abc', false],
    ['a\\*c', 'a*c', true],
    ['a\\*c', 'abc', false],
    ['(x)+[y]', '(x)+[y]', true],
  ])('%s against %s gives %s', (pattern, text, want) => {
    const got = compileWildcard(pattern).test(text);

    expect(got).toBe(want);
  });
});

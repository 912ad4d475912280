import { describe, expect, it } from 'vitest';

import { rulesConfigSchema } from '../../src/rules/index.js';

describe('rulesConfigSchema', () => {
  it('gives a working section when the config says nothing', () => {
    const got = rulesConfigSchema.parse(undefined);

    expect(got).toEqual({
      paths: [],
      builtin: true,
      exceptions: [],
      suppression: {},
      maxPendingMatches: 10_000,
    });
  });

  it('accepts exception files and inline lists in Kibana item format', () => {
    const got = rulesConfigSchema.parse({
      exceptions: [
        { file: 'exceptions/tuning.ndjson', appliesTo: 'all' },
        {
          listId: 'smb-tuning',
          items: [
            {
              name: 'Sync client',
              entries: [
                {
                  field: 'process.parent.executable',
                  operator: 'included',
                  type: 'match',
                  value: '/Applications/Acme Sync.app/Contents/MacOS/Acme Sync',
                },
              ],
            },
          ],
        },
      ],
    });

    expect(got.exceptions).toMatchObject([
      { file: 'exceptions/tuning.ndjson', appliesTo: 'all' },
      { listId: 'smb-tuning', appliesTo: 'listed', items: [{ namespace_type: 'single' }] },
    ]);
  });

  it.each([
    [{ paths: 'rules/' }, 'paths'],
    [{ unknownKey: true }, ''],
    [{ suppression: { r: { groupBy: ['host.name'] } } }, 'suppression.r.durationMs'],
    [{ suppression: { r: { durationMs: 0 } } }, 'suppression.r.durationMs'],
    [{ exceptions: [{ listId: 'x', items: [] }] }, 'exceptions.0.items'],
    [{ exceptions: [{ file: 'a.ndjson', appliesTo: 'some' }] }, 'exceptions.0'],
    [{ maxPendingMatches: 0 }, 'maxPendingMatches'],
  ])('rejects %j at %s', (section, path) => {
    const got = rulesConfigSchema.safeParse(section);

    expect(got.success).toBe(false);
    expect(got.error?.issues[0]?.path.map(String).join('.')).toBe(path);
  });
});

import { describe, expect, it } from 'vitest';

import { buildRuleIndex } from '../../src/detect/prefilter.js';
import type { PrefilterHints, ValueHint } from '../../src/eql/index.js';
import type { EcsDocument } from '../../src/shared/types.js';

const exact = (...values: string[]): ValueHint => ({ exact: values, prefixes: [] });

function hint(
  categories: string[] | null,
  processNames: ValueHint | null,
  more: Partial<PrefilterHints> = {},
): PrefilterHints {
  return { categories, processNames, eventTypes: null, eventActions: null, ...more };
}

const HINTS: PrefilterHints[] = [
  hint(['process'], exact('mount_smbfs')),
  hint(['process'], null),
  hint(null, exact('curl', 'wget')),
  hint(['network'], null),
  hint(null, null),
  hint(['process', 'file'], exact('curl')),
  hint(['process'], { exact: [], prefixes: ['python'] }),
  hint(['process'], null, { eventTypes: exact('start', 'process_started') }),
  hint(['process'], exact('curl'), { eventActions: { exact: ['exec'], prefixes: ['fork'] } }),
];

describe('buildRuleIndex', () => {
  it.each<[string, EcsDocument, number[]]>([
    [
      'a named process event',
      { event: { category: ['process'] }, process: { name: 'MOUNT_SMBFS' } },
      [0, 1, 4],
    ],
    [
      'a curl process event',
      { event: { category: 'process' }, process: { name: 'curl' } },
      [1, 2, 4, 5],
    ],
    ['a network event', { event: { category: ['network'] }, process: { name: 'curl' } }, [2, 3, 4]],
    [
      'an event in two categories',
      { event: { category: ['process', 'file'] }, process: { name: 'curl' } },
      [1, 2, 4, 5],
    ],
    ['dotted keys', { 'event.category': 'process', 'process.name': 'wget' }, [1, 2, 4]],
    ['an event without category or name', { message: 'x' }, [4]],
    [
      'an array of process names',
      { event: { category: 'process' }, process: { name: ['ls', 'curl'] } },
      [1, 2, 4, 5],
    ],
    [
      'a name that starts with an indexed prefix',
      { event: { category: 'process' }, process: { name: 'Python3.11' } },
      [1, 4, 6],
    ],
    [
      'a start event of curl exec',
      {
        event: { category: ['process'], type: ['START'], action: 'exec' },
        process: { name: 'curl' },
      },
      [1, 2, 4, 5, 7, 8],
    ],
    [
      'an end event of curl exit',
      { event: { category: ['process'], type: ['end'], action: 'end' }, process: { name: 'curl' } },
      [1, 2, 4, 5],
    ],
    [
      'a fork event, by action prefix',
      {
        event: { category: ['process'], type: ['start'], action: 'fork_child' },
        process: { name: 'curl' },
      },
      [1, 2, 4, 5, 7, 8],
    ],
  ])('keeps the rules that may match %s', (_label, event, want) => {
    const index = buildRuleIndex(HINTS);

    const got = index.candidates(event);

    expect(got).toEqual(want);
  });

  it('tells events apart by each of the four fields when it remembers them', () => {
    const index = buildRuleIndex(HINTS);
    const event = (type: string, action: string, name: string) => ({
      event: { category: ['process'], type: [type], action },
      process: { name },
    });
    const events = [
      event('start', 'exec', 'curl'),
      event('start', 'exec', 'ls'),
      event('end', 'end', 'curl'),
      event('start', 'fork', 'curl'),
      event('start', 'exec', 'curl'),
    ];

    const got = events.map((one) => index.candidates(one));

    expect(got).toEqual([
      [1, 2, 4, 5, 7, 8],
      [1, 4, 7],
      [1, 2, 4, 5],
      [1, 2, 4, 5, 7, 8],
      [1, 2, 4, 5, 7, 8],
    ]);
  });

  it('gives the same candidates from its cache as from a fresh lookup', () => {
    const index = buildRuleIndex(HINTS);
    const start = { event: { category: 'process', type: 'start' }, process: { name: 'curl' } };
    const end = { event: { category: 'process', type: 'end' }, process: { name: 'curl' } };

    const got = [index.candidates(start), index.candidates(end), index.candidates(start)];

    expect(got).toEqual([
      [1, 2, 4, 5, 7],
      [1, 2, 4, 5],
      [1, 2, 4, 5, 7],
    ]);
  });
});

import { describe, expect, it } from 'vitest';

import { buildRuleIndex } from '../../src/detect/prefilter.js';
import type { EcsDocument } from '../../src/shared/types.js';

const HINTS = [
  { categories: ['process'], processNames: ['mount_smbfs'] },
  { categories: ['process'], processNames: null },
  { categories: null, processNames: ['curl', 'wget'] },
  { categories: ['network'], processNames: null },
  { categories: null, processNames: null },
  { categories: ['process', 'file'], processNames: ['curl'] },
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
  ])('keeps the rules that may match %s', (_label, event, want) => {
    const index = buildRuleIndex(HINTS);

    const got = index.candidates(event);

    expect(got).toEqual(want);
  });
});

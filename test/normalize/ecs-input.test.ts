import { describe, expect, it } from 'vitest';

import { expandDottedKeys } from '../../src/normalize/index.js';
import type { EcsDocument } from '../../src/shared/types.js';

describe('expandDottedKeys', () => {
  it.each<[EcsDocument, EcsDocument]>([
    [{ 'process.name': 'ls' }, { process: { name: 'ls' } }],
    [
      { 'process.parent.name': 'zsh', 'process.pid': 1 },
      { process: { parent: { name: 'zsh' }, pid: 1 } },
    ],
    [{ process: { pid: 1 }, 'process.name': 'ls' }, { process: { pid: 1, name: 'ls' } }],
    [
      { process: { 'parent.pid': 2, parent: { name: 'zsh' } } },
      { process: { parent: { pid: 2, name: 'zsh' } } },
    ],
    [{ 'event.category': ['process'] }, { event: { category: ['process'] } }],
  ])('expands %j', (document, want) => {
    const got = expandDottedKeys(document);

    expect(got).toEqual(want);
  });

  it('returns the same object when there is nothing to expand', () => {
    const document = { process: { name: 'ls', args: ['ls'] } };

    const got = expandDottedKeys(document);

    expect(got).toBe(document);
  });

  it('never writes to the objects of its input', () => {
    const process = { pid: 1 };

    expandDottedKeys({ process, 'process.name': 'ls' });

    expect(process).toEqual({ pid: 1 });
  });
});

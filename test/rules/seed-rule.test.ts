import { existsSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { SEED_RULE_QUERY } from '../support/seed-rule.js';

// The project's shared folder (design, seeds, samples) sits beside the repository in every
// checkout the team and CI use; elsewhere, as in a published package, there is nothing to
// compare against.
const SEED_FILE = new URL('../../../shared/seeds/000_f53fbc8945200c62.txt', import.meta.url);

/** The EQL inside the seed document's "Rule query" ```js block. */
function readSeedDocumentQuery(): string {
  const text = readFileSync(SEED_FILE, 'utf8');
  const section = text.slice(text.indexOf('## Rule query'));
  const start = section.indexOf('```js\n') + '```js\n'.length;
  return section.slice(start, section.indexOf('```', start));
}

describe.skipIf(!existsSync(SEED_FILE))('the built-in seed rule', () => {
  it('carries the seed document query byte for byte', () => {
    const want = readSeedDocumentQuery().trim();

    const got = SEED_RULE_QUERY.trim();

    expect(got).toBe(want);
  });
});

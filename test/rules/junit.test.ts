import { describe, expect, it } from 'vitest';

import { escapeXml, formatJunitXml } from '../../src/rules/junit.js';
import type { RuleTestSummary } from '../../src/rules/rule-test-runner.js';
import { parseXml } from './xml-reader.js';

function makeSummary(): RuleTestSummary {
  return {
    files: [
      {
        file: 'rules/tests/a & b.test.toml',
        error: null,
        durationMs: 12,
        cases: [
          {
            name: 'fires on "mount_smbfs" <branch 1>',
            status: 'passed',
            messages: [],
            durationMs: 5,
          },
          {
            name: "doesn't fire on Google Drive",
            status: 'failed',
            messages: ['Alert must not fire: rule x (A & B) at line 3', 'second\u0001line'],
            durationMs: 7,
          },
        ],
      },
      {
        file: 'broken.test.toml',
        error: 'Test file is not valid: case: Required',
        durationMs: 1,
        cases: [],
      },
    ],
    passed: 1,
    failed: 1,
    errors: 1,
  };
}

describe('formatJunitXml', () => {
  it('writes a well-formed report that reads back with every name and message intact', () => {
    const got = parseXml(formatJunitXml(makeSummary()));

    expect(got.name).toBe('testsuites');
    expect(got.attributes).toMatchObject({ tests: '2', failures: '1', errors: '1' });
    const [first, second] = got.children;
    expect(first?.attributes).toMatchObject({
      name: 'rules/tests/a & b.test.toml',
      tests: '2',
      failures: '1',
    });
    expect(first?.children.map((c) => c.attributes.name)).toEqual([
      'fires on "mount_smbfs" <branch 1>',
      "doesn't fire on Google Drive",
    ]);
    const failure = first?.children[1]?.children[0];
    expect(failure?.name).toBe('failure');
    expect(failure?.attributes.message).toBe('Alert must not fire: rule x (A & B) at line 3');
    expect(failure?.text).toBe('Alert must not fire: rule x (A & B) at line 3\nsecond\uFFFDline');
    expect(second?.children[0]?.children[0]).toMatchObject({
      name: 'error',
      attributes: { message: 'Test file is not valid: case: Required' },
    });
  });

  it('passes time in seconds', () => {
    const got = parseXml(formatJunitXml(makeSummary()));

    expect(got.children[0]?.attributes.time).toBe('0.012');
  });
});

describe('escapeXml', () => {
  it.each([
    ['<a href="x">&', '&lt;a href=&quot;x&quot;&gt;&amp;'],
    ["it's", 'it&apos;s'],
    ['bell\u0007', 'bell\uFFFD'],
    ['lone \uD800 surrogate', 'lone \uFFFD surrogate'],
    ['emoji 🎉 kept', 'emoji 🎉 kept'],
  ])('escapes %j', (text, want) => {
    expect(escapeXml(text)).toBe(want);
  });

  it('makes any text readable back by a strict reader', () => {
    const nasty = '<&>"\'\u0000\u001f\uFFFE]]>';

    const got = parseXml(`<x a="${escapeXml(nasty)}">${escapeXml(nasty)}</x>`);

    expect(got.text).toBe(got.attributes.a);
  });
});

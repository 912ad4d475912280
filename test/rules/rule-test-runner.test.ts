import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { pipelineRunner } from '../../src/cli/commands/rules.js';
import {
  builtinRulesDir,
  formatJunitXml,
  formatTestReport,
  runRuleTests,
} from '../../src/rules/index.js';
import type { RecordingRunner } from '../../src/rules/index.js';
import { parseXml } from './xml-reader.js';

const RULE_TESTS = fileURLToPath(new URL('../fixtures/rules/rule-tests', import.meta.url));

/** A clock that advances 1 ms per reading, so durations are stable. */
function createTickingClock() {
  let nowMs = 0;
  return () => nowMs++;
}

describe('runRuleTests on the built-in pack', () => {
  it('passes every case of every built-in rule through the replay pipeline', async () => {
    const got = await runRuleTests({ paths: [builtinRulesDir()], runner: pipelineRunner });

    const failures = got.files.flatMap((file) => [
      ...(file.error === null ? [] : [file.error]),
      ...file.cases.filter((c) => c.status !== 'passed'),
    ]);
    expect(failures).toEqual([]);
    expect(got.passed).toBeGreaterThanOrEqual(6);
  });
});

describe('runRuleTests on cases written to fail', () => {
  it('reports each wrong outcome with what was expected and what happened', async () => {
    const got = await runRuleTests({
      paths: [RULE_TESTS],
      runner: pipelineRunner,
      clock: createTickingClock(),
    });

    const cases = got.files.flatMap((file) =>
      file.cases.map((c) => [c.name, c.status, c.messages.length]),
    );
    expect(cases).toEqual([
      ['expects the alert on the wrong line', 'failed', 2],
      ['forbids an alert that fires', 'failed', 1],
      ['passes on the right line', 'passed', 0],
      ['fails on a malformed recording line even when the alert is right', 'failed', 1],
      ['reports a recording that does not exist', 'error', 1],
    ]);
    expect(got.files[1]?.error).toMatch(/^Test file is not valid: case\.0\.recordings: /);
    expect({ passed: got.passed, failed: got.failed, errors: got.errors }).toEqual({
      passed: 1,
      failed: 3,
      errors: 2,
    });
  });

  it('prints a readable report with the details under each failure', async () => {
    const summary = await runRuleTests({ paths: [RULE_TESTS], runner: pipelineRunner });

    const got = formatTestReport(summary, fileURLToPath(new URL('.', import.meta.url)));

    expect(got).toContain(
      '  FAIL forbids an alert that fires\n       Alert must not fire: rule b56305f6',
    );
    expect(got).toContain('  ok   passes on the right line\n');
    expect(got.trimEnd().split('\n').at(-1)).toBe(
      '1 passed, 3 failed, 2 errors (5 cases in 2 file(s))',
    );
  });

  it('writes JUnit XML that reads back with the same verdicts', async () => {
    const summary = await runRuleTests({ paths: [RULE_TESTS], runner: pipelineRunner });

    const got = parseXml(formatJunitXml(summary));

    const verdicts = got.children.flatMap((suite) =>
      suite.children.map((testcase) => [
        testcase.attributes.name,
        testcase.children[0]?.name ?? 'passed',
      ]),
    );
    expect(verdicts).toEqual([
      ['expects the alert on the wrong line', 'failure'],
      ['forbids an alert that fires', 'failure'],
      ['passes on the right line', 'passed'],
      ['fails on a malformed recording line even when the alert is right', 'failure'],
      ['reports a recording that does not exist', 'error'],
      ['load test file', 'error'],
    ]);
  });
});

describe('runRuleTests with an injected runner', () => {
  it('hands the case its recordings, rules and format', async () => {
    const calls: Array<[string[], string[], string]> = [];
    const runner: RecordingRunner = async (paths, rules, format) => {
      calls.push([
        paths.map((p) => p.slice(RULE_TESTS.length)),
        rules.map((r) => r.ruleId),
        format,
      ]);
      return { detections: [], problems: [] };
    };

    await runRuleTests({ paths: [`${RULE_TESTS}/failing.test.toml`], runner });

    expect(calls[0]).toEqual([
      ['/recordings/one-mount.ndjson'],
      ['b56305f6-44d0-48af-88c8-a28c64f5569b'],
      'auto',
    ]);
  });
});

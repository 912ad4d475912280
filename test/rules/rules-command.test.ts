import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { runCli } from '../support/cli.js';
import { parseXml } from './xml-reader.js';

const MIXED = 'test/fixtures/rules/mixed';

describe('execwatch rules check', () => {
  it('prints the JSON report with a summary and exits 1 when a rule is in error', async () => {
    const got = await runCli(['rules', 'check', '--json', '--no-builtin-rules', MIXED]);

    const report = JSON.parse(got.stdout) as {
      rules: Array<Record<string, unknown>>;
      summary: Record<string, number>;
    };
    expect(got.status).toBe(1);
    expect(report.summary).toEqual({ ok: 3, unsupported: 4, error: 2, total: 9 });
    expect(Object.keys(report.rules[0] ?? {})).toEqual([
      'file',
      'rule_id',
      'name',
      'status',
      'reason',
    ]);
    expect(report.rules.find((r) => r.rule_id === '4f7e1c2a-0c3e-4a51-9d51-1f1a8c0de003')).toEqual({
      file: `${MIXED}/outbound_smb.toml`,
      rule_id: '4f7e1c2a-0c3e-4a51-9d51-1f1a8c0de003',
      name: 'Outbound SMB Connection',
      status: 'unsupported',
      reason: "can never fire: execwatch produces no 'network' events (only 'process')",
    });
  });

  it('shows an error with file:line:column and a caret under the offending text', async () => {
    const got = await runCli([
      'rules',
      'check',
      '--no-builtin-rules',
      `${MIXED}/broken_query.toml`,
    ]);

    expect(got.status).toBe(1);
    expect(got.stdout).toBe(
      [
        `error        ${MIXED}/broken_query.toml:15:16: '=' is not a comparison operator`,
        '  process.name = "ssh"',
        '               ^',
        "hint: use '==' (case-sensitive) or ':' (case-insensitive)",
        '',
        '1 rules: 0 ok, 0 unsupported, 1 error',
        '',
      ].join('\n'),
    );
  });

  it('checks the built-in pack by default and exits 0 when nothing is in error', async () => {
    const got = await runCli(['rules', 'check']);

    expect(got.status).toBe(0);
    const seedRuleLine = new RegExp(
      String.raw`^ok +\S+lateral_movement_mount_smb_share_via_command_line\.toml {2}` +
        'Attempt to Mount SMB Share via Command Line$',
      'm',
    );
    expect(got.stdout).toMatch(seedRuleLine);
  });

  it('teaches by example in --help', async () => {
    const got = await runCli(['rules', 'check', '--help']);

    expect(got.status).toBe(0);
    expect(got.stdout).toContain('$ execwatch rules check --json --no-builtin-rules export.ndjson');
  });
});

describe('execwatch rules test', () => {
  let directory = '';
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'execwatch-rules-test-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('runs the built-in pack cases, exits 0 and writes JUnit XML', async () => {
    const junit = join(directory, 'report.xml');

    const got = await runCli(['rules', 'test', 'rules', '--junit', junit]);

    const xml = parseXml(await readFile(junit, 'utf8'));
    expect(got.status).toBe(0);
    expect(got.stdout).toMatch(/^\d+ passed, 0 failed, 0 errors/m);
    expect(xml.attributes).toMatchObject({ failures: '0', errors: '0' });
  });

  it('exits 1 when a case fails', async () => {
    const got = await runCli(['rules', 'test', 'test/fixtures/rules/rule-tests/failing.test.toml']);

    expect(got.status).toBe(1);
    expect(got.stdout).toContain('FAIL forbids an alert that fires');
  });
});

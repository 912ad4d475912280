import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { EqlError } from '../../src/eql/index.js';
import {
  builtinRulesDir,
  loadRules,
  rulesConfigSchema,
  ruleLoadOptionsFromConfig,
} from '../../src/rules/index.js';
import { makeEvent, SEED_RULE_ID } from './factories.js';

const MIXED = fileURLToPath(new URL('../fixtures/rules/mixed', import.meta.url));
const fixture = (name: string) => join(MIXED, name);

describe('loadRules', () => {
  it('reports every rule of a mixed folder with its status and reason', async () => {
    const { reports } = await loadRules({ paths: [MIXED], builtin: false });

    const got = reports.map((r) => [
      r.file.slice(MIXED.length + 1),
      r.rule_id?.slice(-3) ?? null,
      r.status,
    ]);

    expect(got).toEqual([
      ['kibana-export.ndjson', null, 'unsupported'],
      ['broken_query.toml', '002', 'error'],
      ['curl_pipe_shell.toml', '001', 'ok'],
      ['handmade.json', '008', 'ok'],
      ['kibana-export.ndjson', '005', 'ok'],
      ['kibana-export.ndjson', '006', 'unsupported'],
      ['kibana-export.ndjson', '007', 'error'],
      ['outbound_smb.toml', '003', 'unsupported'],
      ['rare_parent.toml', '004', 'unsupported'],
    ]);
  });

  it('places a query syntax error at its line and column in the TOML file', async () => {
    const { reports } = await loadRules({ paths: [fixture('broken_query.toml')], builtin: false });

    const error = reports[0]?.error;

    expect(error).toBeInstanceOf(EqlError);
    expect(error?.location).toEqual({ file: fixture('broken_query.toml'), line: 15, column: 16 });
    expect((error as EqlError).render().split('\n')).toEqual([
      `${fixture('broken_query.toml')}:15:16: '=' is not a comparison operator`,
      '  process.name = "ssh"',
      '               ^',
      "hint: use '==' (case-sensitive) or ':' (case-insensitive)",
    ]);
  });

  it('places a query error in an NDJSON export at the line of its rule', async () => {
    const { reports } = await loadRules({
      paths: [fixture('kibana-export.ndjson')],
      builtin: false,
    });

    const report = reports.find((r) => r.status === 'error');

    expect(report?.error?.location).toEqual({ file: fixture('kibana-export.ndjson'), line: 3 });
    expect(report?.reason).toContain('(in the query, line 2, column 27)');
    expect(report?.error?.cause).toBeInstanceOf(EqlError);
  });

  it('names the reason a non-EQL rule and a rule needing network events cannot run', async () => {
    const { reports } = await loadRules({
      paths: [fixture('rare_parent.toml'), fixture('outbound_smb.toml')],
      builtin: false,
    });

    expect(reports.map((r) => r.reason)).toEqual([
      "rule type 'new_terms' is not supported: execwatch runs EQL rules only, " +
        'not new-terms rules (they need the history kept in Elasticsearch)',
      "can never fire: execwatch produces no 'network' events (only 'process')",
    ]);
  });

  it('still loads a rule that can never fire live, naming the missing category', async () => {
    const { rules } = await loadRules({ paths: [fixture('outbound_smb.toml')], builtin: false });

    expect(rules.map((r) => r.categoriesUnavailable)).toEqual([['network']]);
  });

  it('carries the metadata of a detection-rules TOML file into the loaded rule', async () => {
    const { rules } = await loadRules({ paths: [fixture('curl_pipe_shell.toml')], builtin: false });

    expect(rules[0]).toMatchObject({
      ruleId: '4f7e1c2a-0c3e-4a51-9d51-1f1a8c0de001',
      name: 'Shell Runs Downloaded Script',
      severity: 'medium',
      riskScore: 47,
      intervalMs: 600_000,
      maxSignals: 5,
      version: 3,
      license: 'Apache-2.0',
      index: ['logs-endpoint.events.process-*'],
      origin: { file: fixture('curl_pipe_shell.toml'), line: 5 },
      suppression: {
        groupBy: ['host.name', 'user.name'],
        durationMs: 1_800_000,
        missingFields: 'suppress',
      },
      threat: [
        {
          framework: 'MITRE ATT&CK',
          tactic: {
            id: 'TA0002',
            name: 'Execution',
            reference: 'https://attack.mitre.org/tactics/TA0002/',
          },
          technique: [{ id: 'T1059', subtechnique: [{ id: 'T1059.004', name: 'Unix Shell' }] }],
        },
      ],
    });
  });

  it(
    'attaches the exception items that travel with a Kibana export ' +
      'to the rules naming their list',
    async () => {
      const { rules } = await loadRules({
        paths: [fixture('kibana-export.ndjson')],
        builtin: false,
      });
      const rule = rules.find((r) => r.ruleId.endsWith('005'));
      const dump = (parent: string) =>
        makeEvent({
          process: {
            name: 'security',
            args: ['security', 'dump-keychain'],
            parent: { executable: parent },
          },
        });

      const got = rule?.exceptions.map((item) => [
        item.itemId,
        item.matches(dump('/Library/Backup/agent')),
        item.matches(dump('/bin/zsh')),
      ]);

      expect(rule?.exceptionListIds).toEqual(['keychain-tuning']);
      expect(got).toEqual([['backup-agent', true, false]]);
    },
  );

  it('reads the built-in pack once when it is also named as a path', async () => {
    const { reports } = await loadRules({ paths: [builtinRulesDir()], builtin: true });

    expect(reports.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(new Set(reports.map((r) => r.file)).size).toBe(reports.length);
  });

  it('loads the built-in pack with the seed rule and its metadata', async () => {
    const { rules, reports } = await loadRules({ paths: [], builtin: true });

    const seed = rules.find((rule) => rule.ruleId === SEED_RULE_ID);

    expect(reports.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(seed).toMatchObject({
      name: 'Attempt to Mount SMB Share via Command Line',
      severity: 'low',
      riskScore: 21,
      intervalMs: 300_000,
      maxSignals: 100,
      version: 108,
      license: 'Elastic License v2',
      author: ['Elastic'],
      builtin: true,
      threat: [
        {
          tactic: { id: 'TA0008', reference: 'https://attack.mitre.org/tactics/TA0008/' },
          technique: [
            {
              id: 'T1021',
              reference: 'https://attack.mitre.org/techniques/T1021/',
              subtechnique: [
                { id: 'T1021.002', reference: 'https://attack.mitre.org/techniques/T1021/002/' },
              ],
            },
          ],
        },
      ],
    });
    expect(builtinRulesDir().endsWith('/rules')).toBe(true);
  });
});

describe('loadRules on files written for the test', () => {
  let directory = '';
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'execwatch-rules-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  function tomlRule(ruleId: string, query: string): string {
    return [
      '[rule]',
      `rule_id = "${ruleId}"`,
      'name = "Rule"',
      'description = "d"',
      'risk_score = 21',
      'severity = "low"',
      'type = "eql"',
      `query = '''\n${query}\n'''`,
      '',
    ].join('\n');
  }

  it(
    'skips tests folders and *.test.toml files when walking, ' + 'but reads explicit paths',
    async () => {
      await mkdir(join(directory, 'tests'));
      await writeFile(join(directory, 'a.toml'), tomlRule('a', 'process where true'));
      await writeFile(join(directory, 'a.test.toml'), '[[case]]\n');
      await writeFile(join(directory, 'tests', 'recording.ndjson'), '{"event":{}}\n');
      await writeFile(join(directory, 'notes.md'), '# notes\n');

      const walked = await loadRules({ paths: [directory], builtin: false });

      expect(walked.reports.map((r) => [r.rule_id, r.status])).toEqual([['a', 'ok']]);
    },
  );

  it('reports a duplicate rule_id and keeps the first copy', async () => {
    await writeFile(join(directory, 'a.toml'), tomlRule('same', 'process where true'));
    await writeFile(join(directory, 'b.toml'), tomlRule('same', 'process where false'));

    const { rules, reports } = await loadRules({ paths: [directory], builtin: false });

    expect(rules.map((r) => r.query.trim())).toEqual(['process where true']);
    expect(reports.map((r) => [r.status, r.error?.code ?? null])).toEqual([
      ['ok', null],
      ['error', 'RULE_DUPLICATE_ID'],
    ]);
  });

  it('reports a missing path without stopping the others', async () => {
    await writeFile(join(directory, 'a.toml'), tomlRule('a', 'process where true'));

    const { rules, reports } = await loadRules({
      paths: [join(directory, 'nope'), directory],
      builtin: false,
    });

    expect(rules).toHaveLength(1);
    expect(reports[0]?.error?.code).toBe('RULE_PATH_UNREADABLE');
  });

  it(
    'builds a fresh set on every call, ' + 'so a broken reload leaves the running set untouched',
    async () => {
      const file = join(directory, 'a.toml');
      await writeFile(file, tomlRule('a', 'process where true'));
      const running = await loadRules({ paths: [file], builtin: false });

      await writeFile(file, tomlRule('a', 'process where ('));
      const next = await loadRules({ paths: [file], builtin: false });

      expect(next.rules).toEqual([]);
      expect(next.reports[0]?.status).toBe('error');
      expect(running.rules[0]?.compiled.kind).toBe('event');
    },
  );

  it(
    'applies config exceptions by list id and to all rules, ' + 'and config suppression by rule id',
    async () => {
      await writeFile(
        join(directory, 'a.toml'),
        tomlRule('a', 'process where true') +
          '\nexceptions_list = [{ id = "x", list_id = "admins", ' +
          'namespace_type = "single", type = "detection" }]\n',
      );
      const config = rulesConfigSchema.parse({
        paths: ['.'],
        builtin: false,
        exceptions: [
          {
            listId: 'admins',
            items: [{ entries: [{ type: 'match', field: 'user.name', value: 'root' }] }],
          },
          {
            listId: 'lab',
            appliesTo: 'all',
            items: [{ entries: [{ type: 'wildcard', field: 'host.name', value: 'lab-*' }] }],
          },
          { listId: 'unused', items: [{ entries: [{ type: 'exists', field: 'user.id' }] }] },
        ],
        suppression: { a: { groupBy: ['host.name'], durationMs: 60_000 } },
      });

      const { options } = await ruleLoadOptionsFromConfig(config, directory);
      const { rules } = await loadRules(options);

      expect(rules[0]?.exceptions.map((item) => item.listId).sort()).toEqual(['admins', 'lab']);
      expect(rules[0]?.suppression).toEqual({
        groupBy: ['host.name'],
        durationMs: 60_000,
        missingFields: 'suppress',
      });
    },
  );
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli } from '../support/cli.js';
import { validateEcsDocument } from '../support/ecs-validate.js';

const SMB_EXAMPLE = 'examples/smb-mount.eslogger.jsonl';
const BAD_LINES_EXAMPLE = 'examples/noise-with-bad-lines.eslogger.jsonl';
const SEED_RULE_NAME = 'Attempt to Mount SMB Share via Command Line';

function parseLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function pick(alert: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => {
    return value !== null && typeof value === 'object'
      ? (value as Record<string, unknown>)[key]
      : undefined;
  }, alert);
}

describe('execwatch replay --json on the bundled SMB example', () => {
  let alerts: Array<Record<string, unknown>> = [];
  let status: number | null = null;
  let stderr = '';

  beforeAll(async () => {
    const result = await runCli(['replay', '--json', SMB_EXAMPLE]);
    alerts = parseLines(result.stdout);
    status = result.status;
    stderr = result.stderr;
  });

  it('exits 0 and prints only alert documents on stdout', () => {
    expect(status).toBe(0);
    expect(alerts.every((alert) => pick(alert, 'event.kind') === 'alert')).toBe(true);
  });

  it(
    'fires the seed rule on each of its four branches and on the orphan mount, ' +
      'not on Google Drive',
    () => {
      const got = alerts.map((alert) => [
        pick(alert, 'rule.name'),
        pick(alert, 'process.command_line'),
      ]);

      const want = [
        [SEED_RULE_NAME, 'open smb://fileserver.example/share'],
        [SEED_RULE_NAME, 'mount_smbfs //alice@fileserver.example/share /Volumes/share'],
        [SEED_RULE_NAME, 'mount -t smbfs //alice@fileserver.example/projects /Volumes/projects'],
        [SEED_RULE_NAME, 'osascript -e mount volume "smb://fileserver.example/media"'],
        [SEED_RULE_NAME, 'mount_smbfs //alice@fileserver.example/backup /Volumes/backup'],
      ];
      expect(got).toEqual(want);
    },
  );

  it('carries the parent of each matched process from the process table', () => {
    const got = alerts.map((alert) => pick(alert, 'process.parent.name'));

    expect(got).toEqual(['zsh', 'zsh', 'zsh', 'zsh', undefined]);
  });

  it('produces alerts whose every field is valid ECS', () => {
    const got = alerts.flatMap((alert) => validateEcsDocument(alert));

    expect(got).toEqual([]);
  });

  it('maps the rule to MITRE ATT&CK lateral movement over SMB', () => {
    const got = pick(alerts[0] ?? {}, 'threat');

    expect(got).toMatchObject({
      framework: 'MITRE ATT&CK',
      tactic: { id: ['TA0008'], name: ['Lateral Movement'] },
      technique: { id: ['T1021'], subtechnique: { id: ['T1021.002'] } },
    });
  });

  it('writes its summary to stderr, not stdout', () => {
    expect(stderr).toMatch(/5 alerts from \d+ rules/);
  });
});

describe('execwatch replay in readable form', () => {
  it('draws each alert with its process tree and ends with a summary', async () => {
    const got = await runCli(['replay', SMB_EXAMPLE]);

    expect(got.status).toBe(0);
    expect(got.stdout).toContain(`ALERT  ${SEED_RULE_NAME}`);
    expect(got.stdout).toContain('└─▶ open smb://fileserver.example/share');
    expect(got.stdout).toMatch(/replayed \d+ records: \d+ events, .* 5 alerts/);
  });
});

describe('execwatch replay with bad input', () => {
  let directory = '';

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'execwatch-e2e-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reports malformed lines with file, line and column and goes on', async () => {
    const got = await runCli(['replay', '--json', BAD_LINES_EXAMPLE]);

    expect(got.status).toBe(0);
    expect(got.stderr).toContain(`${BAD_LINES_EXAMPLE}:9:82: Invalid JSON`);
    expect(got.stderr).toContain(`${BAD_LINES_EXAMPLE}:10:1:`);
    expect(got.stderr).toMatch(/3 malformed/);
  });

  it('fails with status 2 and names the file when a recording cannot be read', async () => {
    const missing = join(directory, 'missing.jsonl');

    const got = await runCli(['replay', missing]);

    expect(got.status).toBe(2);
    expect(got.stderr).toContain(missing);
  });

  it('reads gzip-compressed recordings and standard input like plain files', async () => {
    const plain = await readFile(SMB_EXAMPLE);
    const gzipped = join(directory, 'smb.jsonl.gz');
    await writeFile(gzipped, gzipSync(plain));

    const fromGzip = await runCli(['replay', '--json', gzipped]);
    const fromStdin = await runCli(['replay', '--json', '-'], { input: plain.toString('utf8') });

    expect(parseLines(fromGzip.stdout)).toHaveLength(5);
    expect(parseLines(fromStdin.stdout)).toHaveLength(5);
  });

  it('runs no built-in rule with --no-builtin-rules and no --rules', async () => {
    const got = await runCli(['replay', '--json', '--no-builtin-rules', SMB_EXAMPLE]);

    expect(got.stdout).toBe('');
    expect(got.stderr).toMatch(/0 alerts from 0 rules/);
  });
});

describe('execwatch query', () => {
  it('prints each matching event as one JSON line and honours | head', async () => {
    const query = 'process where event.action == "exec" and process.name : "MOUNT*" | head 2';

    const got = await runCli(['query', query, SMB_EXAMPLE]);

    const names = parseLines(got.stdout).map((event) => pick(event, 'process.name'));
    expect(names).toEqual(['mount_smbfs', 'mount']);
  });

  it('shows a syntax error with a caret under its position and exits 2', async () => {
    const got = await runCli(['query', 'process where process.name = "x"', SMB_EXAMPLE]);

    expect(got.status).toBe(2);
    expect(got.stderr).toContain('^');
    expect(got.stderr).toContain('==');
  });
});

import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createStandInSandbox } from '../fixtures/stand-ins/stand-in-env.js';
import { CLI_PATH, REPO_ROOT, startCli } from './cli-harness.js';
import type { RunningCli } from './cli-harness.js';

const SMB_RULE = join(REPO_ROOT, 'rules/lateral_movement_mount_smb_share_via_command_line.toml');
const FIXTURES = join(REPO_ROOT, 'test/agent/fixtures');
const SHUTDOWN_DEADLINE_MS = 5_000;

let workDir: string;
let cli: RunningCli | undefined;
let sandbox: ReturnType<typeof createStandInSandbox> | undefined;

afterEach(() => {
  sandbox?.remove();
  if (cli?.child.exitCode === null) cli.child.kill('SIGKILL');
  cli = undefined;
  rmSync(workDir, { recursive: true, force: true });
});

function makeEvent(id: string, name: string, args: string[]): string {
  const event = {
    '@timestamp': '2026-12-01T09:00:01.000Z',
    event: { id, kind: 'event', category: ['process'], type: ['start'], action: 'exec' },
    host: { name: 'mbp-test', os: { type: 'macos', family: 'macos', name: 'macOS' } },
    user: { name: 'alice', id: '501' },
    process: {
      pid: 4000 + Number(id.replace(/\D/g, '')),
      entity_id: `ent-${id}`,
      name,
      executable: `/usr/bin/${name}`,
      args,
      command_line: args.join(' '),
      parent: { pid: 300, name: 'zsh', executable: '/bin/zsh' },
    },
  };
  return `${JSON.stringify(event)}\n`;
}

const smbEvent = (id: string) =>
  makeEvent(id, 'mount_smbfs', ['mount_smbfs', '//u@nas/share', '/Volumes/s']);
const curlEvent = (id: string) => makeEvent(id, 'curl', ['curl', 'https://pastebin.com/raw/x']);

function setUpAgentFiles() {
  workDir = mkdtempSync(join(tmpdir(), 'execwatch-run-'));
  const rulesDir = join(workDir, 'rules');
  mkdirSync(rulesDir);
  copyFileSync(SMB_RULE, join(rulesDir, 'smb.toml'));
  const files = {
    rulesDir,
    events: join(workDir, 'events.ndjson'),
    alertsOut: join(workDir, 'alerts.ndjson'),
    stateDir: join(workDir, 'state'),
    config: join(workDir, 'config.json'),
  };
  writeFileSync(files.events, '');
  writeFileSync(
    files.config,
    JSON.stringify({
      agent: { statusIntervalMs: 200, shutdownDeadlineMs: SHUTDOWN_DEADLINE_MS, logFormat: 'json' },
      rules: { paths: ['rules'], builtin: false },
      notify: { backend: 'none' },
      outputs: [{ type: 'file', path: files.alertsOut, flushIntervalMs: 60_000 }],
    }),
  );
  return files;
}

function agentArgs(files: ReturnType<typeof setUpAgentFiles>): string[] {
  return [
    '--config',
    files.config,
    '--managed-preferences',
    join(workDir, 'no-managed.plist'),
    '--source',
    'replay',
    '--replay',
    files.events,
    '--follow',
    '--json',
    '--state-dir',
    files.stateDir,
  ];
}

function startAgent(
  files: ReturnType<typeof setUpAgentFiles>,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): RunningCli {
  return startCli(['run', ...agentArgs(files), ...extraArgs], env);
}

interface StatusDocument {
  verdict: { liveness: string };
  status: {
    rules: { count: number };
    events: { events: number; malformed: number };
    lastError: { message: string } | null;
  };
}

function runStatus(stateDir: string) {
  const result = spawnSync(
    process.execPath,
    [CLI_PATH, 'status', '--state-dir', stateDir, '--json'],
    {
      encoding: 'utf8',
    },
  );
  return { code: result.status, document: JSON.parse(result.stdout) as StatusDocument };
}

const ruleNameOf = (alert: Record<string, unknown>) => (alert.rule as { name: string }).name;

describe('execwatch run as a child process', () => {
  it(
    'reloads rules on SIGHUP, keeps the old set when the new one is broken, ' +
      'and stops cleanly on SIGTERM',
    async () => {
      const files = setUpAgentFiles();
      cli = startAgent(files);
      await cli.waitForLog((line) => line.message === 'agent running');

      appendFileSync(files.events, smbEvent('e1'));
      await cli.waitForAlerts(1);
      const running = runStatus(files.stateDir);

      writeFileSync(
        join(files.rulesDir, 'broken.toml'),
        readFileSync(join(FIXTURES, 'broken.toml')),
      );
      cli.child.kill('SIGHUP');
      const rejected = await cli.waitForLog((line) => line.message.startsWith('reload rejected'));
      appendFileSync(files.events, curlEvent('e2') + smbEvent('e3'));
      await cli.waitForAlerts(2);

      rmSync(join(files.rulesDir, 'broken.toml'));
      copyFileSync(join(FIXTURES, 'curl-to-pastebin.toml'), join(files.rulesDir, 'curl.toml'));
      cli.child.kill('SIGHUP');
      const reloaded = await cli.waitForLog((line) => line.message === 'reloaded');
      appendFileSync(files.events, curlEvent('e4'));
      await cli.waitForAlerts(3);

      const stopAskedMs = Date.now();
      cli.child.kill('SIGTERM');
      const exit = await cli.waitForExit();
      const stopTookMs = Date.now() - stopAskedMs;

      expect(running.code).toBe(0);
      expect(running.document.verdict.liveness).toBe('running');
      expect(running.document.status.rules.count).toBe(1);
      expect(rejected.level).toBe('error');
      expect((rejected.err as { message: string }).message).toMatch(
        /broken\.toml.*Expected a field, value or '\(' but found 'and'/,
      );
      expect(reloaded.rules).toBe(2);
      expect(cli.alerts.map(ruleNameOf)).toEqual([
        'Attempt to Mount SMB Share via Command Line',
        'Attempt to Mount SMB Share via Command Line',
        'Curl Fetch from Paste Site',
      ]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(stopTookMs).toBeLessThan(SHUTDOWN_DEADLINE_MS);
      const delivered = readFileSync(files.alertsOut, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(delivered.map(ruleNameOf)).toEqual(cli.alerts.map(ruleNameOf));
      const stopped = runStatus(files.stateDir);
      expect(stopped.code).toBe(1);
      expect(stopped.document.verdict.liveness).toBe('stopped');
      expect(stopped.document.status.events.events).toBe(4);
      expect(stopped.document.status.lastError?.message).toMatch(/broken\.toml/);
    },
  );

  it('reports a malformed line with file and line on stderr, counts it and goes on', async () => {
    const files = setUpAgentFiles();
    cli = startAgent(files);
    await cli.waitForLog((line) => line.message === 'agent running');

    appendFileSync(files.events, '{"not": json\n' + smbEvent('e5'));
    await cli.waitForAlerts(1);
    const problem = await cli.waitForLog((line) => line.message === 'unreadable record');
    cli.child.kill('SIGTERM');
    await cli.waitForExit();

    expect((problem.err as { message: string }).message).toMatch(
      new RegExp(`^${files.events}:1:\\d+: `),
    );
    expect(runStatus(files.stateDir).document.status.events).toMatchObject({
      malformed: 1,
      events: 1,
    });
  });

  it('stops on SIGINT with exit status 0', async () => {
    const files = setUpAgentFiles();
    cli = startAgent(files);
    await cli.waitForLog((line) => line.message === 'agent running');

    cli.child.kill('SIGINT');
    const exit = await cli.waitForExit();

    expect(exit).toEqual({ code: 0, signal: null });
    expect(cli.logs.map((l) => l.message)).toContain('agent stopped');
  });

  it('refuses to start with an invalid config, naming key, value and expectation', async () => {
    const files = setUpAgentFiles();
    writeFileSync(files.config, JSON.stringify({ agent: { shutdownDeadlineMs: 'soon' } }));
    cli = startAgent(files);

    const exit = await cli.waitForExit();

    expect(exit.code).toBe(2);
    expect(cli.stderrText()).toContain(
      `agent.shutdownDeadlineMs: got "soon" (from ${files.config}), expected a number`,
    );
  });
});

describe('execwatch run notifications', () => {
  it(
    'shows an alert with hostile process arguments through launchctl asuser and osascript, ' +
      'verbatim, running nothing',
    async () => {
      const files = setUpAgentFiles();
      sandbox = createStandInSandbox({ STANDIN_CONSOLE_UID: '501' });
      const marker = join(sandbox.dir, 'pwned');
      const appleScriptInjection = `" & (do shell script "touch ${marker}") & "`;
      const shellInjection = `$(touch ${marker}) \`touch ${marker}\` \\ '\n`;
      const hostile = `${appleScriptInjection} ${shellInjection}`;
      const config = JSON.parse(readFileSync(files.config, 'utf8')) as Record<string, unknown>;
      writeFileSync(files.config, JSON.stringify({ ...config, notify: { minSeverity: 'low' } }));
      cli = startAgent(files, ['--notify', 'osascript'], sandbox.env);
      await cli.waitForLog((line) => line.message === 'agent running');

      appendFileSync(files.events, makeEvent('e9', 'mount_smbfs', ['mount_smbfs', hostile]));
      await cli.waitForAlerts(1);
      cli.child.kill('SIGTERM');
      const exit = await cli.waitForExit();

      const title = 'Low: Attempt to Mount SMB Share via Command Line';
      const body = `mount_smbfs (pid 4009): mount_smbfs ${hostile}`;
      const script = [
        '-e',
        'on run argv',
        '-e',
        'display notification (item 2 of argv) with title (item 1 of argv)',
        '-e',
        'end run',
      ];
      expect(exit.code).toBe(0);
      expect(sandbox.calls()).toEqual([
        { program: 'stat', argv: ['-f', '%u', '/dev/console'] },
        {
          program: 'launchctl',
          argv: ['asuser', '501', 'osascript', ...script, '--', title, body],
        },
        { program: 'osascript', argv: [...script, '--', title, body] },
        { displayed: { title, text: body } },
      ]);
      expect(existsSync(marker)).toBe(false);
    },
  );
});

describe('execwatch status', () => {
  it('says clearly that no agent is running when there is no status file', () => {
    workDir = mkdtempSync(join(tmpdir(), 'execwatch-status-'));

    const got = spawnSync(process.execPath, [CLI_PATH, 'status', '--state-dir', workDir], {
      encoding: 'utf8',
    });

    expect(got.status).toBe(1);
    expect(got.stdout).toBe(
      `No agent status at ${join(workDir, 'status.json')}: ` +
        'the agent is not running, or uses another --state-dir\n',
    );
  });
});

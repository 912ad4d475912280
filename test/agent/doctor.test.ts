import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { build } from 'plist';
import { afterEach, describe, expect, it } from 'vitest';

import { defaultCollaborators } from '../../src/agent/index.js';
import { createProcessDoctorEnvironment, runDoctorChecks } from '../../src/agent/doctor.js';
import type { DoctorEnvironment } from '../../src/agent/doctor.js';
import { createCommandRunner } from '../../src/notify/index.js';
import { createStandInSandbox } from '../fixtures/stand-ins/stand-in-env.js';
import { CLI_PATH } from './cli-harness.js';

let sandbox: ReturnType<typeof createStandInSandbox>;
let workDir: string;
let server: Server | undefined;

afterEach(async () => {
  sandbox?.remove();
  rmSync(workDir, { recursive: true, force: true });
  await new Promise((resolve) => (server === undefined ? resolve(null) : server.close(resolve)));
  server = undefined;
});

function denied(code: string) {
  return () => {
    throw Object.assign(new Error(code), { code });
  };
}

function macEnvironment(overrides: Partial<DoctorEnvironment> = {}): DoctorEnvironment {
  return {
    ...createProcessDoctorEnvironment(
      createCommandRunner(sandbox.env),
      defaultCollaborators.loadRuleSet,
    ),
    platform: 'darwin',
    uid: 0,
    executablePath: '/Applications/Execwatch.app/Contents/MacOS/execwatch',
    probeRead: () => undefined,
    isExecutable: (path) => path === '/usr/bin/eslogger',
    ...overrides,
  };
}

function writeConfig(settings: unknown): string {
  const path = join(workDir, 'config.json');
  writeFileSync(path, JSON.stringify(settings));
  return path;
}

async function listen(): Promise<number> {
  server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function check(
  environment: DoctorEnvironment,
  settings: unknown = { rules: { builtin: true } },
) {
  return runDoctorChecks({
    loadOptions: {
      configPath: writeConfig(settings),
      managedPreferencesPath: join(workDir, 'none.plist'),
    },
    environment,
    connectTimeoutMs: 2_000,
  });
}

describe('execwatch doctor checks', () => {
  it('passes every check on a well set-up Mac', async () => {
    workDir = mkdtempSync(join(tmpdir(), 'execwatch-doctor-'));
    const entitlements = join(workDir, 'entitlements.plist');
    writeFileSync(entitlements, build({ 'com.apple.developer.endpoint-security.client': true }));
    sandbox = createStandInSandbox({ STANDIN_ENTITLEMENTS: entitlements });
    const port = await listen();

    const got = await check(macEnvironment(), {
      outputs: [{ type: 'http', url: `http://127.0.0.1:${port}/alerts` }],
    });

    expect(got.map((c) => [c.name, c.status])).toEqual([
      ['root', 'ok'],
      ['full disk access', 'ok'],
      ['entitlement', 'ok'],
      ['eslogger', 'ok'],
      ['config', 'ok'],
      ['rules', 'ok'],
      ['collector http', 'ok'],
    ]);
    expect(sandbox.calls()).toEqual([
      {
        program: 'codesign',
        argv: [
          '-d',
          '--entitlements',
          '-',
          '--xml',
          '/Applications/Execwatch.app/Contents/MacOS/execwatch',
        ],
      },
    ]);
  });

  it('says how to fix each problem of a fresh Mac', async () => {
    workDir = mkdtempSync(join(tmpdir(), 'execwatch-doctor-'));
    sandbox = createStandInSandbox();
    const port = await listen();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;

    const got = await check(
      macEnvironment({ uid: 501, probeRead: denied('EPERM'), isExecutable: () => false }),
      { outputs: [{ type: 'syslog', host: '127.0.0.1', port, protocol: 'tcp' }] },
    );

    expect(got).toEqual([
      {
        name: 'root',
        status: 'fail',
        detail: 'running as uid 501; Endpoint Security and eslogger need root',
        fix: 'run the agent as the LaunchDaemon (or with sudo)',
      },
      {
        name: 'full disk access',
        status: 'fail',
        detail:
          '/Library/Application Support/com.apple.TCC/TCC.db ' +
          'is not readable (EPERM): no Full Disk Access',
        fix:
          'grant Full Disk Access to /Applications/Execwatch.app/Contents/MacOS/execwatch in ' +
          'System Settings › Privacy & Security › Full Disk Access, ' +
          'or deploy the PPPC profile from scripts/mdm',
      },
      {
        name: 'entitlement',
        status: 'warn',
        detail:
          'cannot read the entitlements: codesign failed: ' +
          '/Applications/Execwatch.app/Contents/MacOS/execwatch: code object is not signed at all',
        fix: expect.stringContaining('provisioning profile'),
      },
      {
        name: 'eslogger',
        status: 'warn',
        detail: '/usr/bin/eslogger is missing (it ships with macOS 13 and later)',
        fix: expect.stringContaining('macOS 13'),
      },
      {
        name: 'config',
        status: 'ok',
        detail: expect.stringMatching(/^valid \(from defaults, /),
        fix: null,
      },
      {
        name: 'rules',
        status: 'ok',
        detail: expect.stringMatching(/^\d+ compiled, 0 in error/),
        fix: null,
      },
      {
        name: 'collector syslog',
        status: 'fail',
        detail: expect.stringMatching(
          new RegExp(`^127.0.0.1:${port} is not reachable: .*ECONNREFUSED`),
        ),
        fix: 'check the address, the firewall and that the collector is running',
      },
    ]);
  });

  it('warns when the executable is signed without the Endpoint Security entitlement', async () => {
    workDir = mkdtempSync(join(tmpdir(), 'execwatch-doctor-'));
    const entitlements = join(workDir, 'entitlements.plist');
    writeFileSync(entitlements, build({ 'com.apple.security.cs.allow-jit': true }));
    sandbox = createStandInSandbox({ STANDIN_ENTITLEMENTS: entitlements });

    const got = (await check(macEnvironment())).find((c) => c.name === 'entitlement');

    expect(got?.status).toBe('warn');
    expect(got?.detail).toBe(
      '/Applications/Execwatch.app/Contents/MacOS/execwatch lacks ' +
        'com.apple.developer.endpoint-security.client',
    );
  });

  it('reports an invalid config and stops before rules and collectors', async () => {
    workDir = mkdtempSync(join(tmpdir(), 'execwatch-doctor-'));
    sandbox = createStandInSandbox();

    const got = await check(macEnvironment({ platform: 'linux' }), {
      notify: { backend: 'growl' },
    });

    expect(got.map((c) => [c.name, c.status, c.detail])).toEqual([
      ['root', 'n/a', 'not applicable on Linux'],
      ['full disk access', 'n/a', 'not applicable on Linux'],
      ['entitlement', 'n/a', 'not applicable on Linux'],
      ['eslogger', 'n/a', 'not applicable on Linux'],
      ['config', 'fail', expect.stringContaining('notify.backend: got "growl"')],
    ]);
  });

  it('fails the rules check with the file and position of a broken rule', async () => {
    workDir = mkdtempSync(join(tmpdir(), 'execwatch-doctor-'));
    sandbox = createStandInSandbox();
    const brokenRule = new URL('fixtures/broken.toml', import.meta.url).pathname;

    const got = (
      await check(macEnvironment({ platform: 'linux' }), {
        rules: { paths: [brokenRule], builtin: false },
      })
    ).find((c) => c.name === 'rules');

    expect(got?.status).toBe('fail');
    expect(got?.detail).toContain('0 compiled, 1 in error');
    expect(got?.detail).toContain('broken.toml');
  });
});

describe('execwatch doctor as a command', () => {
  it.skipIf(process.platform !== 'linux')(
    'reports the platform checks as not applicable on Linux and fails on an unreachable collector',
    () => {
      workDir = mkdtempSync(join(tmpdir(), 'execwatch-doctor-'));
      const config = writeConfig({
        rules: { builtin: true },
        outputs: [{ type: 'syslog', host: '127.0.0.1', port: 1, protocol: 'tcp' }],
      });

      const got = spawnSync(
        process.execPath,
        [
          CLI_PATH,
          'doctor',
          '--json',
          '--config',
          config,
          '--managed-preferences',
          join(workDir, 'none.plist'),
        ],
        { encoding: 'utf8' },
      );

      const report = JSON.parse(got.stdout) as { checks: Array<{ name: string; status: string }> };
      expect(got.status).toBe(1);
      expect(report.checks.map((c) => `${c.name}: ${c.status}`)).toEqual([
        'root: n/a',
        'full disk access: n/a',
        'entitlement: n/a',
        'eslogger: n/a',
        'config: ok',
        'rules: ok',
        'collector syslog: fail',
      ]);
    },
  );
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'plist';
import { afterEach, describe, expect, it } from 'vitest';

import { createCommandRunner } from '../../src/notify/index.js';
import {
  APP_PATH,
  CONFIG_PATH,
  install,
  LAUNCH_DAEMON_PATH,
  NEWSYSLOG_PATH,
  runInstallCli,
  uninstall,
} from '../../src/packaging/index.js';
import type { InstallOptions } from '../../src/packaging/index.js';
import { createStandInSandbox } from '../fixtures/stand-ins/stand-in-env.js';
import { REPO_ROOT } from '../agent/cli-harness.js';

let sandbox: ReturnType<typeof createStandInSandbox>;

afterEach(() => sandbox?.remove());

function makeApp(name: string, executableText: string): string {
  const app = join(sandbox.dir, name, 'Execwatch.app');
  mkdirSync(join(app, 'Contents', 'MacOS'), { recursive: true });
  writeFileSync(join(app, 'Contents', 'MacOS', 'execwatch'), executableText, { mode: 0o755 });
  writeFileSync(join(app, 'Contents', 'Info.plist'), `<plist>${name}</plist>`);
  return app;
}

function setUp() {
  sandbox = createStandInSandbox();
  const root = join(sandbox.dir, 'root');
  mkdirSync(root);
  const lines: string[] = [];
  const options = (overrides: Partial<InstallOptions> = {}): InstallOptions => ({
    root,
    dryRun: false,
    manageService: true,
    run: createCommandRunner(sandbox.env),
    say: (line) => lines.push(line),
    ...overrides,
  });
  const launchctlCalls = () =>
    sandbox
      .calls()
      .filter((c) => c.program === 'launchctl')
      .map((c) => c.argv?.join(' '));
  return { root, lines, options, launchctlCalls };
}

const plistIn = (root: string) => join(root, LAUNCH_DAEMON_PATH);

describe('install', () => {
  it('lays out the files and bootstraps the service on a fresh root', async () => {
    const { root, options, launchctlCalls } = setUp();
    const app = makeApp('v1', 'v1 binary');
    const config = join(sandbox.dir, 'config.json');
    writeFileSync(config, '{"notify":{"backend":"osascript"}}');

    const got = await install(options({ appPath: app, configFile: config }));

    expect(got).toEqual({ changed: true, restarted: true });
    expect(launchctlCalls()).toEqual([
      'print system/com.execwatch.agent',
      'enable system/com.execwatch.agent',
      `bootstrap system ${plistIn(root)}`,
    ]);
    expect((parse(readFileSync(plistIn(root), 'utf8')) as { Label: string }).Label).toBe(
      'com.execwatch.agent',
    );
    expect(statSync(plistIn(root)).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(root, APP_PATH, 'Contents/MacOS/execwatch'), 'utf8')).toBe(
      'v1 binary',
    );
    expect(readFileSync(join(root, NEWSYSLOG_PATH), 'utf8')).toContain('execwatch.log');
    expect(readFileSync(join(root, CONFIG_PATH), 'utf8')).toBe(
      '{"notify":{"backend":"osascript"}}',
    );
  });

  it('does nothing the second time when nothing changed', async () => {
    const { options, launchctlCalls, lines } = setUp();
    const app = makeApp('v1', 'v1 binary');
    await install(options({ appPath: app }));
    const callsAfterFirst = launchctlCalls().length;

    const got = await install(options({ appPath: app }));

    expect(got).toEqual({ changed: false, restarted: false });
    expect(launchctlCalls().slice(callsAfterFirst)).toEqual(['print system/com.execwatch.agent']);
    expect(lines.at(-1)).toBe('already installed and up to date; nothing to do');
  });

  it(
    'upgrades in place: stops the old agent, swaps the bundle, ' +
      'starts the new one, keeps the config',
    async () => {
      const { root, options, launchctlCalls } = setUp();
      const config = join(sandbox.dir, 'config.json');
      writeFileSync(config, '{"first":true}');
      await install(options({ appPath: makeApp('v1', 'v1 binary'), configFile: config }));
      writeFileSync(config, '{"second":true}');
      const callsAfterFirst = launchctlCalls().length;

      const got = await install(
        options({ appPath: makeApp('v2', 'v2 binary'), configFile: config }),
      );

      expect(got).toEqual({ changed: true, restarted: true });
      expect(launchctlCalls().slice(callsAfterFirst)).toEqual([
        'print system/com.execwatch.agent',
        'bootout system/com.execwatch.agent',
        'enable system/com.execwatch.agent',
        `bootstrap system ${plistIn(root)}`,
      ]);
      expect(readFileSync(join(root, APP_PATH, 'Contents/MacOS/execwatch'), 'utf8')).toBe(
        'v2 binary',
      );
      expect(readFileSync(join(root, CONFIG_PATH), 'utf8')).toBe('{"first":true}');
      expect(existsSync(join(root, `${APP_PATH}.old`))).toBe(false);
      expect(existsSync(join(root, `${APP_PATH}.staged`))).toBe(false);
    },
  );

  it(
    'starts the service again when the files are in place ' + 'but the service was booted out',
    async () => {
      const { root, options, launchctlCalls } = setUp();
      await install(options());
      await uninstall({ ...options(), purge: false });
      await install(options());

      const got = launchctlCalls();

      expect(got.slice(-3)).toEqual([
        'print system/com.execwatch.agent',
        'enable system/com.execwatch.agent',
        `bootstrap system ${plistIn(root)}`,
      ]);
    },
  );

  it('prints every step in a dry run and changes nothing', async () => {
    const { root, options, lines } = setUp();
    const app = makeApp('v1', 'v1 binary');

    await install(options({ appPath: app, dryRun: true }));

    expect(lines).toEqual([
      'would run launchctl bootout system/com.execwatch.agent (if it is loaded)',
      `would create directory ${join(root, '/Library/Application Support/execwatch')}`,
      `would create directory ${join(root, '/Library/Logs/execwatch')}`,
      `would create directory ${join(root, '/Library/LaunchDaemons')}`,
      `would create directory ${join(root, '/etc/newsyslog.d')}`,
      `would copy ${app} to ${join(root, APP_PATH)} (replacing the old bundle)`,
      expect.stringMatching(
        new RegExp(`^would write ${plistIn(root)} \\(\\d+ bytes, mode 644\\)$`),
      ),
      expect.stringMatching(/newsyslog.d\/execwatch.conf \(\d+ bytes, mode 644\)$/),
      'would run launchctl enable system/com.execwatch.agent',
      `would run launchctl bootstrap system ${plistIn(root)}`,
    ]);
    expect(sandbox.calls()).toEqual([]);
    expect(existsSync(join(root, 'Library'))).toBe(false);
  });
});

describe('uninstall', () => {
  it(
    'boots out the service and removes the files, keeping config unless purged; ' +
      'twice is harmless',
    async () => {
      const { root, options, launchctlCalls, lines } = setUp();
      const config = join(sandbox.dir, 'config.json');
      writeFileSync(config, '{}');
      await install(options({ appPath: makeApp('v1', 'x'), configFile: config }));
      const before = launchctlCalls().length;

      await uninstall({ ...options(), purge: false });
      await uninstall({ ...options(), purge: false });

      expect(launchctlCalls().slice(before)).toEqual([
        'print system/com.execwatch.agent',
        'bootout system/com.execwatch.agent',
        'print system/com.execwatch.agent',
      ]);
      expect(existsSync(plistIn(root))).toBe(false);
      expect(existsSync(join(root, APP_PATH))).toBe(false);
      expect(existsSync(join(root, CONFIG_PATH))).toBe(true);
      expect(lines.at(-1)).toBe('nothing installed; nothing to do');
    },
  );

  it('removes configuration, state and logs with purge', async () => {
    const { root, options } = setUp();
    await install(options());

    await uninstall({ ...options(), purge: true });

    expect(existsSync(join(root, '/Library/Application Support/execwatch'))).toBe(false);
    expect(existsSync(join(root, '/Library/Logs/execwatch'))).toBe(false);
  });
});

describe('the packaging scripts as commands', () => {
  const script = (name: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', `${name}.js`), ...args], {
      encoding: 'utf8',
      env,
    });

  it.each(['install', 'uninstall', 'build-app', 'build-pkg', 'mdm-profiles'])(
    'scripts/%s.js prints its usage with --help',
    (name) => {
      const got = script(name, ['--help']);

      expect(got.status).toBe(0);
      expect(got.stdout).toMatch(new RegExp(`^Usage: ${name} \\[options\\]`));
      expect(got.stdout).toContain('--dry-run');
    },
  );

  it('installs and uninstalls against a temporary root with the stand-in launchctl', () => {
    sandbox = createStandInSandbox();
    const root = join(sandbox.dir, 'root');

    const installed = script('install', ['--root', root], sandbox.env);
    const again = script('install', ['--root', root], sandbox.env);
    const removed = script('uninstall', ['--root', root, '--purge'], sandbox.env);

    expect([installed.status, again.status, removed.status]).toEqual([0, 0, 0]);
    expect(installed.stdout).toContain('started system/com.execwatch.agent');
    expect(again.stdout).toBe('already installed and up to date; nothing to do\n');
    expect(removed.stdout).toContain('stopped system/com.execwatch.agent');
    expect(existsSync(join(root, LAUNCH_DAEMON_PATH))).toBe(false);
  });

  it('refuses to install into / without root unless it is a dry run', async () => {
    sandbox = createStandInSandbox();
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), uid: 501 };
    const run = createCommandRunner(sandbox.env);

    const refused = await runInstallCli([], { ...io, run });
    const dryRun = await runInstallCli(['--dry-run'], { ...io, run });

    expect(refused).toBe(1);
    expect(out[0]).toBe(
      'install: installing into / needs root; run with sudo, or use --root DIR or --dry-run\n',
    );
    expect(dryRun).toBe(0);
    expect(out[1]).toBe(
      'would run launchctl bootout system/com.execwatch.agent (if it is loaded)\n',
    );
    expect(sandbox.calls()).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { parse } from 'plist';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createCommandRunner } from '../../src/notify/index.js';
import {
  buildAppBundle,
  buildPkg,
  LAUNCHER_SOURCE,
  POSTINSTALL_SCRIPT,
  PREINSTALL_SCRIPT,
  SEA_FUSE,
} from '../../src/packaging/index.js';
import { REPO_ROOT } from '../agent/cli-harness.js';
import { createStandInSandbox } from '../fixtures/stand-ins/stand-in-env.js';

let sandbox: ReturnType<typeof createStandInSandbox>;

afterEach(() => sandbox?.remove());

function makeApp(): string {
  const app = join(sandbox.dir, 'built', 'Execwatch.app');
  mkdirSync(join(app, 'Contents', 'MacOS'), { recursive: true });
  writeFileSync(join(app, 'Contents', 'MacOS', 'execwatch'), 'binary', { mode: 0o755 });
  return app;
}

function makeProject(): string {
  const project = join(sandbox.dir, 'project');
  mkdirSync(join(project, 'dist', 'cli'), { recursive: true });
  mkdirSync(join(project, 'dist', 'native'), { recursive: true });
  mkdirSync(join(project, 'rules'), { recursive: true });
  writeFileSync(
    join(project, 'dist', 'cli', 'index.js'),
    'export async function main() { return 0; }\n',
  );
  writeFileSync(join(project, 'dist', 'native', 'execwatch_es.node'), 'addon');
  writeFileSync(join(project, 'rules', 'r.toml'), '');
  writeFileSync(
    join(project, 'package.json'),
    '{"name":"execwatch","version":"1.2.3","type":"module"}',
  );
  writeFileSync(join(project, 'package-lock.json'), '{}');
  return project;
}

describe('buildPkg', () => {
  it(
    'lays out the payload ' + 'and runs pkgbuild then productbuild with the exact arguments',
    async () => {
      sandbox = createStandInSandbox();
      const work = join(sandbox.dir, 'work');
      const out = join(sandbox.dir, 'execwatch-1.2.3.pkg');
      const lines: string[] = [];

      await buildPkg({
        appPath: makeApp(),
        outPath: out,
        workDir: work,
        version: '1.2.3',
        installerIdentity: 'Developer ID Installer: Example (TEAMID1234)',
        dryRun: false,
        run: createCommandRunner(sandbox.env),
        say: (line) => lines.push(line),
      });

      const payload = join(work, 'payload');
      const component = join(work, 'execwatch-component.pkg');
      expect(sandbox.calls()).toEqual([
        {
          program: 'pkgbuild',
          argv: [
            '--root',
            payload,
            '--scripts',
            join(work, 'scripts'),
            '--identifier',
            'com.execwatch.agent.pkg',
            '--version',
            '1.2.3',
            '--install-location',
            '/',
            '--ownership',
            'recommended',
            component,
          ],
        },
        {
          program: 'productbuild',
          argv: [
            '--package',
            component,
            '--sign',
            'Developer ID Installer: Example (TEAMID1234)',
            out,
          ],
        },
      ]);
      expect(existsSync(out)).toBe(true);
      const plist = join(payload, 'Library/LaunchDaemons/com.execwatch.agent.plist');
      expect((parse(readFileSync(plist, 'utf8')) as { Label: string }).Label).toBe(
        'com.execwatch.agent',
      );
      expect(existsSync(join(payload, 'private/etc/newsyslog.d/execwatch.conf'))).toBe(true);
      expect(existsSync(join(payload, 'etc'))).toBe(false);
      expect(
        existsSync(
          join(
            payload,
            'Library/Application Support/execwatch/Execwatch.app/Contents/MacOS/execwatch',
          ),
        ),
      ).toBe(true);
      expect(existsSync(join(payload, 'Library/Application Support/execwatch/config.json'))).toBe(
        false,
      );
      expect(statSync(join(work, 'scripts', 'postinstall')).mode & 0o777).toBe(0o755);
      expect(readFileSync(join(work, 'scripts', 'preinstall'), 'utf8')).toBe(PREINSTALL_SCRIPT);
    },
  );

  it.each([
    ['preinstall', PREINSTALL_SCRIPT],
    ['postinstall', POSTINSTALL_SCRIPT],
  ])('writes a %s script that sh accepts', (_name, text) => {
    const got = spawnSync('sh', ['-n'], { input: text, encoding: 'utf8' });

    expect(got.status).toBe(0);
    expect(got.stderr).toBe('');
  });

  it('prints the steps in a dry run and runs nothing', async () => {
    sandbox = createStandInSandbox();
    const lines: string[] = [];

    await buildPkg({
      appPath: makeApp(),
      outPath: join(sandbox.dir, 'x.pkg'),
      workDir: join(sandbox.dir, 'work'),
      version: '1.2.3',
      dryRun: true,
      run: createCommandRunner(sandbox.env),
      say: (line) => lines.push(line),
    });

    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^would run pkgbuild --root .* --identifier com.execwatch.agent.pkg /);
    const componentPkg = join(sandbox.dir, 'work', 'execwatch-component.pkg');
    expect(lines[3]).toBe(
      `would run productbuild --package ${componentPkg} ${join(sandbox.dir, 'x.pkg')}`,
    );
    expect(sandbox.calls()).toEqual([]);
    expect(existsSync(join(sandbox.dir, 'work'))).toBe(false);
  });
});

describe('the SEA launcher', () => {
  // The launcher runs as a SEA's main script; here it runs with a process object whose
  // execPath points into a bundle whose Resources/app is this repository's build.
  async function launch(argv: string[]): Promise<number | undefined> {
    sandbox = createStandInSandbox();
    const macos = join(sandbox.dir, 'Execwatch.app', 'Contents', 'MacOS');
    mkdirSync(macos, { recursive: true });
    mkdirSync(join(sandbox.dir, 'Execwatch.app', 'Contents', 'Resources'));
    symlinkSync(REPO_ROOT, join(sandbox.dir, 'Execwatch.app', 'Contents', 'Resources', 'app'));
    const executable = join(macos, 'execwatch');
    const fakeProcess = {
      execPath: executable,
      argv: [executable, executable, ...argv],
      exitCode: undefined as number | undefined,
    };
    const requireForLauncher = createRequire(import.meta.url);

    new Function('require', 'process', LAUNCHER_SOURCE)(requireForLauncher, fakeProcess);
    await vi.waitFor(() => expect(fakeProcess.exitCode).toBeDefined());
    return fakeProcess.exitCode;
  }

  it.each([
    [['rules', 'check', join(REPO_ROOT, 'rules')], 0],
    [['no-such-command'], 2],
  ])(
    'loads the agent from Contents/Resources/app and runs %j with exit status %i',
    async (argv, want) => {
      const got = await launch(argv);

      expect(got).toBe(want);
    },
  );
});

describe('buildAppBundle', () => {
  it(
    'builds the SEA blob with the real node, injects it, ' +
      'writes the plists and signs with the entitlement',
    async () => {
      sandbox = createStandInSandbox();
      const out = join(sandbox.dir, 'out');
      const profile = join(sandbox.dir, 'execwatch.provisionprofile');
      writeFileSync(profile, 'profile-bytes');
      const identity = 'Developer ID Application: Example (TEAMID1234)';

      const app = await buildAppBundle({
        projectDir: makeProject(),
        outDir: out,
        nodeBinary: process.execPath,
        signIdentity: identity,
        provisioningProfile: profile,
        teamId: 'TEAMID1234',
        version: '1.2.3',
        dryRun: false,
        run: createCommandRunner(sandbox.env),
        say: () => undefined,
      });

      const contents = join(app, 'Contents');
      const executable = join(contents, 'MacOS', 'execwatch');
      const resources = join(contents, 'Resources', 'app');
      const work = join(out, 'sea-work');
      const sign = ['--force', '--options', 'runtime', '--timestamp', '--sign', identity];
      expect(sandbox.calls()).toEqual([
        { program: 'npm', argv: ['ci', '--omit=dev', '--ignore-scripts', '--prefix', resources] },
        { program: 'codesign', argv: ['--remove-signature', executable] },
        {
          program: 'postject',
          argv: [
            executable,
            'NODE_SEA_BLOB',
            join(work, 'sea-prep.blob'),
            '--sentinel-fuse',
            SEA_FUSE,
            '--macho-segment-name',
            'NODE_SEA',
          ],
        },
        {
          program: 'codesign',
          argv: [...sign, join(resources, 'dist', 'native', 'execwatch_es.node')],
        },
        {
          program: 'codesign',
          argv: [...sign, '--entitlements', join(work, 'entitlements.plist'), app],
        },
        { program: 'codesign', argv: ['--verify', '--strict', '--verbose=2', app] },
      ]);
      expect(statSync(join(work, 'sea-prep.blob')).size).toBeGreaterThan(0);
      expect(readFileSync(executable).equals(readFileSync(process.execPath))).toBe(true);
      expect(parse(readFileSync(join(contents, 'Info.plist'), 'utf8'))).toMatchObject({
        CFBundleIdentifier: 'com.execwatch.agent',
        CFBundleExecutable: 'execwatch',
        CFBundleShortVersionString: '1.2.3',
        LSUIElement: true,
      });
      expect(parse(readFileSync(join(work, 'entitlements.plist'), 'utf8'))).toEqual({
        'com.apple.developer.endpoint-security.client': true,
        'com.apple.application-identifier': 'TEAMID1234.com.execwatch.agent',
        'com.apple.developer.team-identifier': 'TEAMID1234',
        'com.apple.security.cs.allow-jit': true,
        'com.apple.security.cs.allow-unsigned-executable-memory': true,
      });
      expect(readFileSync(join(contents, 'embedded.provisionprofile'), 'utf8')).toBe(
        'profile-bytes',
      );
      expect(existsSync(join(resources, 'dist', 'cli', 'index.js'))).toBe(true);
      expect(existsSync(join(resources, 'rules', 'r.toml'))).toBe(true);
    },
  );
});

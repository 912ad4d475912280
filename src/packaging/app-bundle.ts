/**
 * Builds `Execwatch.app`: a Node single executable application (the Node runtime with a small
 * launcher injected as its SEA blob) as the bundle's main executable, the compiled agent and its
 * production dependencies under `Contents/Resources/app`, an Info.plist, the builder's
 * provisioning profile, and a signature with the Endpoint Security entitlement.
 *
 * Why a launcher: the entitlement only counts on the main executable, so the executable must be
 * ours; the agent itself stays ordinary files beside it (sealed by the bundle's signature), which
 * the launcher loads with `createRequire`, as Node's SEA documentation advises for files on disk.
 */
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { build } from 'plist';

import type { CommandRunner } from '../notify/index.js';
import { APP_NAME, BUNDLE_ID } from './layout.js';
import { runSteps, showCommand } from './steps.js';
import type { Step } from './steps.js';

/** The fuse Node's SEA support looks for (from Node's documentation). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const ES_ENTITLEMENT = 'com.apple.developer.endpoint-security.client';

export interface AppBuildOptions {
  /** The project directory with `dist/`, `rules/`, `package.json` and `package-lock.json`. */
  projectDir: string;
  outDir: string;
  /** The Node binary to embed (a macOS build; universal for both architectures). */
  nodeBinary: string;
  /** `Developer ID Application: Name (TEAMID)`. */
  signIdentity: string;
  /** The provisioning profile that grants the Endpoint Security entitlement. */
  provisioningProfile: string;
  teamId: string;
  version: string;
  dryRun: boolean;
  run: CommandRunner;
  say: (line: string) => void;
}

const TIMEOUT_MS = 600_000;

/** The launcher embedded as the SEA main script (CommonJS, as SEA requires). */
export const LAUNCHER_SOURCE = `'use strict';
// execwatch launcher: loads the agent from the bundle's Resources and runs its CLI.
const { createRequire } = require('node:module');
const path = require('node:path');
const appDir = path.join(path.dirname(process.execPath), '..', 'Resources', 'app');
const requireFromApp = createRequire(path.join(appDir, 'package.json'));
const { main } = requireFromApp('./dist/cli/index.js');
// In a SEA, argv[1] repeats the executable's path, so argv has the shape commander expects.
main(process.argv).then((code) => {
  process.exitCode = code;
});
`;

export function buildEntitlements(teamId: string): string {
  return build({
    [ES_ENTITLEMENT]: true,
    'com.apple.application-identifier': `${teamId}.${BUNDLE_ID}`,
    'com.apple.developer.team-identifier': teamId,
    // V8 compiles JavaScript at run time, which the hardened runtime allows only with these.
    'com.apple.security.cs.allow-jit': true,
    'com.apple.security.cs.allow-unsigned-executable-memory': true,
  });
}

export function buildInfoPlist(version: string): string {
  return build({
    CFBundleIdentifier: BUNDLE_ID,
    CFBundleExecutable: 'execwatch',
    CFBundleName: 'Execwatch',
    CFBundleDisplayName: 'execwatch',
    CFBundlePackageType: 'APPL',
    CFBundleInfoDictionaryVersion: '6.0',
    CFBundleShortVersionString: version,
    CFBundleVersion: version,
    LSMinimumSystemVersion: '13.0',
    // A background agent: no Dock icon, no menu bar.
    LSUIElement: true,
  });
}

export async function buildAppBundle(options: AppBuildOptions): Promise<string> {
  const app = join(options.outDir, APP_NAME);
  await runSteps(planAppBuild(options, app), options);
  return app;
}

function planAppBuild(options: AppBuildOptions, app: string): Step[] {
  const work = join(options.outDir, 'sea-work');
  const contents = join(app, 'Contents');
  const executable = join(contents, 'MacOS', 'execwatch');
  const resources = join(contents, 'Resources', 'app');
  const infoPlist = join(contents, 'Info.plist');
  const entitlements = join(work, 'entitlements.plist');
  const blob = join(work, 'sea-prep.blob');
  const run = (program: string, args: string[], cwd?: string): Step => ({
    description: `run ${showCommand(program, args)}${cwd === undefined ? '' : ` (in ${cwd})`}`,
    run: async () => {
      await options.run(program, args, { timeoutMs: TIMEOUT_MS });
    },
  });

  return [
    {
      description: `create ${app} and ${work}`,
      run: () => {
        rmSync(app, { recursive: true, force: true });
        mkdirSync(join(contents, 'MacOS'), { recursive: true });
        mkdirSync(resources, { recursive: true });
        mkdirSync(work, { recursive: true });
      },
    },
    {
      description: `copy dist/, rules/, package.json and package-lock.json to ${resources}`,
      run: () => copyProject(options.projectDir, resources),
    },
    run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefix', resources]),
    {
      description: `write the SEA launcher and ${join(work, 'sea-config.json')}`,
      run: () => writeSeaInputs(work, blob),
    },
    run(options.nodeBinary, ['--experimental-sea-config', join(work, 'sea-config.json')]),
    {
      description: `copy ${options.nodeBinary} to ${executable}`,
      run: () => {
        copyFileSync(options.nodeBinary, executable);
        chmodSync(executable, 0o755);
      },
    },
    run('codesign', ['--remove-signature', executable]),
    run('postject', [
      executable,
      'NODE_SEA_BLOB',
      blob,
      '--sentinel-fuse',
      SEA_FUSE,
      '--macho-segment-name',
      'NODE_SEA',
    ]),
    {
      description: `write ${infoPlist}, entitlements and embedded.provisionprofile`,
      run: () => {
        writeFileSync(infoPlist, buildInfoPlist(options.version));
        writeFileSync(entitlements, buildEntitlements(options.teamId));
        copyFileSync(options.provisioningProfile, join(contents, 'embedded.provisionprofile'));
      },
    },
    {
      description: `sign every native addon under ${resources} with ${options.signIdentity}`,
      run: async () => {
        for (const addon of findFiles(resources, '.node')) {
          await options.run('codesign', signArgs(options.signIdentity, addon), {
            timeoutMs: TIMEOUT_MS,
          });
        }
      },
    },
    run('codesign', [
      ...signArgs(options.signIdentity, app).slice(0, -1),
      '--entitlements',
      entitlements,
      app,
    ]),
    run('codesign', ['--verify', '--strict', '--verbose=2', app]),
  ];
}

function signArgs(identity: string, target: string): string[] {
  return ['--force', '--options', 'runtime', '--timestamp', '--sign', identity, target];
}

function copyProject(projectDir: string, resources: string): void {
  for (const name of ['dist', 'rules']) {
    cpSync(join(projectDir, name), join(resources, name), { recursive: true });
  }
  for (const name of ['package.json', 'package-lock.json']) {
    copyFileSync(join(projectDir, name), join(resources, name));
  }
}

function writeSeaInputs(work: string, blob: string): void {
  const launcher = join(work, 'launcher.cjs');
  writeFileSync(launcher, LAUNCHER_SOURCE);
  const seaConfig = { main: launcher, output: blob, disableExperimentalSEAWarning: true };
  writeFileSync(join(work, 'sea-config.json'), `${JSON.stringify(seaConfig, null, 2)}\n`);
}

function findFiles(dir: string, extension: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findFiles(path, extension));
    else if (name.endsWith(extension)) found.push(path);
  }
  return found;
}

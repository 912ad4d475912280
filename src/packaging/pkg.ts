/**
 * Builds the installer package an MDM deploys: a payload laid out by the installer itself
 * (`install` against a staging root, without touching launchd), pre/post-install scripts that
 * stop the old agent and start the new one, `pkgbuild` for the component package and
 * `productbuild` for the signed product archive.
 *
 * The payload puts the newsyslog entry under `private/etc`, because `/etc` is a symlink on macOS
 * and a payload directory named `etc` could replace it.
 */
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CommandRunner } from '../notify/index.js';
import { install } from './install.js';
import { LAUNCH_DAEMON_PATH, LOG_DIR, SUPPORT_DIR } from './layout.js';
import { SERVICE_TARGET } from './launchctl.js';
import { runSteps, showCommand } from './steps.js';
import type { Step } from './steps.js';

export const PKG_IDENTIFIER = 'com.execwatch.agent.pkg';

export interface PkgBuildOptions {
  /** The built, signed `Execwatch.app`. */
  appPath: string;
  /** The `.pkg` to write. */
  outPath: string;
  workDir: string;
  version: string;
  /** `Developer ID Installer: Name (TEAMID)`; unsigned without it. */
  installerIdentity?: string;
  dryRun: boolean;
  run: CommandRunner;
  say: (line: string) => void;
}

const TIMEOUT_MS = 600_000;

/** Before files are replaced: stop the running agent, if any (an upgrade in place). */
export const PREINSTALL_SCRIPT = `#!/bin/sh
# execwatch preinstall: stop the running agent so its files can be replaced.
if /bin/launchctl print ${SERVICE_TARGET} >/dev/null 2>&1; then
  /bin/launchctl bootout ${SERVICE_TARGET} || exit 1
fi
exit 0
`;

/** After files are in place: fix ownership, then start the agent. */
export const POSTINSTALL_SCRIPT = `#!/bin/sh
# execwatch postinstall: launchd needs a root-owned plist; then start the agent.
PLIST="$3${LAUNCH_DAEMON_PATH}"
/usr/sbin/chown root:wheel "$PLIST" && /bin/chmod 644 "$PLIST" || exit 1
/bin/mkdir -p "$3${SUPPORT_DIR}" "$3${LOG_DIR}"
if [ "$3" != "/" ]; then
  exit 0
fi
/bin/launchctl enable ${SERVICE_TARGET}
/bin/launchctl bootstrap system "$PLIST" || exit 1
exit 0
`;

export async function buildPkg(options: PkgBuildOptions): Promise<void> {
  await runSteps(planPkgBuild(options), options);
}

function planPkgBuild(options: PkgBuildOptions): Step[] {
  const payload = join(options.workDir, 'payload');
  const scripts = join(options.workDir, 'scripts');
  const component = join(options.workDir, 'execwatch-component.pkg');
  const pkgbuildArgs = [
    '--root',
    payload,
    '--scripts',
    scripts,
    '--identifier',
    PKG_IDENTIFIER,
    '--version',
    options.version,
    '--install-location',
    '/',
    '--ownership',
    'recommended',
    component,
  ];
  const productbuildArgs = [
    '--package',
    component,
    ...(options.installerIdentity === undefined ? [] : ['--sign', options.installerIdentity]),
    options.outPath,
  ];

  return [
    {
      description:
        `lay out the payload in ${payload} ` + '(app bundle, LaunchDaemon plist, newsyslog entry)',
      run: () => layOutPayload(options, payload),
    },
    {
      description: `write preinstall and postinstall scripts to ${scripts}`,
      run: () => writeScripts(scripts),
    },
    command('pkgbuild', pkgbuildArgs, options),
    command('productbuild', productbuildArgs, options),
  ];
}

function command(program: string, args: string[], options: PkgBuildOptions): Step {
  return {
    description: `run ${showCommand(program, args)}`,
    run: async () => {
      await options.run(program, args, { timeoutMs: TIMEOUT_MS });
    },
  };
}

async function layOutPayload(options: PkgBuildOptions, payload: string): Promise<void> {
  rmSync(payload, { recursive: true, force: true });
  mkdirSync(payload, { recursive: true });
  await install({
    root: payload,
    dryRun: false,
    appPath: options.appPath,
    manageService: false,
    run: options.run,
    say: () => undefined,
  });

  const etc = join(payload, 'etc');
  if (existsSync(etc)) {
    mkdirSync(join(payload, 'private'), { recursive: true });
    renameSync(etc, join(payload, 'private', 'etc'));
  }
}

function writeScripts(scripts: string): void {
  mkdirSync(scripts, { recursive: true });
  for (const [name, text] of [
    ['preinstall', PREINSTALL_SCRIPT],
    ['postinstall', POSTINSTALL_SCRIPT],
  ] as const) {
    writeFileSync(join(scripts, name), text);
    chmodSync(join(scripts, name), 0o755);
  }
}

/**
 * The command lines of the packaging scripts (`scripts/*.js` are thin wrappers). Each has
 * `--help`, `--dry-run` (print every step, change nothing) and, where it writes into the
 * system, `--root DIR` so it can be tried against a temporary directory off macOS. Helper
 * programs (`launchctl`, `codesign`, `pkgbuild`, …) are taken from PATH.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Command, CommanderError } from 'commander';

import { createCommandRunner } from '../notify/index.js';
import type { CommandRunner } from '../notify/index.js';
import { describeError } from '../shared/errors.js';
import { buildAppBundle } from './app-bundle.js';
import { install } from './install.js';
import {
  buildFullDiskAccessProfile,
  buildManagedLoginItemProfile,
  buildManagedPreferencesProfile,
} from './mdm-profiles.js';
import { buildPkg } from './pkg.js';
import { uninstall } from './uninstall.js';

export interface ScriptIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  run: CommandRunner;
  uid: number;
}

export function processScriptIo(): ScriptIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    run: createCommandRunner(),
    uid: process.getuid?.() ?? -1,
  };
}

/** Parses and runs one script's command line; resolves to its exit status. */
async function runScript(program: Command, argv: string[], io: ScriptIo): Promise<number> {
  program.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.stderr(`${program.name()}: ${describeError(error)}\n`);
    return 1;
  }
}

function say(io: ScriptIo) {
  return (line: string) => io.stdout(`${line}\n`);
}

function requireRootFor(root: string, dryRun: boolean, io: ScriptIo): void {
  if (!dryRun && root === '/' && io.uid !== 0) {
    throw new Error('installing into / needs root; run with sudo, or use --root DIR or --dry-run');
  }
}

export function runInstallCli(argv: string[], io: ScriptIo = processScriptIo()): Promise<number> {
  const program = new Command('install')
    .description(
      'Install or upgrade execwatch in place: app bundle, LaunchDaemon, newsyslog entry, first ' +
        'config; then (re)start the service. Running it again with nothing new does nothing.',
    )
    .option('--root <dir>', 'target root directory', '/')
    .option('--dry-run', 'print what would be done, change nothing')
    .option('--app <dir>', 'a built Execwatch.app to install')
    .option('--config-file <file>', 'install this config.json if none exists')
    .option('--replace-config', 'overwrite an existing config.json with --config-file')
    .option('--executable <path>', 'the program launchd runs (default: inside the app bundle)')
    .option('--shutdown-deadline-ms <ms>', "the agent's shutdown deadline (sets ExitTimeOut)")
    .option('--no-launchctl', 'only lay out files; do not touch launchd')
    .action(async (options) => {
      requireRootFor(options.root, options.dryRun === true, io);
      const launchDaemon = {
        ...(options.executable === undefined ? {} : { executablePath: options.executable }),
        ...(options.shutdownDeadlineMs === undefined
          ? {}
          : { shutdownDeadlineMs: Number(options.shutdownDeadlineMs) }),
      };
      await install({
        root: options.root,
        dryRun: options.dryRun === true,
        ...(options.app === undefined ? {} : { appPath: options.app }),
        ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
        replaceConfig: options.replaceConfig === true,
        manageService: options.launchctl !== false,
        launchDaemon,
        run: io.run,
        say: say(io),
        uid: io.uid,
      });
    });
  return runScript(program, argv, io);
}

export function runUninstallCli(argv: string[], io: ScriptIo = processScriptIo()): Promise<number> {
  const program = new Command('uninstall')
    .description(
      'Stop and remove execwatch: LaunchDaemon, newsyslog entry, app bundle. Configuration, ' +
        'the spool and logs stay unless --purge. Running it again does nothing.',
    )
    .option('--root <dir>', 'target root directory', '/')
    .option('--dry-run', 'print what would be done, change nothing')
    .option('--purge', 'also remove configuration, state (undelivered alerts) and logs')
    .option('--no-launchctl', 'only remove files; do not touch launchd')
    .action(async (options) => {
      requireRootFor(options.root, options.dryRun === true, io);
      await uninstall({
        root: options.root,
        dryRun: options.dryRun === true,
        purge: options.purge === true,
        manageService: options.launchctl !== false,
        run: io.run,
        say: say(io),
      });
    });
  return runScript(program, argv, io);
}

export function runBuildAppCli(argv: string[], io: ScriptIo = processScriptIo()): Promise<number> {
  const program = new Command('build-app')
    .description(
      'Build Execwatch.app: a Node single executable as the main executable, the agent under ' +
        'Contents/Resources, signed with the Endpoint Security entitlement.',
    )
    .requiredOption(
      '--sign <identity>',
      'codesign identity, "Developer ID Application: … (TEAMID)"',
    )
    .requiredOption('--provisioning-profile <file>', 'profile granting the ES entitlement')
    .requiredOption('--team-id <id>', 'the Apple Developer team id')
    .option('--project <dir>', 'the built project (dist/, rules/, package.json)', process.cwd())
    .option('--out <dir>', 'output directory', 'build')
    .option('--node <path>', 'the macOS node binary to embed', process.execPath)
    .option('--version <version>', 'bundle version (default: package.json)')
    .option('--dry-run', 'print what would be done, change nothing')
    .action(async (options) => {
      const version = options.version ?? readPackageVersion(options.project);
      const app = await buildAppBundle({
        projectDir: options.project,
        outDir: options.out,
        nodeBinary: options.node,
        signIdentity: options.sign,
        provisioningProfile: options.provisioningProfile,
        teamId: options.teamId,
        version,
        dryRun: options.dryRun === true,
        run: io.run,
        say: say(io),
      });
      if (options.dryRun !== true) say(io)(`built ${app}`);
    });
  return runScript(program, argv, io);
}

export function runBuildPkgCli(argv: string[], io: ScriptIo = processScriptIo()): Promise<number> {
  const program = new Command('build-pkg')
    .description(
      'Build the installer package (pkgbuild + productbuild) from a built Execwatch.app.',
    )
    .requiredOption('--app <dir>', 'the built, signed Execwatch.app')
    .requiredOption('--out <file>', 'the .pkg to write')
    .option('--work-dir <dir>', 'staging directory', join('build', 'pkg'))
    .option('--version <version>', 'package version (default: package.json)')
    .option('--sign <identity>', 'productbuild identity, "Developer ID Installer: … (TEAMID)"')
    .option('--dry-run', 'print what would be done, change nothing')
    .action(async (options) => {
      await buildPkg({
        appPath: options.app,
        outPath: options.out,
        workDir: options.workDir,
        version: options.version ?? readPackageVersion(process.cwd()),
        ...(options.sign === undefined ? {} : { installerIdentity: options.sign }),
        dryRun: options.dryRun === true,
        run: io.run,
        say: say(io),
      });
    });
  return runScript(program, argv, io);
}

export function runMdmProfilesCli(
  argv: string[],
  io: ScriptIo = processScriptIo(),
): Promise<number> {
  const program = new Command('mdm-profiles')
    .description(
      'Write the MDM profile templates: Full Disk Access (PPPC), managed login item, managed ' +
        'preferences for com.execwatch.agent.',
    )
    .option('--out <dir>', 'output directory', join('build', 'mdm'))
    .option('--team-id <id>', 'your Apple Developer team id (else a placeholder)')
    .option('--organization <name>', 'PayloadOrganization', 'execwatch')
    .option('--dry-run', 'print what would be written, write nothing')
    .action((options) => {
      const profileOptions = {
        ...(options.teamId === undefined ? {} : { teamId: options.teamId }),
        organization: options.organization,
      };
      const profiles: Array<[string, string]> = [
        ['execwatch-full-disk-access.mobileconfig', buildFullDiskAccessProfile(profileOptions)],
        ['execwatch-login-item.mobileconfig', buildManagedLoginItemProfile(profileOptions)],
        [
          'execwatch-preferences.mobileconfig',
          buildManagedPreferencesProfile(undefined, profileOptions),
        ],
      ];
      if (options.dryRun !== true) mkdirSync(options.out, { recursive: true });
      for (const [name, text] of profiles) {
        const path = join(options.out, name);
        if (options.dryRun === true)
          say(io)(`would write ${path} (${Buffer.byteLength(text)} bytes)`);
        else {
          writeFileSync(path, text);
          say(io)(`wrote ${path}`);
        }
      }
    });
  return runScript(program, argv, io);
}

function readPackageVersion(projectDir: string): string {
  const parsed = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as {
    version?: string;
  };
  return parsed.version ?? '0.0.0';
}

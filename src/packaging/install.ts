/**
 * Installs (or upgrades in place) the agent under a target root: the app bundle, the
 * LaunchDaemon plist, the newsyslog entry and a first config file, then (re)starts the service.
 * Running it again with nothing changed does nothing; with a new bundle or plist it stops the
 * running agent, swaps the files and starts it again. An existing config file is never
 * overwritten unless asked. `--dry-run` prints every step and changes nothing.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

import {
  APP_PATH,
  CONFIG_PATH,
  LAUNCH_DAEMON_PATH,
  LOG_DIR,
  NEWSYSLOG_PATH,
  SUPPORT_DIR,
  underRoot,
} from './layout.js';
import { buildLaunchDaemonPlist } from './launch-daemon.js';
import type { LaunchDaemonOptions } from './launch-daemon.js';
import { createServiceControl, SERVICE_TARGET } from './launchctl.js';
import type { ServiceControl } from './launchctl.js';
import { buildNewsyslogEntry } from './newsyslog.js';
import type { CommandRunner } from '../notify/index.js';

export interface InstallOptions {
  /** The target root directory; `/` on a Mac. */
  root: string;
  dryRun: boolean;
  /** A built `Execwatch.app` to install. */
  appPath?: string;
  /** A config file to install when none exists (or always, with `replaceConfig`). */
  configFile?: string;
  replaceConfig?: boolean;
  /** Manage the launchd service (off when laying out a pkg payload). */
  manageService: boolean;
  launchDaemon?: LaunchDaemonOptions;
  run: CommandRunner;
  /** Where each step is reported. */
  say: (line: string) => void;
  /** Files are given to root:wheel when the installer runs as root. */
  uid?: number;
}

export interface InstallOutcome {
  changed: boolean;
  restarted: boolean;
}

export async function install(options: InstallOptions): Promise<InstallOutcome> {
  const files = plannedFiles(options);
  const changed = files.some((file) => file.isChanged) || hasAppChanged(options);
  const service = createServiceControl(options.run);

  if (options.dryRun) {
    reportDryRun(options, files);
    return { changed, restarted: false };
  }

  const isLoaded = options.manageService && (await service.isLoaded());
  if (!changed && (isLoaded || !options.manageService)) {
    options.say('already installed and up to date; nothing to do');
    return { changed: false, restarted: false };
  }

  if (isLoaded) await stopService(service, options);
  createDirectories(options);
  if (options.appPath !== undefined && hasAppChanged(options)) replaceApp(options.appPath, options);
  for (const file of files) writePlannedFile(file, options);
  if (options.manageService) await startService(service, options);
  return { changed, restarted: options.manageService };
}

interface PlannedFile {
  path: string;
  contents: string;
  mode: number;
  isChanged: boolean;
}

function plannedFiles(options: InstallOptions): PlannedFile[] {
  const planned: Array<Omit<PlannedFile, 'isChanged'>> = [
    {
      path: underRoot(options.root, LAUNCH_DAEMON_PATH),
      contents: buildLaunchDaemonPlist(options.launchDaemon),
      mode: 0o644,
    },
    { path: underRoot(options.root, NEWSYSLOG_PATH), contents: buildNewsyslogEntry(), mode: 0o644 },
  ];

  const configPath = underRoot(options.root, CONFIG_PATH);
  const shouldWriteConfig =
    options.configFile !== undefined && (options.replaceConfig === true || !existsSync(configPath));
  if (options.configFile !== undefined && shouldWriteConfig) {
    planned.push({
      path: configPath,
      contents: readFileSync(options.configFile, 'utf8'),
      mode: 0o644,
    });
  }
  return planned.map((file) => ({ ...file, isChanged: readIfExists(file.path) !== file.contents }));
}

function hasAppChanged(options: InstallOptions): boolean {
  if (options.appPath === undefined) return false;
  const installed = underRoot(options.root, APP_PATH);
  return !existsSync(installed) || hashTree(installed) !== hashTree(options.appPath);
}

function reportDryRun(options: InstallOptions, files: PlannedFile[]): void {
  const say = (line: string) => options.say(`would ${line}`);
  if (options.manageService) say(`run launchctl bootout ${SERVICE_TARGET} (if it is loaded)`);
  for (const dir of directoriesToCreate(options)) say(`create directory ${dir}`);
  if (options.appPath !== undefined) {
    say(
      `copy ${options.appPath} to ${underRoot(options.root, APP_PATH)} (replacing the old bundle)`,
    );
  }
  for (const file of files) {
    const state = file.isChanged ? '' : ', unchanged';
    say(
      `write ${file.path} (${Buffer.byteLength(file.contents)} bytes, ` +
        `mode ${file.mode.toString(8)}${state})`,
    );
  }
  if (options.manageService) {
    say(`run launchctl enable ${SERVICE_TARGET}`);
    say(`run launchctl bootstrap system ${underRoot(options.root, LAUNCH_DAEMON_PATH)}`);
  }
}

function directoriesToCreate(options: InstallOptions): string[] {
  const dirs = [SUPPORT_DIR, LOG_DIR, dirname(LAUNCH_DAEMON_PATH), dirname(NEWSYSLOG_PATH)];
  return dirs.map((dir) => underRoot(options.root, dir));
}

function createDirectories(options: InstallOptions): void {
  for (const dir of directoriesToCreate(options)) {
    if (existsSync(dir)) continue;
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    options.say(`created directory ${dir}`);
  }
}

// The new bundle is copied beside the old one and renamed over it, so an interrupted upgrade
// leaves either the old bundle or the new one in place, never a mixture.
function replaceApp(appPath: string, options: InstallOptions): void {
  const target = underRoot(options.root, APP_PATH);
  const staged = `${target}.staged`;
  const retired = `${target}.old`;
  rmSync(staged, { recursive: true, force: true });
  cpSync(appPath, staged, { recursive: true, verbatimSymlinks: true });

  if (existsSync(target)) renameSync(target, retired);
  renameSync(staged, target);
  rmSync(retired, { recursive: true, force: true });
  options.say(`installed ${target}`);
}

function writePlannedFile(file: PlannedFile, options: InstallOptions): void {
  if (!file.isChanged) return;
  const temporary = `${file.path}.tmp`;
  writeFileSync(temporary, file.contents, { mode: file.mode });
  chmodSync(temporary, file.mode);
  // launchd refuses a plist that is not owned by root or that others may write.
  if (options.uid === 0) chownSync(temporary, 0, 0);
  renameSync(temporary, file.path);
  options.say(`wrote ${file.path}`);
}

async function stopService(service: ServiceControl, options: InstallOptions): Promise<void> {
  await service.bootout();
  options.say(`stopped ${SERVICE_TARGET}`);
}

async function startService(service: ServiceControl, options: InstallOptions): Promise<void> {
  await service.enable();
  await service.bootstrap(underRoot(options.root, LAUNCH_DAEMON_PATH));
  options.say(`started ${SERVICE_TARGET}`);
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** A digest of a directory tree's names, modes and contents, to tell two bundles apart. */
export function hashTree(root: string): string {
  const hash = createHash('sha256');
  const visit = (dir: string, relative: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const info = statSync(path);
      hash.update(`${join(relative, name)}\0${info.mode}\0`);
      if (info.isDirectory()) visit(path, join(relative, name));
      else hash.update(readFileSync(path));
    }
  };
  visit(root, '');
  return hash.digest('hex');
}

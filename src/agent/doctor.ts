/**
 * `execwatch doctor`: the checks for what usually goes wrong on a fresh Mac, each answered with
 * ok, warn or fail and a sentence saying how to fix it. Everything the checks touch (platform,
 * uid, files, `codesign`, the network) is passed in, so the macOS answers can be tested on
 * Linux; on a machine that is not a Mac the platform checks say "not applicable".
 */
import { accessSync, constants, openSync, closeSync } from 'node:fs';
import { connect } from 'node:net';

import { parse as parsePlist } from 'plist';

import { loadConfig } from '../config/index.js';
import type { AgentConfig, LoadConfigOptions, LoadedConfig } from '../config/index.js';
import type { CommandRunner } from '../notify/index.js';
import type { LoadedRuleSet } from '../rules/index.js';
import { describeError } from '../shared/errors.js';
import { configDirectoryOf } from './collaborators.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'n/a';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about it; null when nothing needs doing. */
  fix: string | null;
}

export const ES_ENTITLEMENT = 'com.apple.developer.endpoint-security.client';
export const TCC_PROBE_PATH = '/Library/Application Support/com.apple.TCC/TCC.db';
export const ESLOGGER_PATH = '/usr/bin/eslogger';

export interface DoctorEnvironment {
  platform: NodeJS.Platform;
  uid: number;
  /** The executable that would run the agent (the signed bundle's, or node). */
  executablePath: string;
  /** Opens a file for reading; throws with `code` (EPERM, EACCES, ENOENT) when it cannot. */
  probeRead(path: string): void;
  isExecutable(path: string): boolean;
  run: CommandRunner;
  /** Opens a TCP connection and closes it; rejects on refusal or timeout. */
  connectTcp(host: string, port: number, timeoutMs: number): Promise<void>;
  loadRuleSet(config: AgentConfig['rules'], configDir: string): Promise<LoadedRuleSet>;
}

export interface DoctorOptions {
  loadOptions: LoadConfigOptions;
  environment: DoctorEnvironment;
  connectTimeoutMs: number;
}

export async function runDoctorChecks(options: DoctorOptions): Promise<CheckResult[]> {
  const env = options.environment;
  const results: CheckResult[] = [];
  const isMac = env.platform === 'darwin';

  results.push(isMac ? checkRoot(env) : notApplicable('root', env.platform));
  results.push(isMac ? checkFullDiskAccess(env) : notApplicable('full disk access', env.platform));
  results.push(isMac ? await checkEntitlement(env) : notApplicable('entitlement', env.platform));
  results.push(isMac ? checkEslogger(env) : notApplicable('eslogger', env.platform));

  const configCheck = checkConfig(options.loadOptions);
  results.push(configCheck.result);
  if (configCheck.loaded === null) return results;

  results.push(await checkRules(configCheck.loaded, env));
  results.push(
    ...(await checkCollectors(configCheck.loaded.config, env, options.connectTimeoutMs)),
  );
  return results;
}

function checkRoot(env: DoctorEnvironment): CheckResult {
  if (env.uid === 0) return ok('root', 'running as root');
  return fail(
    'root',
    `running as uid ${env.uid}; Endpoint Security and eslogger need root`,
    'run the agent as the LaunchDaemon (or with sudo)',
  );
}

function checkFullDiskAccess(env: DoctorEnvironment): CheckResult {
  try {
    env.probeRead(TCC_PROBE_PATH);
    return ok('full disk access', `${TCC_PROBE_PATH} is readable`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    return fail(
      'full disk access',
      `${TCC_PROBE_PATH} is not readable (${code}): no Full Disk Access`,
      `grant Full Disk Access to ${env.executablePath} in ` +
        'System Settings › Privacy & Security › Full Disk Access, ' +
        'or deploy the PPPC profile from scripts/mdm',
    );
  }
}

async function checkEntitlement(env: DoctorEnvironment): Promise<CheckResult> {
  const args = ['-d', '--entitlements', '-', '--xml', env.executablePath];
  const fix =
    'use the signed Execwatch.app bundle (scripts/build-app.js) with the provisioning profile ' +
    'that grants the entitlement; until then the eslogger source is used';
  let stdout: string;
  try {
    stdout = (await env.run('codesign', args, { timeoutMs: 10_000 })).stdout;
  } catch (error) {
    return warn('entitlement', `cannot read the entitlements: ${describeError(error)}`, fix);
  }

  if (hasEntitlement(stdout)) return ok('entitlement', `${ES_ENTITLEMENT} is granted`);
  return warn('entitlement', `${env.executablePath} lacks ${ES_ENTITLEMENT}`, fix);
}

function hasEntitlement(plistText: string): boolean {
  const start = plistText.indexOf('<?xml');
  if (start < 0) return false;
  try {
    const parsed = parsePlist(plistText.slice(start)) as Record<string, unknown> | null;
    return parsed?.[ES_ENTITLEMENT] === true;
  } catch {
    return false;
  }
}

function checkEslogger(env: DoctorEnvironment): CheckResult {
  if (env.isExecutable(ESLOGGER_PATH)) return ok('eslogger', `${ESLOGGER_PATH} is present`);
  return warn(
    'eslogger',
    `${ESLOGGER_PATH} is missing (it ships with macOS 13 and later)`,
    'upgrade to macOS 13 or later, or use the signed bundle with the Endpoint Security entitlement',
  );
}

function checkConfig(loadOptions: LoadConfigOptions): {
  result: CheckResult;
  loaded: LoadedConfig | null;
} {
  try {
    const loaded = loadConfig(loadOptions);
    const detail = `valid (from ${loaded.sources.join(', ')})`;
    return { result: ok('config', detail), loaded };
  } catch (error) {
    const fix = 'correct the settings named above and run `execwatch doctor` again';
    return { result: fail('config', describeError(error), fix), loaded: null };
  }
}

async function checkRules(loaded: LoadedConfig, env: DoctorEnvironment): Promise<CheckResult> {
  let ruleSet: LoadedRuleSet;
  try {
    ruleSet = await env.loadRuleSet(loaded.config.rules, configDirectoryOf(loaded.sources));
  } catch (error) {
    return fail('rules', describeError(error), 'check rules.paths in the configuration');
  }

  const errors = ruleSet.reports.filter((report) => report.status === 'error');
  const unsupported = ruleSet.reports.filter((report) => report.status === 'unsupported');
  const counts =
    `${ruleSet.rules.length} compiled, ${errors.length} in error, ` +
    `${unsupported.length} unsupported`;
  if (errors.length > 0) {
    const where = errors.map((report) => `${report.file}: ${report.reason ?? 'error'}`).join('; ');
    return fail('rules', `${counts}: ${where}`, 'run `execwatch rules check` on the files named');
  }
  if (ruleSet.rules.length === 0) {
    return warn('rules', counts, 'add rule paths (rules.paths) or keep rules.builtin on');
  }
  return ok('rules', counts);
}

async function checkCollectors(
  config: AgentConfig,
  env: DoctorEnvironment,
  timeoutMs: number,
): Promise<CheckResult[]> {
  if (config.outputs.length === 0) {
    return [warn('collectors', 'no outputs configured', 'add an output so alerts leave the Mac')];
  }
  return Promise.all(config.outputs.map((output) => checkCollector(output, env, timeoutMs)));
}

async function checkCollector(
  output: AgentConfig['outputs'][number],
  env: DoctorEnvironment,
  timeoutMs: number,
): Promise<CheckResult> {
  const name = `collector ${output.name ?? output.type}`;
  if (output.type === 'file') {
    return ok(name, `writes to ${output.path}`);
  }

  const target = collectorAddress(output);
  try {
    await env.connectTcp(target.host, target.port, timeoutMs);
    return ok(name, `${target.host}:${target.port} accepts connections`);
  } catch (error) {
    return fail(
      name,
      `${target.host}:${target.port} is not reachable: ${describeError(error)}`,
      'check the address, the firewall and that the collector is running',
    );
  }
}

function collectorAddress(output: Exclude<AgentConfig['outputs'][number], { type: 'file' }>) {
  if (output.type === 'syslog') {
    return { host: output.host, port: output.port ?? (output.protocol === 'tls' ? 6514 : 601) };
  }
  const url = new URL(output.url);
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  return { host: url.hostname, port: url.port === '' ? defaultPort : Number(url.port) };
}

function notApplicable(name: string, platform: NodeJS.Platform): CheckResult {
  const label = platform === 'linux' ? 'Linux' : platform;
  return { name, status: 'n/a', detail: `not applicable on ${label}`, fix: null };
}

function ok(name: string, detail: string): CheckResult {
  return { name, status: 'ok', detail, fix: null };
}

function warn(name: string, detail: string, fix: string): CheckResult {
  return { name, status: 'warn', detail, fix };
}

function fail(name: string, detail: string, fix: string): CheckResult {
  return { name, status: 'fail', detail, fix };
}

/** The real machine. */
export function createProcessDoctorEnvironment(
  run: CommandRunner,
  loadRuleSet: DoctorEnvironment['loadRuleSet'],
): DoctorEnvironment {
  return {
    platform: process.platform,
    uid: process.getuid?.() ?? -1,
    executablePath: process.execPath,
    probeRead: (path) => closeSync(openSync(path, 'r')),
    isExecutable: (path) => {
      try {
        accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    run,
    connectTcp,
    loadRuleSet,
  };
}

function connectTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    });
    socket.once('error', (error) => reject(error));
  });
}

/**
 * The LaunchDaemon property list, built with the plist library (never by string templates, so
 * a path with `&` or `<` stays well-formed). launchd starts the agent at boot, restarts it when
 * it exits (no faster than `ThrottleInterval`), and on stop sends SIGTERM, then waits
 * `ExitTimeOut` — longer than the agent's shutdown deadline — before SIGKILL.
 */
import { build } from 'plist';
import type { PlistValue } from 'plist';

import { CONFIG_PATH, EXECUTABLE_PATH, LABEL, LOG_PATH } from './layout.js';

export interface LaunchDaemonOptions {
  executablePath?: string;
  configPath?: string;
  logPath?: string;
  /** Seconds between restarts of a crashing agent. */
  throttleIntervalSeconds?: number;
  /** The agent's `agent.shutdownDeadlineMs`; launchd waits a little longer before SIGKILL. */
  shutdownDeadlineMs?: number;
}

export const LAUNCH_DAEMON_DEFAULTS = {
  throttleIntervalSeconds: 10,
  shutdownDeadlineMs: 10_000,
} as const;

/** The LaunchDaemon definition as a plain object. */
export function describeLaunchDaemon(
  options: LaunchDaemonOptions = {},
): Record<string, PlistValue> {
  const shutdownDeadlineMs =
    options.shutdownDeadlineMs ?? LAUNCH_DAEMON_DEFAULTS.shutdownDeadlineMs;
  const logPath = options.logPath ?? LOG_PATH;
  return {
    Label: LABEL,
    ProgramArguments: [
      options.executablePath ?? EXECUTABLE_PATH,
      'run',
      '--config',
      options.configPath ?? CONFIG_PATH,
    ],
    RunAtLoad: true,
    KeepAlive: true,
    ThrottleInterval:
      options.throttleIntervalSeconds ?? LAUNCH_DAEMON_DEFAULTS.throttleIntervalSeconds,
    ExitTimeOut: Math.ceil(shutdownDeadlineMs / 1000) + 5,
    // A security agent must keep up with exec events; `Interactive` exempts it from the
    // resource throttling launchd applies to background (`Background`/`Adaptive`) jobs.
    ProcessType: 'Interactive',
    StandardOutPath: logPath,
    StandardErrorPath: logPath,
    EnvironmentVariables: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
  };
}

/** The LaunchDaemon plist as XML text. */
export function buildLaunchDaemonPlist(options: LaunchDaemonOptions = {}): string {
  return build(describeLaunchDaemon(options));
}

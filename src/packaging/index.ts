/**
 * Public surface of `packaging`: what puts execwatch on a Mac fleet — the LaunchDaemon plist,
 * install/uninstall (idempotent, upgrade in place), the app bundle with its signature, the
 * installer package, the MDM profile templates and the newsyslog entry. `scripts/*.js` call
 * the `run…Cli` functions.
 */
export * from './layout.js';
export {
  buildLaunchDaemonPlist,
  describeLaunchDaemon,
  LAUNCH_DAEMON_DEFAULTS,
} from './launch-daemon.js';
export type { LaunchDaemonOptions } from './launch-daemon.js';
export { buildNewsyslogEntry, NEWSYSLOG_DEFAULTS } from './newsyslog.js';
export { install, hashTree } from './install.js';
export type { InstallOptions, InstallOutcome } from './install.js';
export { uninstall } from './uninstall.js';
export type { UninstallOptions } from './uninstall.js';
export { createServiceControl, SERVICE_TARGET } from './launchctl.js';
export {
  buildAppBundle,
  buildEntitlements,
  buildInfoPlist,
  ES_ENTITLEMENT,
  LAUNCHER_SOURCE,
  SEA_FUSE,
} from './app-bundle.js';
export type { AppBuildOptions } from './app-bundle.js';
export { buildPkg, PKG_IDENTIFIER, POSTINSTALL_SCRIPT, PREINSTALL_SCRIPT } from './pkg.js';
export type { PkgBuildOptions } from './pkg.js';
export {
  buildFullDiskAccessProfile,
  buildManagedLoginItemProfile,
  buildManagedPreferencesProfile,
  codeRequirement,
  TEAM_ID_PLACEHOLDER,
} from './mdm-profiles.js';
export {
  processScriptIo,
  runBuildAppCli,
  runBuildPkgCli,
  runInstallCli,
  runMdmProfilesCli,
  runUninstallCli,
} from './cli.js';
export type { ScriptIo } from './cli.js';

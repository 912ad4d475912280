/**
 * `execwatch doctor`: checks root, Full Disk Access, the Endpoint Security entitlement,
 * eslogger, the configuration, the rules and the collectors, and says how to fix each problem.
 * Exit status 1 when any check fails; warnings alone leave it 0.
 */
import type { Command } from 'commander';

import { defaultCollaborators } from '../../agent/index.js';
import { createProcessDoctorEnvironment, runDoctorChecks } from '../../agent/doctor.js';
import type { CheckResult } from '../../agent/doctor.js';
import { createCommandRunner } from '../../notify/index.js';
import type { CliContext } from '../context.js';

interface DoctorOptions {
  config?: string;
  managedPreferences?: string;
  json?: boolean;
  connectTimeoutMs: string;
}

export function registerDoctorCommand(program: Command, context: CliContext): void {
  program
    .command('doctor')
    .summary('check what usually goes wrong on a fresh Mac')
    .description(
      'Check root, Full Disk Access, the Endpoint Security entitlement, eslogger, the ' +
        'configuration, the rules and the collectors; each problem comes with its fix.',
    )
    .option('--config <file>', 'the config file to check')
    .option('--managed-preferences <file>', 'the managed preferences plist (for testing)')
    .option('--connect-timeout-ms <ms>', 'how long to wait for each collector', '3000')
    .option('--json', 'print {checks, summary} as one JSON document')
    .addHelpText(
      'after',
      `
Examples:
  $ sudo execwatch doctor
  $ sudo execwatch doctor --config ./config.json --json | jq '.checks[] | select(.status != "ok")'

Exit status: 1 when any check fails.`,
    )
    .action(async (options: DoctorOptions) => {
      const checks = await runDoctorChecks({
        loadOptions: {
          ...(options.config === undefined ? {} : { configPath: options.config }),
          ...(options.managedPreferences === undefined
            ? {}
            : { managedPreferencesPath: options.managedPreferences }),
        },
        environment: createProcessDoctorEnvironment(
          createCommandRunner(),
          defaultCollaborators.loadRuleSet,
        ),
        connectTimeoutMs: Number(options.connectTimeoutMs),
      });
      context.stdout.write(options.json === true ? renderJson(checks) : renderText(checks));
      if (checks.some((check) => check.status === 'fail')) context.setExitCode(1);
    });
}

function renderText(checks: CheckResult[]): string {
  const lines = checks.map((check) => {
    const head = `${check.status.padEnd(5)} ${check.name.padEnd(18)} ${check.detail}`;
    return check.fix === null ? head : `${head}\n      fix: ${check.fix}`;
  });
  return `${lines.join('\n')}\n`;
}

function renderJson(checks: CheckResult[]): string {
  const count = (status: string) => checks.filter((check) => check.status === status).length;
  const summary = {
    ok: count('ok'),
    warn: count('warn'),
    fail: count('fail'),
    notApplicable: count('n/a'),
  };
  return `${JSON.stringify({ checks, summary })}\n`;
}

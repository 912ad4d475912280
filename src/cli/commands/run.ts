/**
 * `execwatch run`: the agent, as launchd starts it. Flags override the configuration (file,
 * then managed preferences); SIGTERM/SIGINT shut it down within `agent.shutdownDeadlineMs`,
 * SIGHUP reloads configuration and rules. With `--json`, stdout carries the alert documents,
 * one per line; logs always go to stderr.
 */
import { Option } from 'commander';
import type { Command } from 'commander';

import { createAgent, installSignalHandlers } from '../../agent/index.js';
import { loadConfig } from '../../config/index.js';
import type { LoadConfigOptions } from '../../config/index.js';
import { NOTIFY_BACKENDS } from '../../notify/index.js';
import { createLogger } from '../../shared/logger.js';
import type { CliContext } from '../context.js';

interface RunOptions {
  config?: string;
  managedPreferences?: string;
  json?: boolean;
  notify?: string;
  source?: string;
  replay?: string[];
  follow?: boolean;
  stateDir?: string;
  logFormat?: 'json' | 'text';
}

const SOURCES = ['auto', 'endpoint-security', 'eslogger', 'replay'] as const;

const EXAMPLES = `
Examples:
  $ sudo execwatch run
  $ sudo execwatch run --config ./config.json --notify log --json
  $ execwatch run --source replay --replay events.jsonl --follow --state-dir /tmp/ew --json

Signals: SIGTERM/SIGINT stop within agent.shutdownDeadlineMs; SIGHUP reloads config and rules
(a broken set is logged and the running one kept).`;

export function registerRunCommand(program: Command, context: CliContext): void {
  program
    .command('run')
    .summary('run the agent (as the LaunchDaemon does)')
    .description(
      'Watch process executions, run the detection rules, deliver alerts to the configured ' +
        'outputs and notify the logged-in user. Writes its health to <state-dir>/status.json.',
    )
    .option(
      '--config <file>',
      'the config file (default: /Library/Application Support/execwatch/config.json)',
    )
    .option('--managed-preferences <file>', 'the managed preferences plist (for testing)')
    .option('--json', 'print every alert to stdout, one ECS JSON document per line')
    .addOption(new Option('--notify <backend>', 'notification backend').choices(NOTIFY_BACKENDS))
    .addOption(new Option('--source <type>', 'event source').choices(SOURCES))
    .option('--replay <file...>', 'recordings to replay (implies --source replay)')
    .option('--follow', 'keep reading the replayed files as they grow')
    .option('--state-dir <dir>', 'where status.json (and by default the spool) live')
    .addOption(new Option('--log-format <format>', 'log line format').choices(['json', 'text']))
    .addHelpText('after', EXAMPLES)
    .action(async (options: RunOptions) => {
      context.setExitCode(await runAgent(options, context));
    });
}

async function runAgent(options: RunOptions, context: CliContext): Promise<number> {
  const loadOptions = buildLoadOptions(options);
  const { config } = loadConfig(loadOptions);
  const logger = createLogger({ level: config.agent.logLevel, format: config.agent.logFormat });

  const agent = createAgent({
    loadOptions,
    logger,
    version: context.version,
    ...(options.json === true
      ? { onAlert: (alert) => context.stdout.write(`${JSON.stringify(alert)}\n`) }
      : {}),
  });
  const removeHandlers = installSignalHandlers(agent, logger);
  try {
    return await agent.run();
  } finally {
    removeHandlers();
  }
}

/** Flags as a configuration layer (`{ notify: { backend } }`), above the file and MDM. */
export function buildLoadOptions(options: RunOptions): LoadConfigOptions {
  const flags: Record<string, Record<string, unknown>> = {};
  const section = (name: string) => (flags[name] ??= {});

  if (options.stateDir !== undefined) section('agent').stateDir = options.stateDir;
  if (options.logFormat !== undefined) section('agent').logFormat = options.logFormat;
  if (options.notify !== undefined) section('notify').backend = options.notify;

  const sourceType = options.source ?? (options.replay === undefined ? undefined : 'replay');
  if (sourceType !== undefined) section('source').type = sourceType;
  if (options.replay !== undefined || options.follow !== undefined) {
    const replay: Record<string, unknown> = {};
    if (options.replay !== undefined) replay.files = options.replay;
    if (options.follow !== undefined) replay.follow = options.follow;
    section('source').replay = replay;
  }

  return {
    ...(options.config === undefined ? {} : { configPath: options.config }),
    ...(options.managedPreferences === undefined
      ? {}
      : { managedPreferencesPath: options.managedPreferences }),
    flags,
  };
}

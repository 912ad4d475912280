/**
 * `execwatch replay FILE...`: a recording through the same pipeline as the live agent. With
 * `--json`, stdout carries only alert documents, one per line; otherwise a person gets one
 * readable block per alert and a summary. Malformed lines are reported on stderr and counted;
 * an unreadable file ends the replay with status 2.
 */
import { Option } from 'commander';
import type { Command } from 'commander';

import { describeLocalAgent, renderAlertText } from '../../alerts/index.js';
import { createDetectionEngine } from '../../detect/index.js';
import type { HostInfo } from '../../normalize/index.js';
import { createDetectionPipeline, drainSource } from '../../pipeline/index.js';
import type { RaisedAlert } from '../../pipeline/index.js';
import { createReplaySource } from '../../sources/replay.js';
import type { CliContext } from '../context.js';
import { createProblemPrinter } from '../problem-printer.js';
import { createProgressReporter } from '../progress.js';
import { collect, loadSelectedRules } from '../rule-loading.js';

interface ReplayOptions {
  json?: boolean;
  format: 'auto' | 'eslogger' | 'ecs';
  rules?: string[];
  builtinRules: boolean;
  hostName?: string;
  progress: boolean;
}

const EXAMPLES = `
Examples:
  $ execwatch replay examples/smb-mount.eslogger.jsonl
  $ execwatch replay --json recording.jsonl.gz | jq .rule.name
  $ execwatch replay --rules my-rules/ --no-builtin-rules events.ndjson
  $ cat recording.jsonl | execwatch replay --format eslogger -

Formats (detected per file with --format auto):
  eslogger  JSON lines from /usr/bin/eslogger exec fork exit (message versions 9-11)
  ecs       one ECS document per line, nested objects or dotted keys
Files may be gzip-compressed; "-" reads standard input.`;

export function registerReplayCommand(program: Command, context: CliContext): void {
  program
    .command('replay')
    .summary('run a recording through the detection pipeline')
    .description(
      'Replay recorded events (eslogger JSON lines or ECS NDJSON) through the same ' +
        'normalization, process table and rules as the live agent, and print the alerts.',
    )
    .argument('<file...>', 'recordings to replay, in order ("-" for stdin)')
    .option('--json', 'print only alert documents, one ECS JSON object per line')
    .addOption(
      new Option('--format <format>', 'input format')
        .choices(['auto', 'eslogger', 'ecs'])
        .default('auto'),
    )
    .option('--rules <path>', 'a rule file or directory (repeatable)', collect)
    .option('--no-builtin-rules', 'do not load the built-in rule pack')
    .option('--host-name <name>', 'host.name for events from eslogger recordings')
    .option('--no-progress', 'no progress line on a terminal')
    .addHelpText('after', EXAMPLES)
    .action(async (files: string[], options: ReplayOptions) => {
      await runReplay(files, options, context);
    });
}

async function runReplay(files: string[], options: ReplayOptions, context: CliContext) {
  const startedMs = performance.now();
  const ruleSet = await loadSelectedRules(options, context);
  if (ruleSet.errorCount > 0) context.setExitCode(1);

  const problems = createProblemPrinter(context.stderr);
  const progress = createProgressReporter(context.stderr, { enabled: options.progress });
  const agent = describeLocalAgent(context.version, options.hostName);
  const host: HostInfo | undefined =
    options.hostName === undefined ? undefined : { hostname: options.hostName };

  const pipeline = createDetectionPipeline({
    engine: createDetectionEngine({ rules: ruleSet.rules }),
    agent,
    ...(host === undefined ? {} : { host }),
    onAlert: (raised) => writeAlert(raised, options, context),
    onProblem: (error) => problems.report(error),
  });

  const source = createReplaySource({
    paths: files,
    format: options.format,
    stdin: context.stdin,
    onProgress: (p) => progress.update({ ...p, events: pipeline.stats().events }),
  });
  await drainSource(source, pipeline.handle);
  pipeline.finish();

  progress.finish();
  problems.finish();
  const summary = describeSummary(
    pipeline.stats(),
    ruleSet.rules.length,
    performance.now() - startedMs,
  );
  (options.json === true ? context.stderr : context.stdout).write(`${summary}\n`);
}

function writeAlert(raised: RaisedAlert, options: ReplayOptions, context: CliContext): void {
  if (options.json === true) {
    context.stdout.write(`${JSON.stringify(raised.alert)}\n`);
    return;
  }
  context.stdout.write(`${renderAlertText(raised.alert, raised.ancestry)}\n\n`);
}

function describeSummary(
  stats: ReturnType<ReturnType<typeof createDetectionPipeline>['stats']>,
  ruleCount: number,
  elapsedMs: number,
): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(stats.events / seconds) : stats.events;
  const count = (n: number) => n.toLocaleString('en-US');
  return (
    `replayed ${count(stats.records)} records: ${count(stats.events)} events, ` +
    `${count(stats.skipped)} skipped, ${count(stats.malformed)} malformed; ` +
    `${count(stats.alerts)} alerts from ${count(ruleCount)} rules ` +
    `in ${seconds.toFixed(2)} s (${count(rate)} events/s)`
  );
}

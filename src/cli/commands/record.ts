/**
 * `execwatch record`: live events to a recording, one eslogger JSON line per message, for
 * `execwatch replay`, rule tests and fixtures. Exec events lose their environment unless
 * `--with-env` is given: it carries secrets (tokens, passwords in variables).
 *
 * Live events need macOS (the Endpoint Security addon or /usr/bin/eslogger). Elsewhere the
 * command says so, unless `--eslogger-path` names a program that prints eslogger's lines.
 * Recording ends on Ctrl-C (SIGINT), SIGTERM, `--max-events`, or when the source ends.
 */
import { once } from 'node:events';
import { createWriteStream, openSync } from 'node:fs';

import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';

import { describeError, ExecwatchError } from '../../shared/errors.js';
import { createSourceFromConfig, type SourceDependencies } from '../../sources/auto.js';
import { DEFAULT_ESLOGGER_PATH, sourceConfigSchema } from '../../sources/config-schema.js';
import type { EventSource, SourceRecord } from '../../sources/types.js';
import type { CliContext } from '../context.js';

interface RecordOptions {
  output?: string;
  withEnv: boolean;
  source: 'auto' | 'endpoint-security' | 'eslogger';
  esloggerPath: string;
  maxEvents?: number;
}

/** Collaborators for tests; the CLI passes none. */
export interface RecordDependencies extends SourceDependencies {
  /** Where SIGINT/SIGTERM are heard; default `process`. */
  signals?: NodeJS.EventEmitter;
}

const EXAMPLES = `
Examples:
  $ sudo execwatch record --output session.jsonl           # Ctrl-C to stop
  $ sudo execwatch record --source eslogger --max-events 500 > fixture.jsonl
  $ execwatch replay session.jsonl

The environment of exec events is removed unless --with-env is given (it carries secrets).
Integers beyond 2^53 (inode numbers) are written as exact decimal strings.`;

export function registerRecordCommand(
  program: Command,
  context: CliContext,
  dependencies: RecordDependencies = {},
): void {
  program
    .command('record')
    .summary('write live events to a recording (macOS)')
    .description(
      'Record live exec, fork and exit events as eslogger JSON lines, for replay, rule tests ' +
        'and fixtures. Needs macOS, root and Full Disk Access.',
    )
    .option('-o, --output <file>', 'write the recording to a file (mode 0600) instead of stdout')
    .option('--with-env', 'keep the environment of exec events (it carries secrets)', false)
    .addOption(
      new Option('--source <type>', 'live source')
        .choices(['auto', 'endpoint-security', 'eslogger'])
        .default('auto'),
    )
    .option('--eslogger-path <path>', 'the eslogger program to run', DEFAULT_ESLOGGER_PATH)
    .option('--max-events <n>', 'stop after this many events', parsePositiveInteger)
    .addHelpText('after', EXAMPLES)
    .action(async (options: RecordOptions, command: Command) => {
      const esloggerPathGiven = command.getOptionValueSource('esloggerPath') === 'cli';
      await runRecord(options, esloggerPathGiven, context, dependencies);
    });
}

async function runRecord(
  options: RecordOptions,
  esloggerPathGiven: boolean,
  context: CliContext,
  dependencies: RecordDependencies,
): Promise<void> {
  const platform = dependencies.platform ?? process.platform;
  if (platform !== 'darwin' && !esloggerPathGiven) {
    throw new ExecwatchError(
      'RECORD_NEEDS_MACOS',
      'execwatch record needs macOS (Endpoint Security or /usr/bin/eslogger); ' +
        `this is ${platform}. ` +
        'To record here anyway, pass --eslogger-path ' +
        'with a program that prints eslogger JSON lines.',
    );
  }

  const config = sourceConfigSchema.parse({
    type: options.source,
    esloggerPath: options.esloggerPath,
    includeEnv: options.withEnv,
  });
  const output = openOutput(options.output, context);
  const { source, name } = createSourceFromConfig(config, dependencies);
  const stopOnSignal = watchSignals(source, dependencies.signals ?? process);

  try {
    const counts = await copyRecords(source, output.stream, options, context);
    context.stderr.write(describeSummary(counts, name, options));
  } finally {
    stopOnSignal.remove();
    await source.stop();
    await output.close();
  }
}

interface RecordCounts {
  events: number;
  malformed: number;
}

async function copyRecords(
  source: EventSource,
  output: NodeJS.WritableStream,
  options: RecordOptions,
  context: CliContext,
): Promise<RecordCounts> {
  const counts: RecordCounts = { events: 0, malformed: 0 };
  for await (const record of source.records()) {
    const line = recordLine(record, options.withEnv);
    if (line === undefined) {
      counts.malformed += 1;
      context.stderr.write(`execwatch record: ${describeRecordProblem(record)}\n`);
      continue;
    }

    if (!output.write(line)) await once(output, 'drain');
    counts.events += 1;
    if (options.maxEvents !== undefined && counts.events >= options.maxEvents) break;
  }
  return counts;
}

/** The recording line for a record, or undefined for a record that is not a message. */
export function recordLine(record: SourceRecord, withEnv: boolean): string | undefined {
  if (record.kind !== 'es-message') return undefined;
  const message = withEnv ? record.message : withoutEnvironment(record.message);
  return `${JSON.stringify(message)}\n`;
}

/** A copy of an exec message without `event.exec.env`; other messages unchanged. */
export function withoutEnvironment(message: unknown): unknown {
  const event = (message as { event?: { exec?: Record<string, unknown> } } | null)?.event;
  if (event?.exec === undefined || !('env' in event.exec)) return message;

  const exec = { ...event.exec };
  delete exec.env;
  return { ...(message as object), event: { ...event, exec } };
}

function describeRecordProblem(record: SourceRecord): string {
  return record.kind === 'malformed'
    ? describeError(record.error)
    : `unexpected ${record.kind} record`;
}

function describeSummary(counts: RecordCounts, sourceName: string, options: RecordOptions): string {
  const where = options.output ?? 'stdout';
  const environment = options.withEnv ? 'environment kept' : 'environment removed';
  return (
    `execwatch record: ${counts.events} events from ${sourceName} to ${where} ` +
    `(${counts.malformed} malformed lines skipped; ${environment})\n`
  );
}

function openOutput(
  path: string | undefined,
  context: CliContext,
): { stream: NodeJS.WritableStream; close: () => Promise<void> } {
  if (path === undefined) return { stream: context.stdout, close: () => Promise.resolve() };

  let fd: number;
  try {
    fd = openSync(path, 'w', 0o600);
  } catch (cause) {
    throw new ExecwatchError(
      'RECORD_OUTPUT_UNWRITABLE',
      `Cannot write the recording to ${path}: ${describeError(cause)}`,
      { cause },
    );
  }
  const stream = createWriteStream(path, { fd });
  return {
    stream,
    close: async () => {
      stream.end();
      await once(stream, 'finish');
    },
  };
}

function watchSignals(source: EventSource, signals: NodeJS.EventEmitter): { remove: () => void } {
  const stop = (): void => void source.stop();
  signals.once('SIGINT', stop);
  signals.once('SIGTERM', stop);
  return {
    remove: () => {
      signals.off('SIGINT', stop);
      signals.off('SIGTERM', stop);
    },
  };
}

function parsePositiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1');
  }
  return parsed;
}

/**
 * `execwatch query 'EQL' FILE...`: one JSON line per match over a recording — the matched event
 * with every input field kept, or `{"sequence": [event, …]}` for a sequence query. The query is
 * compiled once; a syntax error is shown with a caret under its position and exit status 2.
 */
import { Option } from 'commander';
import type { Command } from 'commander';

import { compileQuery, createQueryRunner, EqlError } from '../../eql/index.js';
import { createNormalizer } from '../../normalize/index.js';
import { createEventPipeline, drainSource } from '../../pipeline/index.js';
import { createProcessTable } from '../../process-table/index.js';
import { createReplaySource } from '../../sources/replay.js';
import type { CliContext } from '../context.js';
import { createProblemPrinter } from '../problem-printer.js';

interface QueryOptions {
  format: 'auto' | 'eslogger' | 'ecs';
}

const EXAMPLES = `
Examples:
  $ execwatch query 'process where process.name : "mount_smbfs"' examples/smb-mount.eslogger.jsonl
  $ execwatch query 'process where process.args : "smb://*" | head 5' events.ndjson
  $ execwatch query 'sequence by process.parent.entity_id with maxspan=1m
      [process where process.name == "curl"] [process where process.name == "chmod"]' rec.jsonl

Each match is printed as one JSON line; pipe into jq to pick fields.`;

export function registerQueryCommand(program: Command, context: CliContext): void {
  program
    .command('query')
    .summary('print the events of a recording that match one EQL query')
    .description('Run one EQL query over recordings and print each match as a JSON line.')
    .argument('<query>', 'an EQL event or sequence query, optionally with | head N or | tail N')
    .argument('<file...>', 'recordings (eslogger JSON lines or ECS NDJSON; "-" for stdin)')
    .addOption(
      new Option('--format <format>', 'input format')
        .choices(['auto', 'eslogger', 'ecs'])
        .default('auto'),
    )
    .addHelpText('after', EXAMPLES)
    .action(async (query: string, files: string[], options: QueryOptions) => {
      await runQuery(query, files, options, context);
    });
}

async function runQuery(
  query: string,
  files: string[],
  options: QueryOptions,
  context: CliContext,
) {
  const compiled = compileOrReport(query, context);
  if (compiled === null) return;

  const runner = createQueryRunner(compiled);
  const problems = createProblemPrinter(context.stderr);
  const write = (docs: unknown[]) => {
    for (const doc of docs) context.stdout.write(`${JSON.stringify(doc)}\n`);
  };
  const pipeline = createEventPipeline({
    normalizer: createNormalizer({ table: createProcessTable() }),
    onEvent: (event) => write(runner.push(event)),
    onProblem: (error) => problems.report(error),
  });

  const source = createReplaySource({ paths: files, format: options.format, stdin: context.stdin });
  await drainSource(source, pipeline.handle);
  write(runner.finish());
  problems.finish();
}

function compileOrReport(query: string, context: CliContext) {
  try {
    return compileQuery(query);
  } catch (error) {
    if (!(error instanceof EqlError)) throw error;
    context.stderr.write(`execwatch: invalid query\n${error.render()}\n`);
    context.setExitCode(2);
    return null;
  }
}

/**
 * `execwatch rules check` and `execwatch rules test`: the rule author's commands. `check`
 * compiles rules and says for each whether it runs here (ok), cannot (unsupported, and why), or
 * is broken (error, with file, line, column and a caret). `test` runs detection-as-code test
 * cases through the same pipeline as `replay`. Both exit 1 when they find a problem.
 */
import { writeFile } from 'node:fs/promises';

import type { Command } from 'commander';

import { detectInRecordings } from '../../pipeline/index.js';
import { EqlError } from '../../eql/index.js';
import { formatJunitXml, formatTestReport, loadRules, runRuleTests } from '../../rules/index.js';
import type { RecordingRunner, RuleReport } from '../../rules/index.js';
import type { CliContext } from '../context.js';
import { describeRuleError } from '../rule-loading.js';

const CHECK_EXAMPLES = `
Examples:
  $ execwatch rules check                       # the built-in pack
  $ execwatch rules check detection-rules/rules/macos detection-rules/rules/cross-platform
  $ execwatch rules check --json --no-builtin-rules export.ndjson | jq .summary

Formats: detection-rules TOML (one rule per file), Kibana rule export (.ndjson, with its
exception lists), JSON (a rule object or an array). Directories are searched recursively;
folders named "tests" and *.test.toml files are skipped.

Status: ok (runs), unsupported (why: rule type, or an event category execwatch never
produces), error (file:line:column and a caret). Exit status 1 when any rule is in error.`;

const TEST_EXAMPLES = `
Examples:
  $ execwatch rules test rules/                 # every *.test.toml under rules/
  $ execwatch rules test my-rules/tests/smb.test.toml --junit report.xml

A test file, e.g. my-rules/tests/smb.test.toml:
  rules = ["../smb.toml"]                 # optional; default ../<name>.toml
  [[case]]
  name = "fires on mount_smbfs"
  recordings = ["recordings/smb.ndjson"]  # eslogger JSON lines or ECS NDJSON
  must_not = ["<other rule_id>"]          # optional: rules that must raise nothing
    [[case.expect]]                       # every alert of the named rules, no more
    rule_id = "<rule_id>"
    line = 3                              # optional: recording line of the event
    [[case.exceptions]]                   # optional: Kibana exception items to apply
    entries = [{ field = "user.name", type = "match", operator = "included", value = "ci" }]

Exit status 1 when a case fails or cannot run.`;

interface CheckOptions {
  json?: boolean;
  builtinRules: boolean;
}

export function registerRulesCommand(program: Command, context: CliContext): void {
  const rules = program
    .command('rules')
    .summary('check and test detection rules')
    .description('Check that rules load and run here, and run their test cases.');

  rules
    .command('check')
    .summary('compile rules and report ok / unsupported / error')
    .description('Compile rules and report, per rule, whether execwatch can run it.')
    .argument('[path...]', 'rule files or directories')
    .option('--json', 'print {"rules": [...], "summary": {...}} on stdout')
    .option('--no-builtin-rules', 'do not check the built-in rule pack')
    .addHelpText('after', CHECK_EXAMPLES)
    .action(async (paths: string[], options: CheckOptions) => {
      await runCheck(paths, options, context);
    });

  rules
    .command('test')
    .summary('run rule test cases (recordings + expected alerts)')
    .description('Run detection-as-code test cases through the replay pipeline.')
    .argument('<path...>', 'test files (*.test.toml) or directories holding them')
    .option('--junit <file>', 'also write a JUnit XML report to FILE')
    .addHelpText('after', TEST_EXAMPLES)
    .action(async (paths: string[], options: { junit?: string }) => {
      await runTest(paths, options, context);
    });
}

async function runCheck(paths: string[], options: CheckOptions, context: CliContext) {
  const { reports } = await loadRules({ paths, builtin: options.builtinRules });
  const summary = summarize(reports);
  if (summary.error > 0) context.setExitCode(1);

  if (options.json === true) {
    const rules = reports.map(({ file, rule_id, name, status, reason }) => ({
      file,
      rule_id,
      name,
      status,
      reason,
    }));
    context.stdout.write(JSON.stringify({ rules, summary }) + '\n');
    return;
  }

  for (const report of reports) context.stdout.write(formatReport(report) + '\n');
  context.stdout.write(
    `\n${summary.total} rules: ${summary.ok} ok, ${summary.unsupported} unsupported, ` +
      `${summary.error} error\n`,
  );
}

function summarize(reports: readonly RuleReport[]) {
  const count = (status: RuleReport['status']) => reports.filter((r) => r.status === status).length;
  return {
    ok: count('ok'),
    unsupported: count('unsupported'),
    error: count('error'),
    total: reports.length,
  };
}

function formatReport(report: RuleReport): string {
  const label = report.name ?? report.rule_id ?? '';
  if (report.status === 'error') return `error        ${describeError(report)}`;
  const reason = report.reason === null ? '' : `: ${report.reason}`;
  return `${report.status.padEnd(12)} ${report.file}  ${label}${reason}`;
}

/** The error with its caret; a query error inside JSON carries the rendering in its cause. */
function describeError(report: RuleReport): string {
  const cause = report.error?.cause;
  if (!(cause instanceof EqlError)) return describeRuleError(report);
  const rendering = cause.render().split('\n').slice(1).join('\n');
  return `${describeRuleError(report)}\n${rendering}`;
}

async function runTest(paths: string[], options: { junit?: string }, context: CliContext) {
  const summary = await runRuleTests({ paths, runner: pipelineRunner });
  context.stdout.write(formatTestReport(summary, process.cwd()));
  if (options.junit !== undefined) await writeFile(options.junit, formatJunitXml(summary));
  if (summary.failed > 0 || summary.errors > 0) context.setExitCode(1);
}

/** Recordings through the same pipeline as `replay`. */
export const pipelineRunner: RecordingRunner = async (recordingPaths, rules, format) => {
  const result = await detectInRecordings({ paths: recordingPaths, rules, format });
  return {
    detections: result.raised.map((raised) => ({
      detection: raised.detection,
      origin: raised.origin,
    })),
    problems: result.problems.map((problem) => problem.describe()),
  };
};

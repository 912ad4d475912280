/**
 * Detection as code: `rules test` runs test cases that pair a recording with the alerts it must
 * and must not raise. A test file (`<name>.test.toml`, usually in a `tests/` folder beside the
 * rules) reads:
 *
 *   rules = ["../my_rule.toml"]         # rule files or directories, relative to this file;
 *                                       # default: ../<name>.toml
 *   [[case]]
 *   name = "fires on mount_smbfs"
 *   recordings = ["recordings/smb.ndjson"]   # eslogger JSON lines or ECS NDJSON
 *   format = "auto"                          # optional: auto, eslogger or ecs
 *   must_not = ["<rule_id>"]                 # optional: these rules raise nothing
 *   [[case.expect]]
 *   rule_id = "<rule_id>"
 *   line = 3            # optional: the recording line of the event that raised the alert
 *   recording = "recordings/smb.ndjson"      # optional, when a case has several recordings
 *   [[case.exceptions]]                      # optional: Kibana exception items for this case,
 *   entries = [ … ]                          # applied to every rule
 *
 * A case speaks for the rules it names (in `expect` or `must_not`): their alerts must be exactly
 * the ones listed, no more and no fewer. Alerts of other rules are ignored. A recording line
 * the pipeline cannot read fails the case, so a broken fixture never passes silently.
 *
 * Recordings go through the same pipeline as `replay` and the agent; the caller passes it in as
 * a `RecordingRunner`, which keeps this module free of the pipeline's dependencies.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';

import { parse } from 'smol-toml';
import { z } from 'zod';

import type { Detection } from '../detect/index.js';
import { describeError } from '../shared/errors.js';
import type { EventOrigin } from '../shared/types.js';
import { exceptionItemSchema, toExceptionItem } from './exceptions.js';
import { describeIssues } from './kibana-export.js';
import { loadRules } from './load-rules.js';
import type { LoadedRule } from './rule-model.js';

/** One alert raised while replaying, with where its (last) event was read. */
export interface RecordedDetection {
  detection: Detection;
  origin: EventOrigin;
}

/** Runs recordings through the detection pipeline with the given rules. */
export type RecordingRunner = (
  recordingPaths: string[],
  rules: LoadedRule[],
  format: 'auto' | 'eslogger' | 'ecs',
) => Promise<{ detections: RecordedDetection[]; problems: string[] }>;

export interface CaseResult {
  name: string;
  status: 'passed' | 'failed' | 'error';
  /** What went wrong, one sentence per problem. */
  messages: string[];
  durationMs: number;
}

export interface TestFileResult {
  file: string;
  cases: CaseResult[];
  /** Set when the file itself could not be used (syntax, rules failing to load). */
  error: string | null;
  durationMs: number;
}

export interface RuleTestSummary {
  files: TestFileResult[];
  passed: number;
  failed: number;
  errors: number;
}

const expectSchema = z.strictObject({
  rule_id: z.string().min(1),
  line: z.int().min(1).optional(),
  recording: z.string().min(1).optional(),
});

const caseSchema = z.strictObject({
  name: z.string().min(1),
  recordings: z.array(z.string().min(1)).min(1),
  format: z.enum(['auto', 'eslogger', 'ecs']).default('auto'),
  expect: z.array(expectSchema).default([]),
  must_not: z.array(z.string().min(1)).default([]),
  exceptions: z.array(exceptionItemSchema).default([]),
});

const testFileSchema = z.strictObject({
  rules: z.array(z.string().min(1)).optional(),
  case: z.array(caseSchema).min(1),
});

type TestCase = z.output<typeof caseSchema>;
type Clock = () => number;

/** Finds `*.test.toml` files under the paths (files are taken as given). */
export async function findTestFiles(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) found.push(...(await walk(path)));
    else found.push(path);
  }
  return found;
}

async function walk(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.')) files.push(...(await walk(path)));
    if (entry.isFile() && entry.name.endsWith('.test.toml')) files.push(path);
  }
  return files;
}

/** Runs every case of every test file under `paths`. */
export async function runRuleTests(options: {
  paths: string[];
  runner: RecordingRunner;
  clock?: Clock;
}): Promise<RuleTestSummary> {
  const clock = options.clock ?? (() => performance.now());
  const files: TestFileResult[] = [];
  for (const file of await findTestFiles(options.paths)) {
    files.push(await runTestFile(file, options.runner, clock));
  }

  const cases = files.flatMap((file) => file.cases);
  return {
    files,
    passed: cases.filter((c) => c.status === 'passed').length,
    failed: cases.filter((c) => c.status === 'failed').length,
    errors: cases.filter((c) => c.status === 'error').length + files.filter((f) => f.error).length,
  };
}

async function runTestFile(file: string, runner: RecordingRunner, clock: Clock) {
  const startedMs = clock();
  const result: TestFileResult = { file, cases: [], error: null, durationMs: 0 };

  try {
    const parsed = testFileSchema.safeParse(parse(await readFile(file, 'utf8')));
    if (!parsed.success) throw new Error(`Test file is not valid: ${describeIssues(parsed.error)}`);
    const ruleFiles = (parsed.data.rules ?? [defaultRulePath(file)]).map((path) =>
      resolve(dirname(file), path),
    );
    for (const testCase of parsed.data.case) {
      result.cases.push(await runCase(file, ruleFiles, testCase, runner, clock));
    }
  } catch (error) {
    result.error = describeError(error);
  }

  result.durationMs = clock() - startedMs;
  return result;
}

/** `rules/tests/x.test.toml` tests `rules/x.toml`. */
function defaultRulePath(file: string): string {
  return join('..', `${basename(file, '.test.toml')}.toml`);
}

async function runCase(
  file: string,
  ruleFiles: string[],
  testCase: TestCase,
  runner: RecordingRunner,
  clock: Clock,
): Promise<CaseResult> {
  const startedMs = clock();
  const finish = (status: CaseResult['status'], messages: string[]): CaseResult => ({
    name: testCase.name,
    status,
    messages,
    durationMs: clock() - startedMs,
  });

  const loaded = await loadCaseRules(ruleFiles, testCase);
  if (typeof loaded === 'string') return finish('error', [loaded]);

  const recordings = testCase.recordings.map((path) => resolve(dirname(file), path));
  let outcome: Awaited<ReturnType<RecordingRunner>>;
  try {
    outcome = await runner(recordings, loaded, testCase.format);
  } catch (error) {
    return finish('error', [`Recording could not be replayed: ${describeError(error)}`]);
  }

  const messages = [
    ...outcome.problems.map((problem) => `Recording problem: ${problem}`),
    ...compareAlerts(file, testCase, outcome.detections),
  ];
  return finish(messages.length === 0 ? 'passed' : 'failed', messages);
}

async function loadCaseRules(ruleFiles: string[], testCase: TestCase) {
  const items = testCase.exceptions.map((item, index) =>
    toExceptionItem(item, `case#${index + 1}`),
  );
  const exceptions =
    items.length === 0
      ? []
      : [
          {
            listId: 'rules-test',
            name: testCase.name,
            appliesToAll: true,
            items,
            origin: { file: 'test' },
          },
        ];

  const { rules, reports } = await loadRules({ paths: ruleFiles, builtin: false, exceptions });
  const errors = reports.filter((report) => report.status === 'error');
  if (errors.length > 0) {
    return `Rules failed to load: ${errors.map((r) => r.error?.describe() ?? r.reason).join('; ')}`;
  }
  if (rules.length === 0) return `No rule loaded from ${ruleFiles.join(', ')}`;
  return rules;
}

/**
 * The alerts of the rules a case names must be exactly the expected ones: each expectation
 * takes one matching alert; what is left over is unexpected.
 */
function compareAlerts(
  file: string,
  testCase: TestCase,
  detections: readonly RecordedDetection[],
): string[] {
  const named = new Set([...testCase.expect.map((e) => e.rule_id), ...testCase.must_not]);
  const remaining = detections.filter((d) => named.has(d.detection.rule.ruleId));
  const messages: string[] = [];

  for (const expectation of testCase.expect) {
    const index = remaining.findIndex((d) => satisfies(file, d, expectation));
    if (index === -1)
      messages.push(`Expected alert not raised: ${describeExpectation(expectation)}`);
    else remaining.splice(index, 1);
  }
  for (const extra of remaining) {
    const rule = extra.detection.rule;
    const where = extra.origin.line === undefined ? '' : ` at line ${extra.origin.line}`;
    const verdict = testCase.must_not.includes(rule.ruleId) ? 'must not fire' : 'unexpected';
    messages.push(`Alert ${verdict}: rule ${rule.ruleId} (${rule.name})${where}`);
  }
  return messages;
}

function satisfies(
  file: string,
  recorded: RecordedDetection,
  expectation: z.output<typeof expectSchema>,
): boolean {
  if (recorded.detection.rule.ruleId !== expectation.rule_id) return false;
  if (expectation.line !== undefined && recorded.origin.line !== expectation.line) return false;
  if (expectation.recording === undefined) return true;
  const want = resolve(dirname(file), expectation.recording);
  return recorded.origin.file !== undefined && resolve(recorded.origin.file) === want;
}

function describeExpectation(expectation: z.output<typeof expectSchema>): string {
  const parts = [`rule ${expectation.rule_id}`];
  if (expectation.line !== undefined) parts.push(`at line ${expectation.line}`);
  if (expectation.recording !== undefined) parts.push(`of ${expectation.recording}`);
  return parts.join(' ');
}

/** The human-readable report: one line per case, details under failures, and a total. */
export function formatTestReport(summary: RuleTestSummary, baseDirectory: string): string {
  const lines: string[] = [];
  for (const file of summary.files) {
    lines.push(relative(baseDirectory, file.file) || file.file);
    if (file.error !== null) lines.push(`  ERROR ${file.error}`);
    for (const result of file.cases) {
      const mark = { passed: 'ok  ', failed: 'FAIL', error: 'ERR ' }[result.status];
      lines.push(`  ${mark} ${result.name}`);
      for (const message of result.messages) lines.push(`       ${message}`);
    }
  }
  const total = summary.files.reduce((count, file) => count + file.cases.length, 0);
  lines.push('');
  lines.push(
    `${summary.passed} passed, ${summary.failed} failed, ${summary.errors} errors ` +
      `(${total} case${total === 1 ? '' : 's'} in ${summary.files.length} file(s))`,
  );
  return lines.join('\n') + '\n';
}

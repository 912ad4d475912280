/**
 * Builds a rule set from files and directories: reads every rule file (detection-rules TOML,
 * Kibana export NDJSON, JSON), gathers the exception lists that travel with the exports and
 * those given by the caller, compiles each list once, and checks and compiles every rule.
 *
 * Loading has no side effects: it reads files and returns a new set with a report per rule, so
 * a reload can build the next set, show its errors, and keep the running one if it is broken.
 *
 * A file reached twice (the built-in pack also named as a path, overlapping directories) is read
 * once. Directory walks are recursive and sorted (stable reports). They skip hidden directories,
 * directories named `tests` (where rule packs keep test cases and recordings, which would
 * otherwise read as NDJSON exports) and `*.test.toml` files; a path given explicitly is always
 * read.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

import { builtinRulesDir } from './builtin.js';
import { checkCandidate } from './check.js';
import { compileExceptionLists } from './exceptions.js';
import type { CompiledExceptionItem, ExceptionList } from './exceptions.js';
import { readJsonRuleFile } from './json-rule.js';
import { readKibanaExport } from './kibana-export.js';
import type { LoadedRule, RuleFields, RuleReport, SuppressionConfig } from './rule-model.js';
import { fileErrorReport } from './rule-source.js';
import type { RuleCandidate } from './rule-source.js';
import { readTomlRuleFile } from './toml-rule.js';

export interface LoadRulesOptions {
  paths: string[];
  /** Add the built-in pack (`builtinRulesDir()`). */
  builtin: boolean;
  /** Exception lists from configuration or exception-list exports. */
  exceptions?: ExceptionList[];
  /** Alert suppression per rule id from configuration; it replaces the rule's own. */
  suppression?: Readonly<Record<string, SuppressionConfig>>;
  /** The clock that decides which exception items have expired; defaults to Date.now. */
  nowMs?: number;
}

export interface LoadedRuleSet {
  rules: LoadedRule[];
  reports: RuleReport[];
}

const RULE_EXTENSIONS = new Set(['.toml', '.ndjson', '.json']);

/** Loads, checks and compiles the rules under `paths` (and the built-in pack). */
export async function loadRules(options: LoadRulesOptions): Promise<LoadedRuleSet> {
  const sources = options.paths.map((path) => ({ path, builtin: false }));
  if (options.builtin) sources.unshift({ path: builtinRulesDir(), builtin: true });

  const reports: RuleReport[] = [];
  const candidates: RuleCandidate[] = [];
  const lists: ExceptionList[] = [...(options.exceptions ?? [])];
  const seenFiles = new Set<string>();
  for (const source of sources) {
    const found = await readRuleSource(source.path, source.builtin, seenFiles);
    candidates.push(...found.candidates);
    lists.push(...found.exceptionLists);
    reports.push(...found.reports);
  }

  const exceptions = indexExceptions(lists, options.nowMs ?? Date.now(), reports);
  const rules = checkAll(candidates, exceptions, options.suppression ?? {}, reports);
  return { rules, reports };
}

/** Reads exception lists (Kibana exception-list exports, NDJSON) named in configuration. */
export async function loadExceptionFiles(
  paths: readonly string[],
): Promise<{ lists: ExceptionList[]; reports: RuleReport[] }> {
  const lists: ExceptionList[] = [];
  const reports: RuleReport[] = [];
  for (const path of paths) {
    const text = await readText(path, reports);
    if (text === null) continue;
    const contents = readKibanaExport(path, text, false);
    lists.push(...contents.exceptionLists);
    reports.push(...contents.reports);
  }
  return { lists, reports };
}

interface SourceContents {
  candidates: RuleCandidate[];
  exceptionLists: ExceptionList[];
  reports: RuleReport[];
}

/** Reads the rule files under `path`, skipping files already read (by resolved path). */
async function readRuleSource(
  path: string,
  builtin: boolean,
  seenFiles: Set<string>,
): Promise<SourceContents> {
  const contents: SourceContents = { candidates: [], exceptionLists: [], reports: [] };
  let files: string[];
  try {
    files = (await stat(path)).isDirectory() ? await listRuleFiles(path) : [path];
  } catch (error) {
    const message = `Cannot read rule path: ${(error as Error).message}`;
    contents.reports.push(fileErrorReport(path, 'RULE_PATH_UNREADABLE', message, {}, error));
    return contents;
  }

  for (const file of files) {
    if (seenFiles.has(resolve(file))) continue;
    seenFiles.add(resolve(file));
    const text = await readText(file, contents.reports);
    if (text === null) continue;
    const found = readRuleFile(file, text, builtin);
    contents.candidates.push(...found.candidates);
    contents.exceptionLists.push(...(found.exceptionLists ?? []));
    contents.reports.push(...found.reports);
  }
  return contents;
}

function readRuleFile(
  file: string,
  text: string,
  builtin: boolean,
): { candidates: RuleCandidate[]; reports: RuleReport[]; exceptionLists?: ExceptionList[] } {
  switch (extname(file).toLowerCase()) {
    case '.toml':
      return readTomlRuleFile(file, text, builtin);
    case '.ndjson':
      return readKibanaExport(file, text, builtin);
    case '.json':
      return readJsonRuleFile(file, text, builtin);
    default: {
      const message = 'Unknown rule file type; expected .toml, .ndjson or .json';
      return { candidates: [], reports: [fileErrorReport(file, 'RULE_FILE_TYPE', message)] };
    }
  }
}

async function listRuleFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    const isSkippedDirectory = entry.name.startsWith('.') || entry.name === 'tests';
    if (entry.isDirectory() && !isSkippedDirectory) files.push(...(await listRuleFiles(path)));

    const isRuleFile = RULE_EXTENSIONS.has(extname(entry.name).toLowerCase());
    if (entry.isFile() && isRuleFile && !entry.name.endsWith('.test.toml')) files.push(path);
  }
  return files;
}

async function readText(file: string, reports: RuleReport[]): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const message = `Cannot read file: ${(error as Error).message}`;
    reports.push(fileErrorReport(file, 'RULE_FILE_UNREADABLE', message, {}, error));
    return null;
  }
}

interface ExceptionIndex {
  byListId: Map<string, CompiledExceptionItem[]>;
  global: CompiledExceptionItem[];
}

/** Compiles every list once; items that cannot run are reported as unsupported. */
function indexExceptions(
  lists: readonly ExceptionList[],
  nowMs: number,
  reports: RuleReport[],
): ExceptionIndex {
  const index: ExceptionIndex = { byListId: new Map(), global: [] };

  for (const list of lists) {
    const { compiled, skipped } = compileExceptionLists([list], nowMs);
    if (list.appliesToAll) index.global.push(...compiled);
    const known = index.byListId.get(list.listId) ?? [];
    index.byListId.set(list.listId, [...known, ...compiled]);

    for (const item of skipped) {
      reports.push({
        file: item.origin.file,
        rule_id: null,
        name: `exception list '${item.listId}'`,
        status: 'unsupported',
        reason: item.reason,
      });
    }
  }
  return index;
}

function checkAll(
  candidates: readonly RuleCandidate[],
  exceptions: ExceptionIndex,
  suppression: Readonly<Record<string, SuppressionConfig>>,
  reports: RuleReport[],
): LoadedRule[] {
  const rules: LoadedRule[] = [];
  const firstFileById = new Map<string, string>();

  for (const candidate of candidates) {
    const missingLists: string[] = [];
    const { rule, report } = checkCandidate(candidate, {
      exceptionsFor: (fields) => exceptionsForRule(fields, exceptions, missingLists),
      suppressionFor: (ruleId) => suppression[ruleId] ?? null,
    });

    if (rule !== null) {
      const firstFile = firstFileById.get(rule.ruleId);
      if (firstFile !== undefined) {
        reports.push(duplicateReport(candidate, rule, firstFile));
        continue;
      }
      firstFileById.set(rule.ruleId, candidate.file);
      rules.push(rule);
    }
    if (missingLists.length > 0 && report.reason === null) {
      const lists = missingLists.join(', ');
      report.reason = `exception list(s) ${lists} not loaded; alerts are raised without them`;
    }
    reports.push(report);
  }
  return rules;
}

function exceptionsForRule(
  fields: RuleFields,
  exceptions: ExceptionIndex,
  missingLists: string[],
): CompiledExceptionItem[] {
  const items = [...exceptions.global];
  for (const listId of fields.exceptionListIds) {
    const listed = exceptions.byListId.get(listId);
    if (listed === undefined) missingLists.push(`'${listId}'`);
    else items.push(...listed.filter((item) => !items.includes(item)));
  }
  return items;
}

function duplicateReport(
  candidate: RuleCandidate,
  rule: LoadedRule,
  firstFile: string,
): RuleReport {
  const message =
    `Duplicate rule_id '${rule.ruleId}': already loaded from ${firstFile}; ` +
    'this copy is ignored';
  return {
    ...fileErrorReport(
      candidate.file,
      'RULE_DUPLICATE_ID',
      message,
      candidate.line === undefined ? {} : { line: candidate.line },
    ),
    rule_id: rule.ruleId,
    name: rule.name,
  };
}

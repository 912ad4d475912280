/**
 * Kibana's saved-objects export (NDJSON): one JSON object per line. A rule export carries the
 * rules, then the exception lists and items the rules reference, then a summary line
 * (`{"exported_count": …}`); an exception-list export carries a list, its items and a summary.
 * Rules become candidates; list and item lines become exception lists (attached later to the
 * rules whose `exceptions_list` names them); summary and action-connector lines are skipped.
 *
 * A line that is not JSON, or an exception item that does not validate, is reported with its
 * line number and the rest of the file still loads.
 */
import type { z } from 'zod';

import { exceptionItemSchema, toExceptionItem } from './exceptions.js';
import type { ExceptionItem, ExceptionList } from './exceptions.js';
import type { RuleReport } from './rule-model.js';
import { isRecord } from './rule-model.js';
import { fileErrorReport } from './rule-source.js';
import type { RuleCandidate } from './rule-source.js';

export interface ExportContents {
  candidates: RuleCandidate[];
  exceptionLists: ExceptionList[];
  reports: RuleReport[];
}

type LineKind = 'summary' | 'connector' | 'exception-item' | 'exception-list' | 'rule' | 'unknown';

/** Reads an NDJSON export of rules and/or exception lists. */
export function readKibanaExport(file: string, text: string, builtin: boolean): ExportContents {
  const contents: ExportContents = { candidates: [], exceptionLists: [], reports: [] };
  const lists = new Map<string, { name: string; items: ExceptionItem[]; line?: number }>();

  text.split('\n').forEach((lineText, index) => {
    const line = index + 1;
    if (lineText.trim() === '') return;

    const parsed = parseJsonLine(file, lineText, line, contents.reports);
    if (parsed === null) return;

    switch (classifyLine(parsed)) {
      case 'summary':
      case 'connector':
        return;
      case 'rule':
        contents.candidates.push({ file, line, raw: parsed, queryStart: null, builtin });
        return;
      case 'exception-list':
        listFor(lists, String(parsed.list_id), line).name = stringOr(parsed.name, '');
        return;
      case 'exception-item':
        readItemLine(file, parsed, line, lists, contents.reports);
        return;
      case 'unknown': {
        const message = 'Line is neither a rule, an exception list or item, nor an export summary';
        contents.reports.push(fileErrorReport(file, 'RULE_EXPORT_LINE', message, { line }));
      }
    }
  });

  for (const [listId, list] of lists) {
    const origin = list.line === undefined ? { file } : { file, line: list.line };
    const name = list.name === '' ? listId : list.name;
    contents.exceptionLists.push({ listId, name, appliesToAll: false, items: list.items, origin });
  }
  return contents;
}

/** What a line of an export is, from the keys it has. */
export function classifyLine(value: Record<string, unknown>): LineKind {
  if ('exported_count' in value || 'exported_exception_list_count' in value) return 'summary';
  if ('rule_id' in value && 'type' in value) return 'rule';
  if ('entries' in value && 'list_id' in value) return 'exception-item';
  if ('list_id' in value) return 'exception-list';
  if (isRecord(value.attributes) && typeof value.type === 'string') return 'connector';
  return 'unknown';
}

function parseJsonLine(
  file: string,
  lineText: string,
  line: number,
  reports: RuleReport[],
): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(lineText);
    if (isRecord(value)) return value;
    reports.push(fileErrorReport(file, 'RULE_EXPORT_LINE', 'Line is not a JSON object', { line }));
  } catch (error) {
    const message = `Line is not valid JSON: ${(error as Error).message}`;
    reports.push(fileErrorReport(file, 'RULE_JSON_SYNTAX', message, { line }, error));
  }
  return null;
}

function readItemLine(
  file: string,
  value: Record<string, unknown>,
  line: number,
  lists: Map<string, { name: string; items: ExceptionItem[]; line?: number }>,
  reports: RuleReport[],
): void {
  const result = exceptionItemSchema.safeParse(value);
  if (!result.success) {
    const message = `Exception item is not valid: ${describeIssues(result.error)}`;
    reports.push(fileErrorReport(file, 'EXCEPTION_ITEM_INVALID', message, { line }));
    return;
  }
  const listId = result.data.list_id ?? '';
  listFor(lists, listId, line).items.push(toExceptionItem(result.data, `${file}:${line}`));
}

function listFor(
  lists: Map<string, { name: string; items: ExceptionItem[]; line?: number }>,
  listId: string,
  line: number,
) {
  let list = lists.get(listId);
  if (list === undefined) {
    list = { name: '', items: [], line };
    lists.set(listId, list);
  }
  return list;
}

/** zod issues as one sentence: `entries.0.value: expected string; …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/**
 * Turns a validated `rules` config section into the options of `loadRules`: exception files are
 * read (their lists keep their `list_id`), inline lists become exception lists, and suppression
 * settings pass through. Like `loadRules`, it only reads files.
 */
import { resolve } from 'node:path';

import type { RulesConfig } from './config-schema.js';
import { toExceptionItem } from './exceptions.js';
import type { ExceptionList } from './exceptions.js';
import type { LoadRulesOptions } from './load-rules.js';
import { loadExceptionFiles } from './load-rules.js';
import type { RuleReport } from './rule-model.js';

/**
 * The `loadRules` options a config section asks for. Relative paths resolve against
 * `baseDirectory` (the config file's directory).
 */
export async function ruleLoadOptionsFromConfig(
  config: RulesConfig,
  baseDirectory: string,
): Promise<{ options: LoadRulesOptions; reports: RuleReport[] }> {
  const lists: ExceptionList[] = [];
  const reports: RuleReport[] = [];

  for (const entry of config.exceptions) {
    if ('file' in entry) {
      const loaded = await loadExceptionFiles([resolve(baseDirectory, entry.file)]);
      const appliesToAll = entry.appliesTo === 'all';
      lists.push(...loaded.lists.map((list) => ({ ...list, appliesToAll })));
      reports.push(...loaded.reports);
      continue;
    }
    lists.push({
      listId: entry.listId,
      name: entry.name ?? entry.listId,
      appliesToAll: entry.appliesTo === 'all',
      items: entry.items.map((item, index) =>
        toExceptionItem(item, `${entry.listId}#${index + 1}`),
      ),
      origin: { file: 'config' },
    });
  }

  const options: LoadRulesOptions = {
    paths: config.paths.map((path) => resolve(baseDirectory, path)),
    builtin: config.builtin,
    exceptions: lists,
    suppression: config.suppression,
  };
  return { options, reports };
}

/**
 * The parts the agent is assembled from, behind one seam so tests (and other platforms) can
 * pass their own: the event source for a `source` config section, the delivery for the
 * outputs, the rule set for a `rules` section, and the list of processes running at start.
 */
import { dirname } from 'node:path';

import type { AgentConfig } from '../config/index.js';
import { createDelivery } from '../outputs/index.js';
import type { Delivery } from '../outputs/index.js';
import { loadRules, ruleLoadOptionsFromConfig } from '../rules/index.js';
import type { LoadedRuleSet } from '../rules/index.js';
import type { Logger } from '../shared/logger.js';
import type { SeedProcess } from '../process-table/index.js';
import { createSourceFromConfig, takeProcessSnapshot } from '../sources/index.js';
import type { EventSource } from '../sources/index.js';

/** A started source and, for `auto`, why this one was chosen. */
export interface ChosenSource {
  source: EventSource;
  reason: string | null;
}

export interface AgentCollaborators {
  createSource(config: AgentConfig['source'], logger: Logger): Promise<ChosenSource>;
  createDelivery(config: AgentConfig, logger: Logger): Delivery;
  loadRuleSet(config: AgentConfig['rules'], configDir: string): Promise<LoadedRuleSet>;
  takeProcessSnapshot(): Promise<SeedProcess[]>;
}

export const defaultCollaborators: AgentCollaborators = {
  createSource: (config, logger) => {
    const { source, reason } = createSourceFromConfig(config, { logger });
    return Promise.resolve({ source, reason });
  },
  createDelivery: (config, logger) =>
    createDelivery({ outputs: config.outputs, spool: config.spool, logger }),
  loadRuleSet: async (config, configDir) => {
    const { options, reports } = await ruleLoadOptionsFromConfig(config, configDir);
    const loaded = await loadRules(options);
    return { rules: loaded.rules, reports: [...reports, ...loaded.reports] };
  },
  takeProcessSnapshot: () => takeProcessSnapshot(),
};

/** The directory relative rule paths resolve against: the config file's. */
export function configDirectoryOf(configSources: readonly string[]): string {
  const file = configSources.find((source) => source.endsWith('.json'));
  return file === undefined ? process.cwd() : dirname(file);
}

import type { NotifyConfig } from '../../src/notify/index.js';
import { notifyConfigSchema } from '../../src/notify/index.js';
import type { EcsDocument } from '../../src/shared/types.js';

export function makeNotifyConfig(overrides: Partial<NotifyConfig> = {}): NotifyConfig {
  return { ...notifyConfigSchema.parse({}), ...overrides };
}

const SCORES = { low: 21, medium: 47, high: 73, critical: 99 } as const;

export function makeAlert(
  options: {
    ruleId?: string;
    ruleName?: string;
    severity?: keyof typeof SCORES;
    commandLine?: string;
  } = {},
): EcsDocument {
  const ruleId = options.ruleId ?? 'rule-a';
  return {
    rule: { id: ruleId, name: options.ruleName ?? `Rule ${ruleId}` },
    event: { kind: 'alert', severity: SCORES[options.severity ?? 'high'] },
    process: {
      name: 'mount_smbfs',
      pid: 42,
      command_line: options.commandLine ?? 'mount_smbfs //u@h/s /Volumes/s',
    },
  };
}

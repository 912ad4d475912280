/**
 * Builders for rules and events shared by the rules and detect tests. Rules compile their query
 * with the real EQL compiler, so a test rule behaves exactly as a loaded one.
 */
import { compileQuery } from '../../src/eql/index.js';
import type { LoadedRule } from '../../src/rules/index.js';
import type { EcsDocument } from '../../src/shared/types.js';

export const SEED_RULE_ID = 'b56305f6-44d0-48af-88c8-a28c64f5569b';

export function makeRule(overrides: Partial<LoadedRule> & { query?: string } = {}): LoadedRule {
  const query = overrides.query ?? 'process where process.name : "mount_smbfs"';
  return {
    ruleId: 'rule-1',
    name: 'Test rule',
    description: 'A rule for tests',
    severity: 'low',
    riskScore: 21,
    references: [],
    author: ['execwatch tests'],
    license: null,
    version: 1,
    tags: [],
    threat: [],
    maxSignals: 100,
    intervalMs: 300_000,
    index: [],
    language: 'eql',
    query,
    compiled: compileQuery(query),
    origin: { file: 'test.toml' },
    builtin: false,
    exceptionListIds: [],
    exceptions: [],
    suppression: null,
    categoriesUnavailable: [],
    ...overrides,
  };
}

let nextEventNumber = 1;

/** A macOS process start event; `process` and `user` keys merge into the defaults. */
export function makeEvent(
  overrides: {
    process?: Record<string, unknown>;
    user?: Record<string, unknown>;
    host?: Record<string, unknown>;
    [key: string]: unknown;
  } = {},
): EcsDocument {
  const number = nextEventNumber++;
  const { process, user, host, ...rest } = overrides;
  return {
    '@timestamp': new Date(Date.UTC(2026, 11, 1, 9, 0, 0, number)).toISOString(),
    event: {
      id: `evt-${number}`,
      kind: 'event',
      category: ['process'],
      type: ['start'],
      action: 'exec',
    },
    host: { name: 'mbp-alice', os: { type: 'macos' }, ...host },
    user: { name: 'alice', id: '501', ...user },
    process: {
      pid: 1000 + number,
      name: 'mount_smbfs',
      executable: '/sbin/mount_smbfs',
      args: ['mount_smbfs', '//alice@nas/share', '/Volumes/share'],
      command_line: 'mount_smbfs //alice@nas/share /Volumes/share',
      parent: { executable: '/bin/zsh', name: 'zsh' },
      ...process,
    },
    ...rest,
  } as EcsDocument;
}

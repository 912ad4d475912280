/**
 * The one configuration schema of the agent, composed from the sections each stage owns. Every
 * key has a default, so an empty file (or none) is a working configuration; durations end in
 * `Ms`, sizes in `Bytes`. Unknown top-level keys are errors, so a typo never goes unnoticed.
 */
import { z } from 'zod';

import { notifyConfigSchema } from '../notify/config-schema.js';
import { outputsConfigSchema, spoolConfigSchema } from '../outputs/config-schema.js';
import { rulesConfigSchema } from '../rules/config-schema.js';
import { sourceConfigSchema } from '../sources/config-schema.js';

/** Where the agent keeps its state file (`status.json`) unless told otherwise. */
export const DEFAULT_STATE_DIR = '/Library/Application Support/execwatch';

const agentSectionSchema = z
  .strictObject({
    /** Directory of `status.json`, the health report `execwatch status` reads. */
    stateDir: z.string().min(1).default(DEFAULT_STATE_DIR),
    /** How often the health report is rewritten. */
    statusIntervalMs: z.int().min(100).max(3_600_000).default(5_000),
    /** On SIGTERM/SIGINT: time to finish events, flush the spool and close outputs. */
    shutdownDeadlineMs: z.int().min(100).max(300_000).default(10_000),
    logLevel: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    /** `json` for a LaunchDaemon's log file, `text` for a terminal. */
    logFormat: z.enum(['json', 'text']).default('json'),
  })
  .prefault({});

/** The whole configuration, as read from the config file and the managed preferences. */
export const configSchema = z.strictObject({
  agent: agentSectionSchema,
  source: sourceConfigSchema,
  rules: rulesConfigSchema,
  outputs: outputsConfigSchema.default([]),
  /** `directory` defaults to `<agent.stateDir>/spool` (filled in by `loadConfig`). */
  spool: spoolConfigSchema,
  notify: notifyConfigSchema,
});

export type AgentConfig = z.infer<typeof configSchema>;

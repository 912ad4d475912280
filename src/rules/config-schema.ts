/**
 * The `rules` section of execwatch's configuration: where rules come from, exceptions that tune
 * them without editing them, alert suppression per rule, and the bound on sequence state. Every
 * key has a default, so an empty section loads the built-in pack alone.
 *
 * Exception items are written in Kibana's own format (snake_case `entries`, as its exports
 * carry them), so an item can move between Kibana and the config file unchanged.
 */
import { z } from 'zod';

import { exceptionItemSchema } from './exceptions.js';

/** `listed`: rules whose `exceptions_list` names the list; `all`: every rule. */
const appliesToSchema = z.enum(['listed', 'all']).default('listed');

const exceptionFileSchema = z.strictObject({
  /** A Kibana exception-list export (NDJSON): its lists keep their `list_id`. */
  file: z.string().min(1),
  appliesTo: appliesToSchema,
});

const inlineExceptionListSchema = z.strictObject({
  /** Rules reference the list by this id in `exceptions_list`. */
  listId: z.string().min(1),
  name: z.string().optional(),
  appliesTo: appliesToSchema,
  items: z.array(exceptionItemSchema).min(1),
});

const suppressionSchema = z.strictObject({
  /** ECS fields whose values form the suppression key; empty: one key for the whole rule. */
  groupBy: z.array(z.string().min(1)).default([]),
  /** How long after the first alert of a key later ones are counted instead of sent. */
  durationMs: z
    .int()
    .min(1)
    .max(30 * 86_400_000),
  missingFields: z.enum(['suppress', 'doNotSuppress']).default('suppress'),
});

export const rulesConfigSchema = z
  .strictObject({
    /** Rule files or directories (detection-rules TOML, Kibana NDJSON export, JSON). */
    paths: z.array(z.string().min(1)).default([]),
    /** Load execwatch's built-in pack as well. */
    builtin: z.boolean().default(true),
    exceptions: z.array(z.union([exceptionFileSchema, inlineExceptionListSchema])).default([]),
    /** Alert suppression per rule id; replaces the rule's own `alert_suppression`. */
    suppression: z.record(z.string().min(1), suppressionSchema).default({}),
    /** Live partial sequence matches per rule before the oldest is evicted (and counted). */
    maxPendingMatches: z.int().min(1).max(1_000_000).default(10_000),
  })
  .prefault({});

export type RulesConfig = z.output<typeof rulesConfigSchema>;
export type RulesConfigInput = z.input<typeof rulesConfigSchema>;

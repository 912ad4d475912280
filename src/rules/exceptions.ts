/**
 * Rule exceptions in Kibana's exception-list format. An exception item is a list of entries
 * that must all hold; an event that satisfies any item of a list a rule uses raises no alert for
 * that rule. Items compile once, at load, into predicates over ECS documents.
 *
 * Semantics follow how Kibana turns entries into Elasticsearch queries:
 * - `match` is a term query: exact and case-sensitive; `match_any` the same over several values;
 * - `wildcard` is a wildcard query: `*` any run, `?` one character, `\` escapes, case-sensitive;
 * - `exists` holds when the field has a value;
 * - `excluded` negates the entry, so an `excluded` entry on a missing field holds;
 * - `nested` holds when one element of the object array at `field` satisfies all its entries;
 * - on an array field an entry holds when any element does;
 * - `list` (value lists stored in Elasticsearch) cannot be read on a host: such an item is
 *   reported and left out, which errs on the side of more alerts, never fewer.
 * Items whose `expire_time` has passed when they load are left out, as Kibana ignores them.
 */
import { z } from 'zod';

import { readFieldNodes, readFieldValues } from './field-values.js';

const operatorSchema = z.enum(['included', 'excluded']).default('included');

const leafEntrySchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('match'),
    field: z.string().min(1),
    operator: operatorSchema,
    value: z.string(),
  }),
  z.looseObject({
    type: z.literal('match_any'),
    field: z.string().min(1),
    operator: operatorSchema,
    value: z.array(z.string()).min(1),
  }),
  z.looseObject({
    type: z.literal('wildcard'),
    field: z.string().min(1),
    operator: operatorSchema,
    value: z.string(),
  }),
  z.looseObject({ type: z.literal('exists'), field: z.string().min(1), operator: operatorSchema }),
  z.looseObject({
    type: z.literal('list'),
    field: z.string().min(1),
    operator: operatorSchema,
    list: z.looseObject({ id: z.string(), type: z.string() }),
  }),
]);

const entrySchema = z.union([
  leafEntrySchema,
  z.looseObject({
    type: z.literal('nested'),
    field: z.string().min(1),
    entries: z.array(leafEntrySchema).min(1),
  }),
]);

/** One exception item as Kibana exports it (snake_case; unknown keys kept and ignored). */
export const exceptionItemSchema = z.looseObject({
  item_id: z.string().min(1).optional(),
  list_id: z.string().min(1).optional(),
  name: z.string().default(''),
  description: z.string().optional(),
  type: z.literal('simple').default('simple'),
  namespace_type: z.enum(['single', 'agnostic']).default('single'),
  entries: z.array(entrySchema).min(1),
  expire_time: z.string().nullable().optional(),
});

export type ExceptionItemInput = z.input<typeof exceptionItemSchema>;
export type ExceptionEntry = z.output<typeof entrySchema>;
type LeafEntry = z.output<typeof leafEntrySchema>;

/** An exception item ready to compile. */
export interface ExceptionItem {
  itemId: string;
  name: string;
  entries: ExceptionEntry[];
  expireTime: string | null;
}

/**
 * A set of exception items. Rules use it when their `exceptions_list` names `listId`, or all
 * rules when `appliesToAll` (a config-level list).
 */
export interface ExceptionList {
  listId: string;
  name: string;
  appliesToAll: boolean;
  items: ExceptionItem[];
  origin: { file: string; line?: number };
}

export interface CompiledExceptionItem {
  listId: string;
  itemId: string;
  name: string;
  /** True when the document satisfies every entry: the alert must not be raised. */
  matches(document: unknown): boolean;
}

/** Why an item was left out at compile time (a value list, or expired). */
export interface SkippedExceptionItem {
  listId: string;
  itemId: string;
  origin: { file: string; line?: number };
  reason: string;
}

type Predicate = (document: unknown) => boolean;

/**
 * Compiles the items of the lists; items that cannot run here are returned in `skipped` with
 * the reason. `nowMs` decides which items have expired.
 */
export function compileExceptionLists(
  lists: readonly ExceptionList[],
  nowMs: number,
): { compiled: CompiledExceptionItem[]; skipped: SkippedExceptionItem[] } {
  const compiled: CompiledExceptionItem[] = [];
  const skipped: SkippedExceptionItem[] = [];

  for (const list of lists) {
    for (const item of list.items) {
      const reason = reasonToSkip(item, nowMs);
      if (reason !== null) {
        skipped.push({ listId: list.listId, itemId: item.itemId, origin: list.origin, reason });
        continue;
      }
      const predicates = item.entries.map(compileEntry);
      compiled.push({
        listId: list.listId,
        itemId: item.itemId,
        name: item.name,
        matches: (document) => predicates.every((predicate) => predicate(document)),
      });
    }
  }
  return { compiled, skipped };
}

/** Converts a validated Kibana item into an `ExceptionItem`; `fallbackId` names it if unnamed. */
export function toExceptionItem(
  parsed: z.output<typeof exceptionItemSchema>,
  fallbackId: string,
): ExceptionItem {
  return {
    itemId: parsed.item_id ?? fallbackId,
    name: parsed.name,
    entries: parsed.entries,
    expireTime: parsed.expire_time ?? null,
  };
}

function reasonToSkip(item: ExceptionItem, nowMs: number): string | null {
  const usesValueList = item.entries.some(
    (entry) =>
      entry.type === 'list' ||
      (entry.type === 'nested' && entry.entries.some((inner) => inner.type === 'list')),
  );
  if (usesValueList) {
    return (
      `exception item '${item.itemId}' uses a value list (entry type 'list'), which lives in ` +
      'Elasticsearch and cannot be read on the host; the item is ignored'
    );
  }

  if (item.expireTime !== null && Date.parse(item.expireTime) <= nowMs) {
    return `exception item '${item.itemId}' expired at ${item.expireTime}; the item is ignored`;
  }
  return null;
}

function compileEntry(entry: ExceptionEntry): Predicate {
  if (entry.type === 'nested') return compileNested(entry.field, entry.entries);
  return compileLeaf(entry);
}

function compileNested(field: string, entries: LeafEntry[]): Predicate {
  const predicates = entries.map(compileLeaf);
  return (document) =>
    readFieldNodes(document, field).some((element) =>
      predicates.every((predicate) => predicate(element)),
    );
}

function compileLeaf(entry: LeafEntry): Predicate {
  const holds = compilePositive(entry);
  if (entry.operator === 'excluded') return (document) => !holds(document);
  return holds;
}

function compilePositive(entry: LeafEntry): Predicate {
  const field = entry.field;
  switch (entry.type) {
    case 'match': {
      const want = entry.value;
      return (document) => readFieldValues(document, field).some((v) => asText(v) === want);
    }
    case 'match_any': {
      const wanted = new Set(entry.value);
      return (document) => readFieldValues(document, field).some((v) => wanted.has(asText(v)));
    }
    case 'wildcard': {
      const pattern = compileWildcard(entry.value);
      return (document) => readFieldValues(document, field).some((v) => pattern.test(asText(v)));
    }
    case 'exists':
      return (document) => readFieldValues(document, field).length > 0;
    case 'list':
      // Never compiled: reasonToSkip leaves such items out.
      return () => false;
  }
}

/** An Elasticsearch wildcard pattern as an anchored regular expression. */
export function compileWildcard(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] ?? '';
    if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else if (char === '\\' && i + 1 < pattern.length) {
      i += 1;
      source += escapeRegExp(pattern[i] ?? '');
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 'u');
}

function escapeRegExp(char: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(char) ? `\\${char}` : char;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

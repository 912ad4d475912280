/**
 * Checks a document against the ECS field definitions of the `@elastic/ecs` package: every leaf
 * must be a defined field (or sit under an `object`/`flattened`/`nested` one), its value must
 * fit the field's type, fields normalized as arrays must be arrays, and fields with allowed
 * values may only hold those. Returns one sentence per problem; an empty list means valid.
 */
import { EcsFlat } from '@elastic/ecs';

type FieldDefinition = {
  type: string;
  normalize?: string[];
  allowed_values?: Array<{ name: string }>;
};

const FIELDS = EcsFlat as unknown as Record<string, FieldDefinition>;
const OPEN_TYPES = new Set(['object', 'flattened', 'nested']);
const INTEGER_TYPES = new Set(['long', 'integer']);
const NUMBER_TYPES = new Set(['float', 'double', 'scaled_float']);
const STRING_TYPES = new Set(['keyword', 'wildcard', 'match_only_text', 'constant_keyword', 'ip']);

export function validateEcsDocument(document: Record<string, unknown>): string[] {
  const problems: string[] = [];
  walk(document, '', problems);
  return problems;
}

function walk(value: unknown, path: string, problems: string[]): void {
  const definition = FIELDS[path];
  if (definition !== undefined) {
    checkField(path, value, definition, problems);
    return;
  }
  if (isUnderOpenField(path)) return;

  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      walk(child, path === '' ? key : `${path}.${key}`, problems);
    }
    return;
  }
  problems.push(`${path} is not an ECS field`);
}

function checkField(path: string, value: unknown, field: FieldDefinition, problems: string[]) {
  const isArrayField = field.normalize?.includes('array') === true;
  if (isArrayField && !Array.isArray(value)) problems.push(`${path} must be an array`);

  const values = Array.isArray(value) ? value : [value];
  for (const item of values) {
    const problem = checkType(item, field.type);
    if (problem !== null) problems.push(`${path} ${problem}`);

    const allowed = field.allowed_values?.map((a) => a.name);
    if (allowed !== undefined && !allowed.includes(String(item))) {
      problems.push(`${path} has "${String(item)}", not one of its allowed values`);
    }
  }
}

function checkType(value: unknown, type: string): string | null {
  if (OPEN_TYPES.has(type)) return null;
  if (INTEGER_TYPES.has(type))
    return Number.isInteger(value) ? null : `must be an integer (${type})`;
  if (NUMBER_TYPES.has(type))
    return typeof value === 'number' ? null : `must be a number (${type})`;
  if (type === 'boolean') return typeof value === 'boolean' ? null : 'must be a boolean';
  if (type === 'date') return isDate(value) ? null : 'must be an ISO 8601 date';
  if (STRING_TYPES.has(type))
    return typeof value === 'string' ? null : `must be a string (${type})`;
  return null;
}

function isDate(value: unknown): boolean {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function isUnderOpenField(path: string): boolean {
  const parts = path.split('.');
  for (let end = parts.length - 1; end > 0; end -= 1) {
    const prefix = parts.slice(0, end).join('.');
    const definition = FIELDS[prefix];
    if (definition !== undefined) return OPEN_TYPES.has(definition.type);
  }
  return false;
}

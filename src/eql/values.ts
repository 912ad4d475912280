/**
 * Value semantics shared by the compiler and the interpreter: what a field value is, how two
 * values compare, and how a predicate treats multi-valued fields.
 *
 * A runtime value is a JSON scalar, `null` for "missing", or an array for a multi-valued field
 * (nested arrays count as one flat list of values). Objects reached as leaf values carry no
 * scalar meaning in EQL and count as missing. The invariants, as Elasticsearch has them:
 * numbers compare as numbers and strings as strings (UTF-16 code unit order, like Java); values of
 * different types are never equal and never ordered; a predicate over a multi-valued field holds
 * when it holds for any element. Nothing here throws on event data.
 */

/** A comparison outcome for ordered types, or null when the two values are not comparable. */
export type Order = -1 | 0 | 1 | null;

/** True when the value stands for "no value": missing, JSON null, an object, or an empty list. */
export function isMissing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0 || value.every(isMissing);
  return typeof value === 'object';
}

/** A scalar (string, number, boolean) or null; objects and undefined become null. */
export function toScalar(value: unknown): string | number | boolean | null {
  const kind = typeof value;
  if (kind === 'string' || kind === 'number' || kind === 'boolean') {
    return value as string | number | boolean;
  }
  return null;
}

/** Calls `test` on each scalar of a possibly multi-valued value; true if any call is true. */
export function anyScalar(value: unknown, test: (scalar: unknown) => boolean): boolean {
  if (!Array.isArray(value)) return test(value);
  for (const element of value) {
    if (anyScalar(element, test)) return true;
  }
  return false;
}

/** Strict EQL equality of two scalars: same type and same value; null equals nothing here. */
export function scalarEquals(left: unknown, right: unknown): boolean {
  if (left === null || left === undefined) return false;
  return left === right && typeof left !== 'object';
}

/** Order of two scalars of the same ordered type (number or string), otherwise null. */
export function scalarOrder(left: unknown, right: unknown): Order {
  const bothNumbers = typeof left === 'number' && typeof right === 'number';
  const bothStrings = typeof left === 'string' && typeof right === 'string';
  if (!bothNumbers && !bothStrings) return null;
  if (bothNumbers && (Number.isNaN(left) || Number.isNaN(right))) return null;
  if (left === right) return 0;
  return (left as string | number) < (right as string | number) ? -1 : 1;
}

/**
 * `==` between two runtime values: any element of the left equals any element of the right;
 * `null == null` (including a missing field compared with the literal null) is true, which
 * makes `field == null` the "field is absent" test Elasticsearch documents.
 */
export function valuesEqual(left: unknown, right: unknown): boolean {
  const leftMissing = isMissing(left);
  const rightMissing = isMissing(right);
  if (leftMissing || rightMissing) return leftMissing && rightMissing;
  return anyScalar(left, (l) => anyScalar(right, (r) => scalarEquals(l, r)));
}

/** `<`, `<=`, `>`, `>=` between runtime values, any-element, false on mixed types or null. */
export function valuesCompare(
  left: unknown,
  right: unknown,
  accept: (order: -1 | 0 | 1) => boolean,
) {
  return anyScalar(left, (l) =>
    anyScalar(right, (r) => {
      const order = scalarOrder(l, r);
      return order !== null && accept(order);
    }),
  );
}

/** True for a JSON integer or an integer-valued number (JSON cannot tell 4 from 4.0). */
export function isIntegral(value: number): boolean {
  return Number.isInteger(value);
}

/**
 * A scalar as Elasticsearch prints it into a string (`concat`, `string`): integers without a
 * decimal point, booleans as `true`/`false`. Returns null for null.
 */
export function formatScalar(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  return null;
}

/** The first scalar of a possibly multi-valued value (functions take single values), or null. */
export function firstScalar(value: unknown): string | number | boolean | null {
  if (!Array.isArray(value)) return toScalar(value);
  for (const element of value) {
    const scalar = firstScalar(element);
    if (scalar !== null) return scalar;
  }
  return null;
}

/** The truth of a value used as a condition: `true`, or a list holding `true`. */
export function isTrue(value: unknown): boolean {
  if (value === true) return true;
  return Array.isArray(value) && value.some(isTrue);
}

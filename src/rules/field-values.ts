/**
 * Reads a dotted ECS field out of a document that may be nested (`{"process": {"name": …}}`),
 * dotted (`{"process.name": …}`) or any mix of the two, as Elasticsearch's field resolution
 * does. Arrays anywhere on the path are walked, so the result is every leaf value the field has;
 * an empty result means the field is missing. Nulls count as missing.
 */

/** Every non-null leaf value of `field` (`a.b.c`) in `document`, arrays flattened. */
export function readFieldValues(document: unknown, field: string): unknown[] {
  const out: unknown[] = [];
  collect(document, field.split('.'), 0, out);
  return out;
}

/** The parts of a document reached by `field` (objects included), for `nested` exceptions. */
export function readFieldNodes(document: unknown, field: string): unknown[] {
  const out: unknown[] = [];
  collect(document, field.split('.'), 0, out, false);
  return out;
}

function collect(node: unknown, parts: string[], index: number, out: unknown[], leaves = true) {
  if (node === null || node === undefined) return;

  if (Array.isArray(node)) {
    for (const element of node) collect(element, parts, index, out, leaves);
    return;
  }

  if (index === parts.length) {
    if (!leaves || typeof node !== 'object') out.push(node);
    return;
  }
  if (typeof node !== 'object') return;

  // Try every split of the remaining path into a key that may itself contain dots.
  const record = node as Record<string, unknown>;
  for (let end = index + 1; end <= parts.length; end += 1) {
    const key = parts.slice(index, end).join('.');
    if (Object.hasOwn(record, key)) collect(record[key], parts, end, out, leaves);
  }
}

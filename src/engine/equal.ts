/**
 * Value equality for settings and other JSON-like data (plain objects, arrays, primitives).
 *
 * Replaces `JSON.stringify(a) === JSON.stringify(b)`, which depends on key order, allocates two
 * strings per comparison and hides what it means. As in JSON, a key whose value is `undefined`
 * counts as absent, so `{ a: 1 }` equals `{ a: 1, b: undefined }`.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const key of keys) if (!deepEqual(x[key], y[key])) return false;
  return true;
}

/** The keys among `keys` whose values differ between `a` and `b`. */
export function differingKeys<T extends object, K extends keyof T>(
  a: T,
  b: T,
  keys: Iterable<K>,
): K[] {
  return [...keys].filter((k) => !deepEqual(a[k], b[k]));
}

/**
 * Structural equality of plain data (what JSON can hold: settings, configs), for "did it change?"
 * checks. Unlike comparing `JSON.stringify` output it does not depend on key order and allocates
 * no strings; like it, a key whose value is `undefined` counts as absent (an unset optional
 * setting). It sits in the engine, the bottom layer, so every layer may import it.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (!isObject(a) || !isObject(b)) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((value, i) => deepEqual(value, b[i]))
    );
  }
  // Class instances (dates, typed arrays, maps) are not plain data: equal only when identical.
  if (!isPlain(a) || !isPlain(b)) return false;
  const keysA = definedKeys(a);
  const keysB = definedKeys(b);
  return keysA.length === keysB.length && keysA.every((key) => deepEqual(a[key], b[key]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function definedKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}

/** The keys among `keys` whose values differ between `a` and `b`. */
export function differingKeys<T extends object, K extends keyof T>(
  a: T,
  b: T,
  keys: Iterable<K>,
): K[] {
  return [...keys].filter((k) => !deepEqual(a[k], b[k]));
}

import { describe, expect, it } from 'vitest';

import { deepEqual, differingKeys } from './equal';

describe('deepEqual', () => {
  it('compares primitives by value', () => {
    expect(deepEqual(1, 1)).toBe(true);
    expect(deepEqual('a', 'a')).toBe(true);
    expect(deepEqual(1, 2)).toBe(false);
    expect(deepEqual(1, '1')).toBe(false);
    expect(deepEqual(null, undefined)).toBe(false);
    expect(deepEqual(0, null)).toBe(false);
  });

  it('compares nested objects and arrays structurally, whatever the key order', () => {
    const a = { lr: 2e-4, beta: [0, 0.99], opt: { kind: 'adam' } };
    expect(deepEqual(a, { opt: { kind: 'adam' }, beta: [0, 0.99], lr: 2e-4 })).toBe(true);
    expect(deepEqual(a, { ...a, beta: [0, 0.999] })).toBe(false);
    expect(deepEqual(a, { ...a, opt: { kind: 'sgd' } })).toBe(false);
    expect(deepEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(deepEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(deepEqual([[{ x: 1 }]], [[{ x: 1 }]])).toBe(true);
  });

  it('treats a key set to undefined as absent, as JSON does', () => {
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual({ a: 1, b: null }, { a: 1 })).toBe(false);
  });
});

describe('differingKeys', () => {
  it('lists the keys whose values differ, in the order asked', () => {
    const a = { gWidth: 64, customPoints: [[0, 1]], seed: 1 };
    const b = { gWidth: 64, customPoints: [[0, 2]], seed: 2 };
    expect(differingKeys(a, b, ['seed', 'gWidth', 'customPoints'])).toEqual([
      'seed',
      'customPoints',
    ]);
    expect(differingKeys(a, { ...a }, Object.keys(a) as (keyof typeof a)[])).toEqual([]);
  });
});

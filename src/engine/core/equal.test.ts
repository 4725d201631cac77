import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from './config';
import { deepEqual, differingKeys } from './equal';

describe('deepEqual', () => {
  it('compares nested settings by value', () => {
    const copy = structuredClone(DEFAULT_CONFIG);
    expect(deepEqual(DEFAULT_CONFIG, copy)).toBe(true);
    expect(deepEqual(DEFAULT_CONFIG, { ...copy, gWidth: 32 })).toBe(false);
    const lr = { ...copy, gOptimizer: { ...copy.gOptimizer, lr: 0.005 } };
    expect(deepEqual(DEFAULT_CONFIG, lr)).toBe(false);
    expect(deepEqual(DEFAULT_CONFIG, { ...copy, beta2BurnIn: 0.9 })).toBe(false);
  });

  it('ignores key order, which JSON.stringify does not', () => {
    const a = { seed: 1, dataset: 'ring8', gOptimizer: { lr: 1e-3, kind: 'adam' } };
    const b = { gOptimizer: { kind: 'adam', lr: 1e-3 }, dataset: 'ring8', seed: 1 };
    expect(JSON.stringify(a) === JSON.stringify(b)).toBe(false);
    expect(deepEqual(a, b)).toBe(true);
  });

  it('treats a key set to undefined as absent, as JSON does (an unset optional setting)', () => {
    const unset = { ...DEFAULT_CONFIG, customPoints: undefined };
    expect(deepEqual(unset, DEFAULT_CONFIG)).toBe(true);
    expect(deepEqual(DEFAULT_CONFIG, unset)).toBe(true);
    expect(deepEqual({ ...DEFAULT_CONFIG, customPoints: [] }, DEFAULT_CONFIG)).toBe(false);
    expect(deepEqual({ a: null }, {})).toBe(false);
  });

  it('compares arrays element by element (custom points)', () => {
    const points: [number, number][] = [
      [0, 1],
      [2, -3],
    ];
    expect(deepEqual(points, structuredClone(points))).toBe(true);
    expect(deepEqual(points, [[0, 1]])).toBe(false);
    expect(deepEqual(points, [points[1], points[0]])).toBe(false);
    expect(deepEqual([1, 2], { 0: 1, 1: 2, length: 2 })).toBe(false);
    expect(deepEqual([], {})).toBe(false);
  });

  it('tells apart values of different types, and only equal primitives match', () => {
    expect(deepEqual(1, '1')).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual(0, -0)).toBe(true);
    expect(deepEqual(NaN, NaN)).toBe(true);
    expect(deepEqual(1, 2)).toBe(false);
    expect(deepEqual('adam', 'adam')).toBe(true);
  });

  it('takes class instances as equal only when they are the same object', () => {
    const date = new Date(0);
    expect(deepEqual(date, date)).toBe(true);
    expect(deepEqual(new Date(0), new Date(0))).toBe(false);
    expect(deepEqual(new Float32Array([1]), new Float32Array([1]))).toBe(false);
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

import { describe, expect, it } from 'vitest';

import {
  appendBounded,
  emptyHistory,
  historyPoints,
  mergePoints,
  type HistoryPoint,
} from './downsample';

const row = (step: number, value: number | null = step): HistoryPoint => ({ step, value });

describe('mergePoints', () => {
  it('averages every field, including the step', () => {
    expect(mergePoints(row(10, 1), row(20, 3))).toEqual({ step: 15, value: 2 });
  });

  it('weights the points by how many rows they stand for', () => {
    expect(mergePoints(row(0, 0), row(4, 4), 3, 1)).toEqual({ step: 1, value: 1 });
  });

  it('keeps the value that exists when the other is missing or not finite', () => {
    expect(mergePoints(row(0, null), row(2, 4))).toEqual({ step: 1, value: 4 });
    expect(mergePoints(row(0, NaN), row(2, null))).toEqual({ step: 1, value: null });
  });
});

describe('appendBounded', () => {
  it('keeps every row below the cap', () => {
    const history = appendBounded(emptyHistory(), [row(0), row(1)], 10);
    const out = appendBounded(history, [row(2)], 10);
    expect(historyPoints(out).map((p) => p.step)).toEqual([0, 1, 2]);
    expect(history.points).toHaveLength(2); // not modified
  });

  it('never exceeds the cap over a long run, stays ordered, and spans the whole run', () => {
    let history = emptyHistory<HistoryPoint>();
    for (let step = 0; step < 50_000; step += 10) {
      history = appendBounded(history, [row(step, 1)], 1000);
      expect(historyPoints(history).length).toBeLessThanOrEqual(1001);
    }
    const points = historyPoints(history);
    for (let i = 1; i < points.length; i++) {
      expect(points[i].step).toBeGreaterThan(points[i - 1].step);
    }
    expect(points.length).toBeGreaterThan(500);
    expect(points[0].step).toBeLessThan(100);
    expect(points.at(-1)!.step).toBeGreaterThan(49_000);
    for (const p of points) expect(p.value).toBe(1);
  });

  it('every point is the mean of the same number of rows (no bias towards old rows)', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => row(i, i));
    const out = appendBounded(emptyHistory(), rows, 16);
    expect(out.points.length).toBeLessThanOrEqual(16);
    const stride = out.stride;
    out.points.forEach((p, k) => {
      // Rows k·stride … (k+1)·stride − 1: mean step = value = k·stride + (stride − 1)/2.
      expect(p.step).toBeCloseTo(k * stride + (stride - 1) / 2);
      expect(p.value).toBeCloseTo(p.step);
    });
  });

  it('accepts a batch larger than the cap in one call', () => {
    const out = appendBounded(
      emptyHistory(),
      Array.from({ length: 5000 }, (_, i) => row(i)),
      100,
    );
    expect(out.points.length).toBeLessThanOrEqual(100);
    const total = out.points.length * out.stride + out.partialCount;
    expect(total).toBe(5000);
  });

  it('rejects a cap that cannot be halved', () => {
    expect(() => appendBounded(emptyHistory(), [], 5)).toThrow();
  });
});

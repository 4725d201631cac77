import { describe, expect, it } from 'vitest';
import { cellKind, cellStrength, coverageSummary, modeDigits, modeMapLayout } from './modeMap';

describe('Stacked MNIST mode map layout', () => {
  const layout = modeMapLayout(6, 8);

  it('maps every mode to its own cell and back', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 1000; index++) {
      const [x, y] = layout.cellOrigin(index);
      expect(x + 6).toBeLessThanOrEqual(layout.width);
      expect(y + 6).toBeLessThanOrEqual(layout.height);
      seen.add(`${x},${y}`);
      expect(layout.modeAt(x + 3, y + 3)).toBe(index);
    }
    expect(seen.size).toBe(1000);
  });

  it('red digit picks the panel, green the row, blue the column', () => {
    expect(modeDigits(472)).toEqual([4, 7, 2]);
    const [x0, y0] = layout.cellOrigin(400);
    expect(layout.cellOrigin(472)).toEqual([x0 + 2 * 6, y0 + 7 * 6]);
    expect(layout.cellOrigin(500)[1]).toBeGreaterThan(y0); // second row of panels
  });

  it('has no mode in the gaps between panels', () => {
    expect(layout.modeAt(60 + 2, 5)).toBeNull();
    expect(layout.modeAt(-1, 5)).toBeNull();
    expect(layout.modeAt(5, layout.height + 1)).toBeNull();
  });

  it('cell strength: 0 when empty, visible when seen once, saturates above uniform', () => {
    expect(cellStrength(0, 1000)).toBe(0);
    expect(cellStrength(1, 10_000)).toBeGreaterThan(0.2);
    expect(cellStrength(10, 10_000)).toBeCloseTo(0.625);
    expect(cellStrength(100, 10_000)).toBe(1);
  });

  it('summarises coverage: real data covers all, a collapsed generator one mode', () => {
    expect(coverageSummary(new Array(1000).fill(10))).toMatchObject({
      covered: 1000,
      total: 10_000,
    });
    const collapsed = new Array(1000).fill(0);
    collapsed[123] = 500;
    const summary = coverageSummary(collapsed);
    expect(summary.covered).toBe(1);
    expect(summary.missingByRed[1]).toBe(99);
    expect(summary.missingByRed[0]).toBe(100);
  });
});

describe('mode map cell kinds', () => {
  it('separates modes found by confident samples from modes found only by unsure ones', () => {
    expect(cellKind(0, 0)).toBe('empty');
    expect(cellKind(5, 2)).toBe('confident');
    expect(cellKind(5, 0)).toBe('unsure');
    // An evaluation saved before the confident measure: covered, confidence unknown.
    expect(cellKind(5, undefined)).toBe('covered');
    expect(cellKind(0, undefined)).toBe('empty');
  });
});

/** Mode coverage and reverse KL on hand-made histograms (gan-facts.md §2.3). */
import { describe, expect, it } from 'vitest';
import { CONFIDENT_PROBABILITY, confidentCoverage, modeCoverage } from './stackedMetrics';

describe('modeCoverage', () => {
  it('one repeated mode: 1 mode, KL = ln K', () => {
    const m = modeCoverage(new Array(500).fill(123));
    expect(m.modesCovered).toBe(1);
    expect(m.totalModes).toBe(1000);
    expect(m.reverseKL).toBeCloseTo(Math.log(1000), 12);
    expect(m.histogram[123]).toBe(500);
    expect(m.evalSamples).toBe(500);
  });

  it('every mode exactly once: all modes, KL = 0', () => {
    const m = modeCoverage(Array.from({ length: 1000 }, (_, i) => i));
    expect(m.modesCovered).toBe(1000);
    expect(m.reverseKL).toBeCloseTo(0, 12);
  });

  it('two modes, half each: KL = ln(K/2)', () => {
    const m = modeCoverage([7, 999, 7, 999]);
    expect(m.modesCovered).toBe(2);
    expect(m.reverseKL).toBeCloseTo(Math.log(500), 12);
  });

  it('a skewed histogram over K = 4 matches Σ p ln(pK) by hand', () => {
    // p = (1/2, 1/4, 1/4, 0): ½ ln 2 + ¼ ln 1 + ¼ ln 1 = 0.34657…
    const m = modeCoverage([0, 0, 1, 2], 4);
    expect(m.modesCovered).toBe(3);
    expect(m.reverseKL).toBeCloseTo(0.5 * Math.log(2), 12);
    expect(m.histogram).toEqual([2, 1, 1, 0]);
    expect(m.klFloor).toBeCloseTo(3 / 8, 12);
  });

  it('reports the finite-sample floor (K−1)/(2N)', () => {
    expect(modeCoverage(new Uint16Array(10_000)).klFloor).toBeCloseTo(0.04995, 5);
    expect(modeCoverage(new Uint16Array(26_000)).klFloor).toBeCloseTo(0.0192, 4);
  });

  it('the floor is what a perfect uniform generator scores on average', () => {
    // Seeded LCG draws, uniform over 1000 modes: E[KL] ≈ 999/(2·5000) ≈ 0.0999.
    let state = 12345;
    const draws = () =>
      Array.from({ length: 5000 }, () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return Math.floor((state / 2 ** 32) * 1000);
      });
    let mean = 0;
    for (let r = 0; r < 20; r++) mean += modeCoverage(draws()).reverseKL / 20;
    expect(mean).toBeGreaterThan(0.08);
    expect(mean).toBeLessThan(0.12);
  });

  it('rejects indices outside the modes and empty input', () => {
    expect(() => modeCoverage([1000])).toThrow(/outside 0..999/);
    expect(() => modeCoverage([-1])).toThrow(/outside/);
    expect(() => modeCoverage([1.5])).toThrow(/outside/);
    expect(() => modeCoverage([])).toThrow(/at least one/);
  });
});

describe('confidentCoverage', () => {
  it('counts only samples whose least legible digit reaches the threshold', () => {
    // Modes 1, 2, 3 are confident (3 exactly at the threshold); 4 and 5 are not.
    const c = confidentCoverage([1, 2, 2, 3, 4, 5], [0.99, 0.95, 0.91, 0.9, 0.89, 0.2]);
    expect(CONFIDENT_PROBABILITY).toBe(0.9);
    expect(c.confidentShare).toBeCloseTo(4 / 6, 12);
    expect(c.confidentModesCovered).toBe(3);
    expect(c.confidentHistogram[2]).toBe(2);
    expect(c.confidentHistogram[4]).toBe(0);
    expect(c.confidentHistogram.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('one repeated confident triple covers 1 mode; no confident sample covers none', () => {
    const one = confidentCoverage(new Array(300).fill(456), new Array(300).fill(0.97));
    expect(one.confidentModesCovered).toBe(1);
    expect(one.confidentShare).toBe(1);
    const none = confidentCoverage([1, 2, 3], [0.5, 0.6, 0.7]);
    expect(none.confidentModesCovered).toBe(0);
    expect(none.confidentShare).toBe(0);
    expect(none.confidentHistogram).toHaveLength(1000);
  });

  it('rejects confidences that do not match the samples', () => {
    expect(() => confidentCoverage([1, 2], [0.95])).toThrow(/1 confidences for 2 samples/);
  });
});

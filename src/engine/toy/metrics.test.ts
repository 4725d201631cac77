import { describe, expect, it } from 'vitest';
import { makeToyDataset } from './datasets';
import { modeMetrics, slicedWasserstein } from './metrics';
import { Rng } from '../core/rng';

describe('mode metrics (VEEGAN/PacGAN protocol, 2500 samples)', () => {
  for (const name of ['grid25', 'ring8'] as const) {
    const dataset = makeToyDataset(name);
    const mixture = dataset.mixture!;

    it(`${name}: real samples cover every mode, HQ ≈ 1 − e^(−4.5), KL ≈ 0`, () => {
      const m = modeMetrics(dataset.sample(new Rng(7), 2500), mixture);
      expect(m.modesCovered).toBe(mixture.centers.length);
      expect(m.totalModes).toBe(mixture.centers.length);
      // 98.9 % expected; binomial sd over 2500 samples is 0.2 %.
      expect(m.highQuality).toBeGreaterThan(0.98);
      expect(m.highQuality).toBeLessThan(0.996);
      expect(m.reverseKL!).toBeLessThan(0.02);
    });

    it(`${name}: a generator collapsed onto one mode scores 1 mode and KL = ln K`, () => {
      const rng = new Rng(3);
      const [cx, cy] = mixture.centers[2];
      const points = new Float32Array(5000);
      for (let i = 0; i < 2500; i++) {
        points[2 * i] = cx + mixture.sigma * rng.normal();
        points[2 * i + 1] = cy + mixture.sigma * rng.normal();
      }
      const m = modeMetrics(points, mixture);
      expect(m.modesCovered).toBe(1);
      expect(m.highQuality).toBeGreaterThan(0.98);
      expect(m.reverseKL!).toBeCloseTo(Math.log(mixture.centers.length), 6);
    });
  }

  it('points between modes are not high quality; NaN points count as failures', () => {
    const { mixture } = makeToyDataset('grid25');
    const m = modeMetrics([1, 1, 0.5, 0.5, NaN, NaN, 0, 0], mixture!);
    expect(m.highQuality).toBe(0.25);
    expect(m.modesCovered).toBe(1);
  });

  it('an empty HQ set has no reverse KL (null) instead of a made-up number', () => {
    const { mixture } = makeToyDataset('grid25');
    expect(modeMetrics([1, 1], mixture!).reverseKL).toBeNull();
  });
});

describe('sliced Wasserstein distance', () => {
  it('is near 0 for two samples of the same distribution and large for a collapsed one', () => {
    for (const name of ['spiral', 'moons', 'circles', 'gaussian', 'grid25'] as const) {
      const d = makeToyDataset(name);
      const a = d.sample(new Rng(1), 2500);
      const b = d.sample(new Rng(2), 2500);
      const collapsed = new Float32Array(5000).fill(0.3);
      const same = slicedWasserstein(a, b);
      const far = slicedWasserstein(a, collapsed);
      expect(same).toBeLessThan(0.1);
      expect(far).toBeGreaterThan(5 * same);
    }
  });
});

describe('datasets', () => {
  it('are reproducible from the seed and differ across seeds', () => {
    const d = makeToyDataset('spiral');
    expect(d.sample(new Rng(5), 10)).toEqual(d.sample(new Rng(5), 10));
    expect(d.sample(new Rng(5), 10)).not.toEqual(d.sample(new Rng(6), 10));
  });

  it('custom points are validated', () => {
    expect(() => makeToyDataset('custom', { points: [] })).toThrow(/at least one point/);
    expect(() => makeToyDataset('custom', { points: [[NaN, 0]] })).toThrow(/finite/);
    const d = makeToyDataset('custom', { points: [[1, 2]], customJitter: 0 });
    expect(Array.from(d.sample(new Rng(1), 2))).toEqual([1, 2, 1, 2]);
  });
});

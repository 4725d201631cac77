/**
 * 2-D toy distributions. Mixtures expose their mode centres, weights and σ so that the
 * mode metrics (metrics.ts) can count covered modes and high-quality samples.
 *
 * Geometry (see gan-facts.md §5.1):
 * - grid25: PacGAN's grid, centres (i, j) for i, j ∈ {−4, −2, 0, 2, 4} (spacing 2), σ = 0.05.
 * - ring8: 8 Gaussians on a circle of radius 2 with σ = 0.02 (the Unrolled-GAN paper's ring;
 *   PacGAN's radius 1 / σ 0.01 is the same shape at half the scale). We use radius 2 so both
 *   mixtures live on a similar scale, which lets one γ and one learning rate serve both.
 * The continuous shapes (spiral, moons, circles, gaussian) are scaled to roughly [−3, 3].
 */
import { Rng } from '../core/rng';

export type ToyDatasetName =
  'ring8' | 'grid25' | 'spiral' | 'moons' | 'circles' | 'gaussian' | 'custom';

export const TOY_DATASET_NAMES: readonly ToyDatasetName[] = [
  'ring8',
  'grid25',
  'spiral',
  'moons',
  'circles',
  'gaussian',
  'custom',
];

/** An isotropic Gaussian mixture: what mode metrics need to know. */
export interface MixtureInfo {
  centers: [number, number][];
  weights: number[];
  sigma: number;
}

export interface ToyDataset {
  name: ToyDatasetName;
  /** Present for Gaussian mixtures (ring8, grid25). */
  mixture?: MixtureInfo;
  /** Draws n points, interleaved x0, y0, x1, y1, … */
  sample(rng: Rng, n: number): Float32Array;
}

export interface ToyDatasetOptions {
  /** Points for `custom` (e.g. drawn by the user), as [x, y] pairs. */
  points?: [number, number][];
  /** Std of the Gaussian jitter added around each custom point. */
  customJitter?: number;
}

function mixture(name: ToyDatasetName, info: MixtureInfo): ToyDataset {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of info.weights) cumulative.push((total += w));
  return {
    name,
    mixture: info,
    sample(rng, n) {
      const out = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        const u = rng.uniform() * total;
        let k = 0;
        while (k < cumulative.length - 1 && u >= cumulative[k]) k++;
        const [cx, cy] = info.centers[k];
        out[2 * i] = cx + info.sigma * rng.normal();
        out[2 * i + 1] = cy + info.sigma * rng.normal();
      }
      return out;
    },
  };
}

function continuous(name: ToyDatasetName, draw: (rng: Rng) => [number, number]): ToyDataset {
  return {
    name,
    sample(rng, n) {
      const out = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        const [x, y] = draw(rng);
        out[2 * i] = x;
        out[2 * i + 1] = y;
      }
      return out;
    },
  };
}

export function ring8Centers(radius = 2): [number, number][] {
  return Array.from({ length: 8 }, (_, k) => {
    const angle = (2 * Math.PI * k) / 8;
    return [radius * Math.cos(angle), radius * Math.sin(angle)] as [number, number];
  });
}

export function grid25Centers(): [number, number][] {
  const centers: [number, number][] = [];
  for (const i of [-4, -2, 0, 2, 4]) for (const j of [-4, -2, 0, 2, 4]) centers.push([i, j]);
  return centers;
}

export const MAX_CUSTOM_POINTS = 5000;

export function makeToyDataset(name: ToyDatasetName, options: ToyDatasetOptions = {}): ToyDataset {
  switch (name) {
    case 'ring8':
      return mixture(name, { centers: ring8Centers(), weights: Array(8).fill(1 / 8), sigma: 0.02 });
    case 'grid25':
      return mixture(name, {
        centers: grid25Centers(),
        weights: Array(25).fill(1 / 25),
        sigma: 0.05,
      });
    case 'spiral':
      // One arm of an Archimedean spiral, r ∝ angle, with small radial noise.
      return continuous(name, (rng) => {
        const t = Math.sqrt(rng.uniform()) * 3 * Math.PI + 0.5;
        const r = (t / (3 * Math.PI + 0.5)) * 2.8;
        return [r * Math.cos(t) + 0.05 * rng.normal(), r * Math.sin(t) + 0.05 * rng.normal()];
      });
    case 'moons':
      // Two interleaved half circles (as in scikit-learn's make_moons), scaled ×1.6 and centred.
      return continuous(name, (rng) => {
        const a = Math.PI * rng.uniform();
        const upper = rng.uniform() < 0.5;
        const x = upper ? Math.cos(a) : 1 - Math.cos(a);
        const y = upper ? Math.sin(a) : 0.5 - Math.sin(a);
        return [1.6 * (x - 0.5) + 0.05 * rng.normal(), 1.6 * (y - 0.25) + 0.05 * rng.normal()];
      });
    case 'circles':
      // Two concentric circles of radius 1 and 2.5, equal mass, radial noise 0.05.
      return continuous(name, (rng) => {
        const r = (rng.uniform() < 0.5 ? 1 : 2.5) + 0.05 * rng.normal();
        const a = 2 * Math.PI * rng.uniform();
        return [r * Math.cos(a), r * Math.sin(a)];
      });
    case 'gaussian':
      // One anisotropic Gaussian: std 1.2 and 0.4, rotated by 30°, centred at (0.5, −0.5).
      return continuous(name, (rng) => {
        const u = 1.2 * rng.normal();
        const v = 0.4 * rng.normal();
        const c = Math.cos(Math.PI / 6);
        const s = Math.sin(Math.PI / 6);
        return [0.5 + c * u - s * v, -0.5 + s * u + c * v];
      });
    case 'custom': {
      const points = options.points ?? [];
      if (points.length === 0) throw new Error('The custom dataset needs at least one point.');
      if (points.length > MAX_CUSTOM_POINTS)
        throw new Error(`The custom dataset holds at most ${MAX_CUSTOM_POINTS} points.`);
      for (const [x, y] of points)
        if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 10 || Math.abs(y) > 10)
          throw new Error('Custom points must be finite numbers within [−10, 10].');
      const jitter = options.customJitter ?? 0.05;
      return continuous(name, (rng) => {
        const [x, y] = points[rng.int(points.length)];
        return [x + jitter * rng.normal(), y + jitter * rng.normal()];
      });
    }
  }
}

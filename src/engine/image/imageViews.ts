/**
 * What the playground shows of an image run, computed without the DOM: a grid of samples from a
 * FIXED latent batch (the same faces evolve), real images for comparison, and latent
 * interpolation. Pixels are assembled on the CPU from one readback of the float images, because
 * the grid's rank-5 transpose is an op we would rather not trust on every backend.
 */
import type { LatentDistribution } from '../core/config';
import { viewLatents } from '../toy/latentPlane';

/** RGBA pixels of a grid of equal square tiles (generated or real images). */
export interface ImageGrid {
  /** width × height × 4 bytes. */
  pixels: Uint8ClampedArray;
  width: number;
  height: number;
  columns: number;
  rows: number;
  /** Side of one tile in pixels (28 for Stacked MNIST). */
  tile: number;
}

/** Tiles per row of a grid of `count` images: as square as possible. */
export function gridColumns(count: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(count)));
}

/** The fixed latents of an image run's sample grid (count × latentDim draws of the run's noise). */
export function imageViewLatents(
  seed: number,
  latentDim: number,
  count: number,
  distribution: LatentDistribution = 'gaussian',
): Float32Array {
  return viewLatents(seed, latentDim, count, distribution);
}

/**
 * RGBA pixels of `count` 28×28×3 images (NHWC floats in [−1, 1], clipped) laid out in a grid of
 * `columns` tiles per row, 1 px gaps filled with `gap` (grey by default); empty cells stay grey.
 */
export function imageGridPixels(
  images: ArrayLike<number>,
  count: number,
  columns = gridColumns(count),
  gap = 1,
  tile = 28,
): ImageGrid {
  const rows = Math.max(1, Math.ceil(count / columns));
  const width = columns * tile + (columns - 1) * gap;
  const height = rows * tile + (rows - 1) * gap;
  const pixels = new Uint8ClampedArray(width * height * 4).fill(96);
  const perImage = tile * tile * 3;
  if (images.length < count * perImage)
    throw new Error(`Expected ${count} images of ${perImage} values, got ${images.length} values.`);
  for (let k = 0; k < count; k++) {
    const x0 = (k % columns) * (tile + gap);
    const y0 = Math.floor(k / columns) * (tile + gap);
    for (let y = 0; y < tile; y++) {
      for (let x = 0; x < tile; x++) {
        const src = k * perImage + (y * tile + x) * 3;
        const dst = ((y0 + y) * width + x0 + x) * 4;
        for (let c = 0; c < 3; c++) pixels[dst + c] = Math.round((images[src + c] + 1) * 127.5);
        pixels[dst + 3] = 255;
      }
    }
  }
  return { pixels, width, height, columns, rows, tile };
}

/**
 * `steps` latents from a to b (both included): straight line (lerp), or spherical (slerp) —
 * along the great circle, with the norm interpolated linearly, so every point keeps the norm
 * (≈ √d) where a Gaussian's mass lies; a lerp's midpoint has norm ≈ √(d/2).
 */
export function interpolateLatents(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  steps: number,
  mode: 'lerp' | 'slerp',
): Float32Array {
  const d = a.length;
  const out = new Float32Array(steps * d);
  const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
  const na = norm(a);
  const nb = norm(b);
  let cos = 0;
  for (let i = 0; i < d; i++) cos += (a[i] / (na || 1)) * (b[i] / (nb || 1));
  const omega = Math.acos(Math.max(-1, Math.min(1, cos)));
  const spherical = mode === 'slerp' && omega > 1e-4 && na > 0 && nb > 0;
  for (let s = 0; s < steps; s++) {
    const t = steps === 1 ? 0 : s / (steps - 1);
    let wa = 1 - t;
    let wb = t;
    if (spherical) {
      // Unit-direction slerp, scaled by the linearly interpolated norm.
      const r = (1 - t) * na + t * nb;
      wa = (Math.sin((1 - t) * omega) / Math.sin(omega)) * (r / na);
      wb = (Math.sin(t * omega) / Math.sin(omega)) * (r / nb);
    }
    for (let i = 0; i < d; i++) out[s * d + i] = wa * a[i] + wb * b[i];
  }
  return out;
}

/**
 * The latent side of the playground's views, without tfjs so the UI thread can use it too:
 * the fixed latents of the point-cloud view, and the 2-D plane of latent space that the manifold
 * view draws. The UI projects the same latents onto the same plane to animate noise turning into
 * samples (ui/views/mapping.ts); the worker feeds them to G (views.ts).
 */
import type { LatentDistribution } from '../core/config';
import { Rng } from '../core/rng';

/** Rng streams of `new Rng(seed)` used by the views (evaluate.ts uses 9 and 10). */
export const VIEW_LATENT_STREAM = 11;
export const VIEW_REAL_STREAM = 12;
export const BOUNDS_STREAM = 13;
export const MANIFOLD_STREAM = 14;

/** Half-width of the latent-plane grid, in latent standard deviations (±2 holds ~95 %). */
export const MANIFOLD_SPAN = 2;

/** The point-cloud view's latents: count × latentDim draws of the run's noise, fixed by the seed. */
export function viewLatents(
  seed: number,
  latentDim: number,
  count: number,
  distribution: LatentDistribution = 'gaussian',
): Float32Array {
  return new Rng(seed).fork(VIEW_LATENT_STREAM).latents(count * latentDim, distribution);
}

/**
 * Two fixed orthonormal directions u, w of latent space (seeded). Random directions rather than
 * the first two axes so the slice does not depend on how G happens to order its inputs. With a
 * 1-D latent w vanishes (the plane collapses onto a line).
 */
export function latentPlaneBasis(seed: number, latentDim: number): [Float32Array, Float32Array] {
  const rng = new Rng(seed).fork(MANIFOLD_STREAM);
  const u = unit(rng.normals(latentDim));
  const v = rng.normals(latentDim);
  // Gram–Schmidt: v ⟂ u.
  const dot = v.reduce((s, x, i) => s + x * u[i], 0);
  for (let i = 0; i < latentDim; i++) v[i] -= dot * u[i];
  return [u, unit(v)];
}

/**
 * Latents of the generator-manifold view: a resolution × resolution grid on the plane spanned by
 * the basis u, w through the origin, z = a·u + b·w with a, b ∈ [−MANIFOLD_SPAN, MANIFOLD_SPAN];
 * row-major, row 0 at b = +span. Drawing G of this grid as a mesh shows how G folds and
 * stretches latent space onto the data (GAN Lab's manifold view; with a 16-D latent it is a 2-D
 * slice, which the UI says).
 */
export function manifoldLatents(seed: number, latentDim: number, resolution: number): Float32Array {
  if (resolution < 2) throw new Error('The manifold grid needs at least 2 lines per side.');
  const [u, w] = latentPlaneBasis(seed, latentDim);
  const out = new Float32Array(resolution * resolution * latentDim);
  for (let row = 0; row < resolution; row++) {
    const b = MANIFOLD_SPAN * (1 - (2 * row) / (resolution - 1));
    for (let col = 0; col < resolution; col++) {
      const a = MANIFOLD_SPAN * ((2 * col) / (resolution - 1) - 1);
      const base = (row * resolution + col) * latentDim;
      for (let i = 0; i < latentDim; i++) out[base + i] = a * u[i] + b * w[i];
    }
  }
  return out;
}

/**
 * Coordinates (a, b) of each latent in the plane of `latentPlaneBasis`: its projection, a·u + b·w
 * being the closest point of the plane. Interleaved a, b; the manifold grid's own latents come
 * back exactly as their grid coordinates.
 */
export function projectOntoLatentPlane(
  latents: ArrayLike<number>,
  latentDim: number,
  basis: [ArrayLike<number>, ArrayLike<number>],
): Float32Array {
  const [u, w] = basis;
  const count = Math.floor(latents.length / latentDim);
  const out = new Float32Array(count * 2);
  for (let k = 0; k < count; k++) {
    let a = 0;
    let b = 0;
    for (let i = 0; i < latentDim; i++) {
      const z = latents[k * latentDim + i];
      a += z * u[i];
      b += z * w[i];
    }
    out[2 * k] = a;
    out[2 * k + 1] = b;
  }
  return out;
}

function unit(x: ArrayLike<number>): Float32Array {
  const norm = Math.hypot(...Array.from(x)) || 1;
  return Float32Array.from(x, (value) => value / norm);
}

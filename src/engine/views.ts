/**
 * What the playground draws of a toy run, computed on the training backend:
 * - generated points from a FIXED latent batch, so the user watches the same points move;
 * - D's logits on a grid (the heatmap);
 * - transport vectors −∇ₓ ℓ_G(x) at each generated point: the direction in which G's loss pushes
 *   that sample, i.e. what D is telling G.
 * The tensor functions return tensors the caller disposes, so the worker can pack several views
 * into one readback (each `await data()` costs a GPU round trip).
 */
import * as tf from '@tensorflow/tfjs';
import type { LatentDistribution } from './config';
import type { ToyDataset } from './datasets';
import { LOSSES } from './losses';
import { Rng } from './rng';
import type { ToyGanTrainer } from './trainer';

/** Rng streams of `new Rng(seed)` used by the views (evaluate.ts uses 9 and 10). */
export const VIEW_LATENT_STREAM = 11;
export const VIEW_REAL_STREAM = 12;
export const BOUNDS_STREAM = 13;
export const MANIFOLD_STREAM = 14;

/**
 * Half-width of the latent-plane grid: ±2 standard deviations for Gaussian noise (~95 % of it),
 * ±1 for uniform noise (its whole range along an axis).
 */
export const MANIFOLD_SPAN = 2;
const MANIFOLD_SPANS: Record<LatentDistribution, number> = {
  gaussian: MANIFOLD_SPAN,
  uniform: 1,
};

/** A rectangle of the data plane. */
export interface ViewBounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * The fixed inputs of the point-cloud view, kept on the CPU so they survive a change of backend:
 * latents for G and (for losses that pair fakes with reals, e.g. RpGAN) the real partners used by
 * the transport vectors. Depends only on the seed, the latent size and distribution and the dataset, all of which
 * force a rebuild when changed.
 */
export interface ViewBatch {
  count: number;
  latentDim: number;
  /** count × latentDim draws of the run's noise distribution. */
  latents: Float32Array;
  /** count real points, interleaved x, y. Also the reference cloud the UI draws in grey. */
  real: Float32Array;
}

export function makeViewBatch(trainer: ToyGanTrainer, count: number): ViewBatch {
  const { seed, latentDim, latentDist } = trainer.config;
  return {
    count,
    latentDim,
    latents: new Rng(seed).fork(VIEW_LATENT_STREAM).latents(count * latentDim, latentDist),
    real: trainer.dataset.sample(new Rng(seed).fork(VIEW_REAL_STREAM), count),
  };
}

/**
 * A square view around the data: the bounding box of 2 000 real points, widened by 35 % (plus a
 * little) so that fakes straying outside the data stay visible.
 */
export function defaultViewBounds(dataset: ToyDataset, seed: number): ViewBounds {
  const points = dataset.sample(new Rng(seed).fork(BOUNDS_STREAM), 2000);
  let [xMin, xMax, yMin, yMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 2) {
    xMin = Math.min(xMin, points[i]);
    xMax = Math.max(xMax, points[i]);
    yMin = Math.min(yMin, points[i + 1]);
    yMax = Math.max(yMax, points[i + 1]);
  }
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  const half = (Math.max(xMax - xMin, yMax - yMin) / 2) * 1.35 + 0.25;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
}

/**
 * Centres of an n×n grid of cells over `bounds`, interleaved x, y, in image order: row 0 is the
 * TOP row (y near yMax), column 0 the left (x near xMin); cell (row, col) is index row·n + col.
 */
export function gridPoints(bounds: ViewBounds, resolution: number): Float32Array {
  const n = resolution;
  const out = new Float32Array(n * n * 2);
  const dx = (bounds.xMax - bounds.xMin) / n;
  const dy = (bounds.yMax - bounds.yMin) / n;
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const i = row * n + col;
      out[2 * i] = bounds.xMin + (col + 0.5) * dx;
      out[2 * i + 1] = bounds.yMax - (row + 0.5) * dy;
    }
  }
  return out;
}

/** D's logits at the grid points of `gridPoints(bounds, resolution)`: shape [n·n]. */
export function discriminatorGrid(
  trainer: ToyGanTrainer,
  bounds: ViewBounds,
  resolution: number,
): tf.Tensor1D {
  const n2 = resolution * resolution;
  return tf.tidy(() => {
    const grid = tf.tensor2d(gridPoints(bounds, resolution), [n2, 2]);
    return tf.reshape(trainer.discriminator.apply(grid), [n2]) as tf.Tensor1D;
  });
}

/**
 * Points of the generator (the trained one by default, which is what D sees and what the
 * transport vectors act on; pass useEma to draw the EMA copy instead) on the batch's latents.
 */
export function generatedPoints(
  trainer: ToyGanTrainer,
  batch: ViewBatch,
  useEma = false,
): tf.Tensor2D {
  const g = useEma && trainer.emaGenerator ? trainer.emaGenerator : trainer.generator;
  return tf.tidy(() => g.apply(tf.tensor2d(batch.latents, [batch.count, batch.latentDim])));
}

/**
 * Transport vectors: −∂ℓ_G/∂x at each fake point x, where ℓ_G is the per-sample generator loss
 * of the run's adversarial loss (the batch mean's gradient times the batch size). For losses that
 * compare each fake with a real partner (RpGAN), `real` supplies the partners, row for row.
 * Shape [n, 2], like `fake`.
 */
export function transportVectors(
  trainer: ToyGanTrainer,
  fake: tf.Tensor2D,
  real: tf.Tensor2D | null,
): tf.Tensor2D {
  const loss = LOSSES[trainer.config.loss];
  const n = fake.shape[0];
  if (loss.generatorNeedsReal && (real === null || real.shape[0] !== n)) {
    throw new Error(`The ${loss.name} loss needs ${n} real partners for the transport vectors.`);
  }
  const d = trainer.discriminator;
  return tf.tidy(() => {
    // D(real) is a constant for G, as in the trainer's generator step.
    const realLogits = loss.generatorNeedsReal && real ? d.apply(real) : tf.zeros([n, 1]);
    const lossTimesMinusN = (x: tf.Tensor) =>
      tf.mul(loss.generator(realLogits, d.apply(x as tf.Tensor2D)), -n);
    return tf.grad(lossTimesMinusN)(fake) as tf.Tensor2D;
  });
}

/**
 * Latents of the generator-manifold view: a resolution × resolution grid on the plane spanned by
 * two fixed orthonormal directions u, v of latent space through the origin, z = a·u + b·v with
 * a, b ∈ [−span, span] (MANIFOLD_SPANS); row-major, row 0 at b = +span. Drawing G of this grid
 * as a mesh shows how G folds and stretches latent space onto the data (GAN Lab's manifold view;
 * with a 16-D latent it is a 2-D slice, which the UI says). Random directions rather than the
 * first two axes so the slice does not depend on how G happens to order its inputs.
 */
export function manifoldLatents(
  seed: number,
  latentDim: number,
  resolution: number,
  distribution: LatentDistribution = 'gaussian',
): Float32Array {
  const span = MANIFOLD_SPANS[distribution];
  if (resolution < 2) throw new Error('The manifold grid needs at least 2 lines per side.');
  const rng = new Rng(seed).fork(MANIFOLD_STREAM);
  const u = unit(rng.normals(latentDim));
  const v = rng.normals(latentDim);
  // Gram–Schmidt: v ⟂ u. With a 1-D latent v vanishes and the grid collapses onto a line.
  const dot = v.reduce((s, x, i) => s + x * u[i], 0);
  for (let i = 0; i < latentDim; i++) v[i] -= dot * u[i];
  const w = unit(v);
  const out = new Float32Array(resolution * resolution * latentDim);
  for (let row = 0; row < resolution; row++) {
    const b = span * (1 - (2 * row) / (resolution - 1));
    for (let col = 0; col < resolution; col++) {
      const a = span * ((2 * col) / (resolution - 1) - 1);
      const base = (row * resolution + col) * latentDim;
      for (let i = 0; i < latentDim; i++) out[base + i] = a * u[i] + b * w[i];
    }
  }
  return out;
}

function unit(x: ArrayLike<number>): Float32Array {
  const norm = Math.hypot(...Array.from(x)) || 1;
  return Float32Array.from(x, (value) => value / norm);
}

/** G (the trained one, as for the point cloud) on `manifoldLatents`: shape [resolution², 2]. */
export function manifoldPoints(trainer: ToyGanTrainer, latents: Float32Array): tf.Tensor2D {
  const dim = trainer.config.latentDim;
  return tf.tidy(() => trainer.generator.apply(tf.tensor2d(latents, [latents.length / dim, dim])));
}

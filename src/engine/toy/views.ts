/**
 * What the playground draws of a toy run, computed on the training backend:
 * - generated points from a FIXED latent batch, so the user watches the same points move;
 * - D's logits on a grid (the heatmap);
 * - transport vectors −∇ₓ ℓ_G(x) at each generated point: the direction in which G's loss pushes
 *   that sample, i.e. what D is telling G.
 * The tensor functions return tensors the caller disposes, so the worker can pack several views
 * into one readback (each `await data()` costs a GPU round trip).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ToyDataset } from './datasets';
import { LOSSES } from '../core/losses';
import { BOUNDS_STREAM, VIEW_REAL_STREAM, viewLatents } from './latentPlane';
import { Rng } from '../core/rng';
import type { ToyGanTrainer } from '../core/trainer';

export {
  BOUNDS_STREAM,
  MANIFOLD_SPAN,
  MANIFOLD_STREAM,
  manifoldLatents,
  VIEW_LATENT_STREAM,
  VIEW_REAL_STREAM,
} from './latentPlane';

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
    latents: viewLatents(seed, latentDim, count, latentDist),
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

/** G (the trained one, as for the point cloud) on `manifoldLatents`: shape [resolution², 2]. */
export function manifoldPoints(trainer: ToyGanTrainer, latents: Float32Array): tf.Tensor2D {
  const dim = trainer.config.latentDim;
  return tf.tidy(() => trainer.generator.apply(tf.tensor2d(latents, [latents.length / dim, dim])));
}

/** What one view update computes; the worker packs the parts into one readback. */
export interface ViewInputs {
  batch: ViewBatch;
  /** The point cloud: G on the batch's latents. */
  samples: boolean;
  /** With the samples, their transport vectors. */
  transport: boolean;
  /** With the samples, G on these latents (the manifold mesh), or null. */
  manifold: Float32Array | null;
  /** D on a grid (the heatmap), or null. */
  grid: { bounds: ViewBounds; resolution: number } | null;
}

/** The views asked for: [n, 2] points and vectors, [m, 2] mesh, [r·r] logits. */
export interface ViewTensors {
  points?: tf.Tensor2D;
  transport?: tf.Tensor2D;
  manifold?: tf.Tensor2D;
  logits?: tf.Tensor1D;
}

/** The views on tfjs's ops (the reference; the fused GPU step has its own: FusedToyTrainer.fusedViews). */
export function viewTensors(trainer: ToyGanTrainer, inputs: ViewInputs): ViewTensors {
  const out: ViewTensors = {};
  const { batch } = inputs;
  if (inputs.samples) {
    out.points = generatedPoints(trainer, batch);
    if (inputs.transport) {
      const real = tf.tensor2d(batch.real, [batch.count, 2]);
      out.transport = transportVectors(trainer, out.points, real);
      real.dispose();
    }
    if (inputs.manifold) out.manifold = manifoldPoints(trainer, inputs.manifold);
  }
  if (inputs.grid) {
    out.logits = discriminatorGrid(trainer, inputs.grid.bounds, inputs.grid.resolution);
  }
  return out;
}

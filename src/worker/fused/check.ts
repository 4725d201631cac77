/**
 * Self-tests of the fused step on the active GPU backend (the worker's debug commands, run by
 * e2e/fused.spec.ts):
 * - `compareFusedWithOps`: the same config and seed trained on the op path and on the fused
 *   kernels side by side; weights (and moments), every logged diagnostic and the views (fused
 *   view kernels against the ops on the same weights) compared after the requested iterations. Diagnostics are read with `await data()` one tensor at a time, not
 *   through the log stack, so the comparison does not depend on the logging code.
 * - `checkFusedPenaltyGradients`: the fused R1/R2 weight gradient against central differences of
 *   the op path's objective (engine/core/gradientCheck.ts), for the MLP cases the kernels support.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GanConfig } from '../../engine/core/config';
import {
  PENALTY_CASES,
  penaltyGradientError,
  type GradientCheckResult,
} from '../../engine/core/gradientCheck';
import { inLogOrder } from '../../engine/core/ganUpdates';
import type { Mlp } from '../../engine/toy/mlp';
import { Rng } from '../../engine/core/rng';
import { EVAL_LATENT_STREAM } from '../../engine/toy/evaluate';
import { LOG_FIELDS, ToyGanTrainer } from '../../engine/core/trainer';
import {
  defaultViewBounds,
  makeViewBatch,
  manifoldLatents,
  viewTensors,
  type ViewInputs,
  type ViewTensors,
} from '../../engine/toy/views';
import type { FusedCheckEvent } from '../../protocol';
import { FusedToyTrainer } from './fusedTrainer';
import { registerFusedKernels, runPlan, type FusedBackend } from './kernels';
import { BUFFERS, discriminatorGradientOnlyPlan, isSupportedLoss, netLayout } from './plan';

type Comparison = FusedCheckEvent['comparisons'][number];

/** ‖a − b‖∞ / ‖b‖∞ (0 when both are 0). */
function relativeMax(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff === 0 ? 0 : diff / Math.max(scale, 1e-12);
}

/** Every tensor's values, read back in one readback (as snapshots do), split on the CPU. */
async function values(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  if (tensors.length === 0) return [];
  const flat = tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(t, [-1]))));
  const data = (await flat.data()) as Float32Array;
  flat.dispose();
  let offset = 0;
  return tensors.map((t) => data.slice(offset, (offset += t.size)));
}

export async function compareFusedWithOps(
  config: GanConfig,
  at: number[],
  backend: FusedBackend,
  prefix: string,
): Promise<Omit<FusedCheckEvent, 'type' | 'requestId' | 'backend'>> {
  const never = Number.MAX_SAFE_INTEGER;
  const ops = new ToyGanTrainer(config, never, `${prefix}ops/`);
  const fused = new FusedToyTrainer(config, never, `${prefix}fused/`, backend);
  try {
    await fused.checkKernels();
    const comparisons: Comparison[] = [];
    const last = Math.max(...at);
    for (let it = 1; it <= last; it++) {
      const compare = at.includes(it);
      const diag = [ops.iterate(compare), fused.iterate(compare)];
      if (!compare) continue;
      const opsDiag = await values(diag[0] ? inLogOrder(diag[0].d, diag[0].g) : []);
      const fusedDiag = await values(diag[1] ? inLogOrder(diag[1].d, diag[1].g) : []);
      tf.dispose(diag.flatMap((d) => (d ? [...d.d, ...d.g] : [])));
      const opsVars = await values(ops.variables);
      const fusedVars = await values(fused.variables);
      const errors = opsVars.map((v, i) => relativeMax(fusedVars[i], v));
      const worst = errors.indexOf(Math.max(...errors));
      comparisons.push({
        iteration: it,
        views: await compareViews(fused),
        weights: errors[worst],
        worstVariable: ops.variables[worst].name,
        diagnostics: LOG_FIELDS.map((field, i) => {
          const o = opsDiag[i]?.[0] ?? NaN;
          const f = fusedDiag[i]?.[0] ?? NaN;
          return {
            field,
            ops: o,
            fused: f,
            relative: Math.abs(f - o) / Math.max(Math.abs(o), 1e-6),
          };
        }),
      });
    }
    return { stepPath: fused.stepPath, fallbackReason: fused.fallbackReason, comparisons };
  } finally {
    ops.dispose();
    fused.dispose();
  }
}

const VIEW_PARTS = ['points', 'transport', 'manifold', 'logits'] as const;

/**
 * Every view (points, transport vectors, manifold mesh, heatmap logits) and the evaluations'
 * samples through the fused kernels against the op path's, on the fused trainer's current
 * weights: ‖fused − ops‖∞ / ‖ops‖∞.
 */
async function compareViews(fused: FusedToyTrainer): Promise<Comparison['views']> {
  if (fused.stepPath !== 'fused') return []; // its views are the op path's
  const { seed, latentDim } = fused.config;
  const inputs: ViewInputs = {
    batch: makeViewBatch(fused, 96),
    samples: true,
    transport: true,
    manifold: manifoldLatents(seed, latentDim, 6),
    grid: { bounds: defaultViewBounds(fused.dataset, seed), resolution: 12 },
  };
  const parts = (views: ViewTensors | null) =>
    VIEW_PARTS.map((part) => {
      const tensor = views?.[part];
      if (!tensor) throw new Error(`the fused views have no ${part}`);
      return tensor;
    });
  // The evaluations' samples too (EMA generator when there is one), from equal random streams.
  const evalRng = () => new Rng(seed).fork(EVAL_LATENT_STREAM);
  const fusedParts = tf.tidy(() => [
    ...parts(fused.fusedViews(inputs)),
    fused.sample(64, evalRng()),
  ]);
  const opsParts = tf.tidy(() => [
    ...parts(viewTensors(fused, inputs)),
    ToyGanTrainer.prototype.sample.call(fused, 64, evalRng()),
  ]);
  const [fusedValues, opsValues] = [await values(fusedParts), await values(opsParts)];
  tf.dispose([...fusedParts, ...opsParts]);
  return [...VIEW_PARTS, 'sample' as const].map((part, i) => ({
    part,
    relative: relativeMax(fusedValues[i], opsValues[i]),
  }));
}

/** The fused plan's D gradient (adversarial + R1 + R2) on `inputs` = [B real; B fake], per variable. */
function fusedGradient(
  d: Mlp,
  inputs: tf.Tensor,
  batch: number,
  c: { loss: GanConfig['loss']; r1Gamma: number; r2Gamma: number },
): tf.Tensor[] {
  if (!isSupportedLoss(c.loss)) throw new Error(`${c.loss} has no fused kernels`);
  const layout = netLayout(d.shape);
  const plan = discriminatorGradientOnlyPlan(layout, {
    loss: c.loss,
    batch,
    inputGradient: true,
    penalty: true,
  });
  return tf.tidy(() => {
    const variables = d.storedVariables;
    const buffers = new Map<string, tf.Tensor>([
      [BUFFERS.dParams, tf.concat(variables.map((v) => tf.reshape(v, [-1])))],
      [BUFFERS.real, tf.slice(inputs, [0, 0], [batch, -1])],
      ['fake', tf.slice(inputs, [batch, 0], [batch, -1])],
    ]);
    runPlan(plan.steps, buffers, { r1Scale: c.r1Gamma / batch, r2Scale: c.r2Gamma / batch });
    const flat = buffers.get(plan.grad)!;
    return tf
      .split(
        flat,
        variables.map((v) => v.size),
      )
      .map((part, i) => tf.reshape(part, variables[i].shape));
  });
}

/** The finite-difference R1/R2 check of the fused gradient, on the cases it supports. */
export async function checkFusedPenaltyGradients(): Promise<GradientCheckResult[]> {
  registerFusedKernels();
  const results: GradientCheckResult[] = [];
  for (const c of PENALTY_CASES.filter((p) => isSupportedLoss(p.loss))) {
    const errors: number[] = [];
    for (const seed of [11, 12]) {
      errors.push(
        await penaltyGradientError(c, seed, undefined, (d, inputs, batch) =>
          fusedGradient(d, inputs, batch, c),
        ),
      );
    }
    results.push({ name: `fused ${c.name}`, relativeError: Math.max(...errors) });
  }
  return results;
}

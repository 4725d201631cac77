/**
 * Finite-difference self-test of the R1/R2/GP weight gradients (double backprop) on whatever
 * backend is active. tfjs gets second-order gradients silently wrong for some ops
 * (tfjs-second-order.md), and backends differ, so the worker runs this on the browser backends
 * (e2e) while penalties.test.ts covers cpu and wasm in Node. Reads back with `await data()` only,
 * so it is safe on WebGPU.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossName } from './lossNames';
import { LOSSES as LOSS_FUNCTIONS } from './losses';
import { Mlp } from './mlp';
import { Rng } from './rng';
import { discriminatorObjective } from './trainer';

export interface GradientCheckResult {
  name: string;
  /** |numeric − analytic| / max(1e-3, |analytic|) for one random direction, best of 3 steps. */
  relativeError: number;
}

export interface PenaltyCase {
  name: string;
  loss: LossName;
  r1Gamma: number;
  r2Gamma: number;
  gpWeight: number;
}

export const PENALTY_CASES: PenaltyCase[] = [
  { name: 'rpgan + R1', loss: 'rpgan', r1Gamma: 1, r2Gamma: 0, gpWeight: 0 },
  { name: 'rpgan + R2', loss: 'rpgan', r1Gamma: 0, r2Gamma: 1, gpWeight: 0 },
  { name: 'nsgan + R1 + R2', loss: 'nsgan', r1Gamma: 0.5, r2Gamma: 2, gpWeight: 0 },
  { name: 'wgan-gp', loss: 'wgan-gp', r1Gamma: 0, r2Gamma: 0, gpWeight: 10 },
];

const BATCH = 6;

async function scalar(t: tf.Tensor): Promise<number> {
  const value = (await t.data())[0];
  t.dispose();
  return value;
}

/**
 * Relative error of D's double-backprop weight gradient for one case and seed, in one random
 * direction, best of three step sizes. `alter` may change D after initialisation (tests use it
 * for a negative control).
 */
export async function penaltyGradientError(
  c: PenaltyCase,
  seed: number,
  alter?: (d: Mlp) => void,
): Promise<number> {
  const rng = new Rng(seed);
  const d = new Mlp(
    { inputDim: 2, width: 8, depth: 2, outputDim: 1 },
    rng,
    `gradcheck${seed}-${c.name}`,
  );
  // Non-zero biases so that every layer's bias gradient is exercised.
  for (const b of d.biases) b.assign(tf.tensor1d(rng.normals(b.size, 0.3)));
  alter?.(d);
  const rows = c.gpWeight > 0 ? 3 * BATCH : 2 * BATCH;
  const inputs = tf.tensor2d(rng.normals(rows * 2), [rows, 2]);
  const kept: tf.Tensor[] = [];
  const objective = () => {
    const parts = discriminatorObjective(d, LOSS_FUNCTIONS[c.loss], inputs, BATCH, {
      ...c,
      inputGradient: true,
    });
    if (parts.logits) kept.push(parts.logits);
    return parts.total;
  };
  const total = d.variables.reduce((n, v) => n + v.size, 0);
  const directions = d.variables.map((v) =>
    tf.tensor(rng.normals(v.size, 1 / Math.sqrt(total)), v.shape),
  );
  const { grads, value } = tf.variableGrads(objective, d.variables);
  value.dispose();
  const analytic = await scalar(
    tf.tidy(() => tf.addN(d.variables.map((v, i) => tf.sum(tf.mul(grads[v.name], directions[i]))))),
  );
  const originals = d.variables.map((v) => tf.clone(v));
  const at = async (eps: number) => {
    tf.tidy(() =>
      d.variables.forEach((v, i) => v.assign(tf.add(originals[i], tf.mul(directions[i], eps)))),
    );
    return scalar(tf.tidy(objective));
  };
  let best = Infinity;
  // One random direction V, unit length overall so eps is the real step in weight space.
  // ∇ₓD jumps where a leaky-ReLU pre-activation crosses zero, so a step that crosses a kink is
  // meaningless, and float32 makes tiny steps noisy: keep the best of a few step sizes.
  for (const eps of [1e-3, 3e-4, 1e-4]) {
    const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
    best = Math.min(best, Math.abs(numeric - analytic) / Math.max(1e-3, Math.abs(analytic)));
  }
  tf.dispose([inputs, ...kept, ...directions, ...originals, ...Object.values(grads)]);
  d.dispose();
  return best;
}

/** Runs every case on two seeds; each result is the worse of the two. */
export async function checkPenaltyGradients(): Promise<GradientCheckResult[]> {
  const results: GradientCheckResult[] = [];
  for (const c of PENALTY_CASES) {
    const errors = [await penaltyGradientError(c, 11), await penaltyGradientError(c, 12)];
    results.push({ name: c.name, relativeError: Math.max(...errors) });
  }
  return results;
}

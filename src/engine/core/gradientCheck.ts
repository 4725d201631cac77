/**
 * Finite-difference self-test of the R1/R2/GP weight gradients (double backprop) on whatever
 * backend is active. tfjs gets second-order gradients silently wrong for some ops
 * (tfjs-second-order.md), and backends differ, so the worker runs this on the browser backends
 * (e2e) while penalties.test.ts covers cpu and wasm in Node. Reads back with `await data()` only,
 * so it is safe on WebGPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LossName } from './lossNames';
import { LOSSES as LOSS_FUNCTIONS } from './losses';
import { Mlp } from '../toy/mlp';
import { Rng } from './rng';
import { discriminatorObjective } from './ganUpdates';
import { addAll } from './ops';
import {
  FULL_GROWTH,
  makeDiscriminator,
  stageSize,
  type ConvArch,
  type ConvModelSpec,
  type Growth,
} from '../image/convModels';

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
 * for a negative control). `gradient` replaces tfjs's double backprop as the analytic gradient
 * (per variable, of the same objective on `inputs` = [B real; B fake]): the fused GPU step's
 * written-out R1/R2 gradient is checked this way (src/worker/fused/check.ts).
 */
export async function penaltyGradientError(
  c: PenaltyCase,
  seed: number,
  alter?: (d: Mlp) => void,
  gradient?: (d: Mlp, inputs: tf.Tensor2D, batch: number) => tf.Tensor[],
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
  const analytic = gradient ? () => gradient(d, inputs, BATCH) : undefined;
  const best = await directionalError(d.variables, objective, rng, undefined, false, analytic);
  tf.dispose([inputs, ...kept]);
  d.dispose();
  return best;
}

/**
 * |numeric − analytic| / max(1e-3, |analytic|) of ∇_W objective along one unit direction V,
 * numeric = central difference, best of several step sizes. ∇ₓD jumps where a leaky-ReLU
 * pre-activation crosses zero, so a step that crosses a kink is meaningless, and float32 makes
 * tiny steps noisy: keep the best of a few step sizes. Restores the variables.
 *
 * V is random (drawn from `rng`); with `towardsGradient` it is (random + ĝ)/|…| where ĝ is the
 * analytic gradient's direction. Why: a random unit direction over thousands of weights sees only
 * ~|g|/√n of the gradient, which for conv nets falls below float32's finite-difference noise;
 * half of V along ĝ keeps the derivative large, and an error e in g still shows up in ⟨g, V⟩
 * through both the random half and ⟨e, ĝ⟩.
 */
async function directionalError(
  variables: tf.Variable[],
  objective: () => tf.Scalar,
  rng: Rng,
  steps = [1e-3, 3e-4, 1e-4],
  towardsGradient = false,
  analyticGradient?: () => tf.Tensor[],
): Promise<number> {
  const total = variables.reduce((n, v) => n + v.size, 0);
  let grads: tf.NamedTensorMap;
  if (analyticGradient) {
    const computed = analyticGradient();
    grads = Object.fromEntries(variables.map((v, i) => [v.name, computed[i]]));
  } else {
    const result = tf.variableGrads(objective, variables);
    result.value.dispose();
    grads = result.grads;
  }
  const gradOf = (v: tf.Variable) => grads[v.name] ?? tf.zerosLike(v);
  const random = variables.map((v) =>
    tf.tensor(rng.normals(v.size, 1 / Math.sqrt(total)), v.shape),
  );
  let directions = random;
  if (towardsGradient) {
    const gradNorm = await scalar(
      tf.tidy(() => tf.sqrt(addAll(variables.map((v) => tf.sum(tf.square(gradOf(v))))))),
    );
    directions = tf.tidy(() => {
      const mixed = variables.map((v, i) =>
        tf.add(random[i], tf.div(gradOf(v), Math.max(gradNorm, 1e-12))),
      );
      const norm = tf.sqrt(addAll(mixed.map((m) => tf.sum(tf.square(m)))));
      return mixed.map((m) => tf.div(m, norm));
    });
    tf.dispose(random);
  }
  const analytic = await scalar(
    tf.tidy(() => addAll(variables.map((v, i) => tf.sum(tf.mul(gradOf(v), directions[i]))))),
  );
  const originals = variables.map((v) => tf.clone(v));
  const at = async (eps: number) => {
    tf.tidy(() =>
      variables.forEach((v, i) => v.assign(tf.add(originals[i], tf.mul(directions[i], eps)))),
    );
    return scalar(tf.tidy(objective));
  };
  let best = Infinity;
  for (const eps of steps) {
    const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
    best = Math.min(best, Math.abs(numeric - analytic) / Math.max(1e-3, Math.abs(analytic)));
  }
  variables.forEach((v, i) => v.assign(originals[i]));
  tf.dispose([...directions, ...originals, ...Object.values(grads)]);
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

/** A convolutional D configuration for the same finite-difference check. */
export interface ConvPenaltyCase extends PenaltyCase {
  arch: ConvArch;
  mbstd: boolean;
  progressive: boolean;
  growth: Growth;
}

const conv = (
  name: string,
  arch: ConvArch,
  options: Partial<ConvPenaltyCase> = {},
): ConvPenaltyCase => ({
  name,
  arch,
  loss: 'rpgan',
  // γ large enough that the penalties, the double-backprop part, dominate the objective.
  r1Gamma: 30,
  r2Gamma: 30,
  gpWeight: 0,
  mbstd: false,
  progressive: false,
  growth: FULL_GROWTH,
  ...options,
});

/** Every D configuration: both architectures, ±minibatch std, progressive at α 0.5 and 1. */
export const CONV_PENALTY_CASES: ConvPenaltyCase[] = [
  conv('dcgan rpgan + R1 + R2', 'dcgan'),
  conv('dcgan + mbstd, nsgan + R1 + R2', 'dcgan', { mbstd: true, loss: 'nsgan', r2Gamma: 60 }),
  conv('dcgan progressive 14×14 α 0.5', 'dcgan', {
    progressive: true,
    growth: { stage: 1, alpha: 0.5 },
  }),
  conv('dcgan progressive 28×28 α 1', 'dcgan', { progressive: true }),
  conv('dcgan progressive 28×28 α 0.5 + mbstd', 'dcgan', {
    progressive: true,
    mbstd: true,
    growth: { stage: 2, alpha: 0.5 },
  }),
  conv('resnet rpgan + R1 + R2', 'resnet'),
  conv('resnet + mbstd', 'resnet', { mbstd: true }),
  conv('resnet wgan-gp', 'resnet', { loss: 'wgan-gp', r1Gamma: 0, r2Gamma: 0, gpWeight: 10 }),
  conv('resnet progressive 28×28 α 0.5', 'resnet', {
    progressive: true,
    growth: { stage: 2, alpha: 0.5 },
  }),
  conv('resnet progressive 14×14 α 1 + mbstd', 'resnet', {
    progressive: true,
    mbstd: true,
    growth: { stage: 1, alpha: 1 },
  }),
];

/**
 * Conv D for the check: stages of 2, 4 and 8 pixels (the same code as 7, 14, 28, 16× cheaper),
 * widths 4, one block per stage, 2 groups of 4 in the grouped conv.
 */
export function gradientCheckSpec(c: ConvPenaltyCase): ConvModelSpec {
  return {
    arch: c.arch,
    latentDim: 4,
    baseSize: 2,
    channels: [4, 4, 4],
    blocks: 1,
    groupSize: 4,
    expansion: 2,
    mbstd: c.mbstd,
    progressive: c.progressive,
    groupedConv: 'split',
  };
}

const CONV_BATCH = 4;
/**
 * Small steps: a conv D has thousands of leaky-ReLU kinks, and the adversarial term's slope
 * changes at each one, so central differences drift by ~1e-2 already at a step of 1e-3.
 */
const CONV_STEPS = [3e-4, 1e-4, 3e-5];

/**
 * The relative error of the R1/R2 weight gradient of one conv D configuration. `wrapLogits`
 * post-processes D's logits (tests use it for a negative control).
 */
export async function convPenaltyGradientError(
  c: ConvPenaltyCase,
  seed: number,
  wrapLogits?: (logits: tf.Tensor) => tf.Tensor,
): Promise<number> {
  const rng = new Rng(seed);
  const d = makeDiscriminator(gradientCheckSpec(c), rng, `gradcheck${seed}-${c.name}`);
  // Zero-initialised weights (biases, fix-up's last convs) get random values so that every
  // path through D carries gradient.
  for (const v of d.variables) {
    if ((await scalar(tf.tidy(() => tf.max(tf.abs(v))))) === 0)
      tf.tidy(() => v.assign(tf.tensor(rng.normals(v.size, 0.3), v.shape)));
  }
  const size = stageSize(c.growth, 2);
  const rows = (c.gpWeight > 0 ? 3 : 2) * CONV_BATCH;
  const inputs = tf.tensor4d(rng.normals(rows * size * size * 3), [rows, size, size, 3]);
  const kept: tf.Tensor[] = [];
  const objective = () => {
    const parts = discriminatorObjective(
      (x) => {
        const logits = d.apply(x as tf.Tensor4D, c.growth);
        return wrapLogits ? wrapLogits(logits) : logits;
      },
      LOSS_FUNCTIONS[c.loss],
      inputs,
      CONV_BATCH,
      { ...c, inputGradient: true },
    );
    if (parts.logits) kept.push(parts.logits);
    return parts.total;
  };
  const best = await directionalError(d.variables, objective, rng, CONV_STEPS, true);
  tf.dispose([inputs, ...kept]);
  d.dispose();
  return best;
}

/** Every conv D configuration on one seed (the worker's `debug-gradcheck` with suite 'conv'). */
export async function checkConvPenaltyGradients(
  cases: ConvPenaltyCase[] = CONV_PENALTY_CASES,
): Promise<GradientCheckResult[]> {
  const results: GradientCheckResult[] = [];
  for (const c of cases)
    results.push({ name: c.name, relativeError: await convPenaltyGradientError(c, 21) });
  return results;
}

/**
 * The two updates of a GAN iteration, shared by the toy trainer (MLPs on 2-D points) and the
 * image trainer (conv nets on 28×28×3): they differ only in what the networks are and where
 * batches come from, which `UpdateParts` abstracts. Both trainers call these so a fix to the
 * order of random draws, the lazy-regularisation rule or the diagnostics applies to both.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Optimizer } from './adam';
import type { GanConfig } from './config';
import type { LossName } from './lossNames';
import type { AdversarialLoss } from './losses';
import type { Mlp } from '../toy/mlp';
import { addAll } from './ops';
import type { ScheduledValues } from './schedule';

/** What an update needs from a trainer, for the current iteration. */
export interface UpdateParts {
  config: {
    batchSize: number;
    loss: LossName;
    lazyInterval: number;
    gpWeight: number;
    gOptimizer: GanConfig['gOptimizer'];
    dOptimizer: GanConfig['dOptimizer'];
  };
  loss: AdversarialLoss;
  /** G on a batch of latents. */
  generate: (latents: tf.Tensor2D) => tf.Tensor;
  /** D on a batch of samples: logits [N, 1]. */
  discriminate: Critic;
  generatorVariables: tf.Variable[];
  discriminatorVariables: tf.Variable[];
  gOptimizer: Optimizer;
  dOptimizer: Optimizer;
  /** A fresh real batch (the caller's data stream). */
  realBatch: () => tf.Tensor;
  /** Fresh latents (the caller's latent stream). */
  latentBatch: () => tf.Tensor2D;
  /** WGAN-GP's interpolation weights u ∈ [0, 1), one per pair (the caller's mixing stream). */
  mixWeights: (n: number) => Float32Array;
}

/**
 * One discriminator update. `dUpdate` counts D updates from 1: with lazy regularisation the
 * penalties apply on every k-th one only, multiplied by k. Returns diagnostics (kept tensors the
 * caller disposes) when `diagnose` is set: [dLoss, r1, r2, mean D(real), mean D(fake),
 * E‖∇D‖² real, E‖∇D‖² fake, ‖∇θD‖].
 */
export function discriminatorUpdate(
  parts: UpdateParts,
  s: ScheduledValues,
  dUpdate: number,
  diagnose: boolean,
): tf.Tensor[] | null {
  const c = parts.config;
  const B = c.batchSize;
  const lazy = c.lazyInterval;
  const regularise = dUpdate % lazy === 0;
  const g1 = regularise ? s.r1Gamma * lazy : 0;
  const g2 = regularise ? s.r2Gamma * lazy : 0;
  const gp = c.loss === 'wgan-gp' ? c.gpWeight : 0;
  // The draw order (real, latents, mixing) is part of a run's reproducibility: keep it.
  const real = parts.realBatch();
  const latents = parts.latentBatch();
  // One u per pair, broadcast over the sample's other axes ([B, 1] for points, [B, 1, 1, 1] for images).
  const mixU =
    gp > 0 ? tf.tensor(parts.mixWeights(B), [B, ...real.shape.slice(1).map(() => 1)]) : null;
  const kept: tf.Tensor[] = [];
  let keptLogits: tf.Tensor | null = null;
  const result = tf.tidy((): tf.Scalar | undefined => {
    const fake = parts.generate(latents);
    const rows: tf.Tensor[] = [real, fake];
    // WGAN-GP's interpolates x̂ = u·real + (1 − u)·fake.
    if (mixU) rows.push(tf.add(tf.mul(real, mixU), tf.mul(fake, tf.sub(1, mixU))));
    const inputs = tf.concat(rows, 0);
    const { value, grads } = tf.variableGrads(() => {
      const objective = discriminatorObjective(parts.discriminate, parts.loss, inputs, B, {
        r1Gamma: g1,
        r2Gamma: g2,
        gpWeight: gp,
        inputGradient: g1 > 0 || g2 > 0 || gp > 0 || diagnose,
      });
      keptLogits = objective.logits;
      if (diagnose && objective.gradSqReal && objective.gradSqFake) {
        kept.push(
          tf.keep(objective.adversarial),
          tf.keep(tf.mul(objective.gradSqReal, s.r1Gamma / 2)),
          tf.keep(tf.mul(objective.gradSqFake, s.r2Gamma / 2)),
          tf.keep(tf.mean(objective.realLogits)),
          tf.keep(tf.mean(objective.fakeLogits)),
          tf.keep(objective.gradSqReal),
          tf.keep(objective.gradSqFake),
        );
      }
      return objective.total;
    }, parts.discriminatorVariables);
    const full = withZeros(grads, parts.discriminatorVariables);
    parts.dOptimizer.apply(full, s.dLr, c.dOptimizer.beta1, s.dBeta2);
    // `value` may be the very tensor kept as the adversarial loss (no penalty): let tidy decide.
    void value;
    return diagnose ? globalNorm(Object.values(full)) : undefined;
  });
  tf.dispose([real, latents]);
  mixU?.dispose();
  (keptLogits as tf.Tensor | null)?.dispose();
  if (!diagnose || !result) {
    tf.dispose(kept);
    return null;
  }
  return [...kept, result];
}

/** One generator update. Returns [gLoss, ‖∇θG‖] (kept) when `diagnose` is set. */
export function generatorUpdate(
  parts: UpdateParts,
  s: ScheduledValues,
  diagnose: boolean,
): tf.Tensor[] | null {
  const c = parts.config;
  const latents = parts.latentBatch();
  const real = parts.loss.generatorNeedsReal ? parts.realBatch() : null;
  const out = tf.tidy((): tf.Tensor[] | undefined => {
    // D(real) is a constant for G; computing it outside variableGrads keeps it off the tape.
    const realLogits = real ? parts.discriminate(real) : tf.zeros([c.batchSize, 1]);
    const { value, grads } = tf.variableGrads(
      () => parts.loss.generator(realLogits, parts.discriminate(parts.generate(latents))),
      parts.generatorVariables,
    );
    const full = withZeros(grads, parts.generatorVariables);
    parts.gOptimizer.apply(full, s.gLr, c.gOptimizer.beta1, s.gBeta2);
    if (!diagnose) return undefined;
    return [value, globalNorm(Object.values(full))];
  });
  latents.dispose();
  real?.dispose();
  return out ?? null;
}

/**
 * The logged row of an iteration as one device tensor (LOG_FIELDS order), from the last D
 * update's and the G update's diagnostics, which it disposes.
 */
export function stackDiagnostics(dDiag: tf.Tensor[], gDiag: tf.Tensor[]): tf.Tensor1D {
  const values = tf.tidy(() => tf.stack(inLogOrder(dDiag, gDiag))) as tf.Tensor1D;
  tf.dispose([...dDiag, ...gDiag]);
  return values;
}

/** The D update's and the G update's diagnostics in LOG_FIELDS order. */
export function inLogOrder<T>(dDiag: T[], gDiag: T[]): T[] {
  const [dLoss, r1, r2, dReal, dFake, gradSqReal, gradSqFake, dGradNorm] = dDiag;
  const [gLoss, gGradNorm] = gDiag;
  return [dLoss, gLoss, r1, r2, dReal, dFake, gradSqReal, gradSqFake, dGradNorm, gGradNorm];
}

/**
 * Gradients for every variable: zeros for those the loss does not reach (the layers of a
 * progressive-growing stage not yet trained; Adam with β1 = 0 then leaves them alone). A
 * shallow copy when every variable has its gradient.
 */
function withZeros(grads: tf.NamedTensorMap, variables: tf.Variable[]): tf.NamedTensorMap {
  const full: tf.NamedTensorMap = { ...grads };
  for (const v of variables) if (!full[v.name]) full[v.name] = tf.zerosLike(v);
  return full;
}

export function globalNorm(tensors: tf.Tensor[]): tf.Scalar {
  return tf.sqrt(addAll(tensors.map((t) => tf.sum(tf.square(t))))) as tf.Scalar;
}

export interface DiscriminatorObjective {
  /** Adversarial loss plus penalties: what D minimises. */
  total: tf.Scalar;
  adversarial: tf.Scalar;
  realLogits: tf.Tensor;
  fakeLogits: tf.Tensor;
  /** Logits of every input row; kept (tf.keep) when the input gradient was taken. */
  logits: tf.Tensor | null;
  /** E‖∇ₓD‖² over the real rows and over the fake rows (null without the input gradient). */
  gradSqReal: tf.Scalar | null;
  gradSqFake: tf.Scalar | null;
}

/** A discriminator as a function from a batch of inputs (any rank) to logits [N, 1]. */
export type Critic = (x: tf.Tensor) => tf.Tensor;

/**
 * D's objective on `inputs` = [B real rows; B fake rows; (wgan-gp) B interpolates]:
 * adversarial loss + γ1/2·E‖∇ₓD(real)‖² (R1) + γ2/2·E‖∇ₓD(fake)‖² (R2) + λ·E(‖∇ₓD(x̂)‖ − 1)² (GP).
 * All penalties come from one input gradient of Σ D(inputs) (exact because D handles samples
 * independently), and the same forward pass supplies the logits. Call it inside
 * tf.variableGrads: the penalty terms are differentiated twice (double backprop). When the input
 * gradient is taken, the caller must dispose `logits` (it is kept to escape the inner tape).
 */
export function discriminatorObjective(
  discriminator: Mlp | Critic,
  loss: AdversarialLoss,
  inputs: tf.Tensor,
  batch: number,
  weights: { r1Gamma: number; r2Gamma: number; gpWeight: number; inputGradient: boolean },
): DiscriminatorObjective {
  const critic: Critic =
    typeof discriminator === 'function'
      ? discriminator
      : (x) => discriminator.apply(x as tf.Tensor2D);
  let logits: tf.Tensor2D;
  let gradSq: tf.Tensor1D | null = null;
  let keptLogits: tf.Tensor | null = null;
  if (weights.inputGradient) {
    const inputGrad = tf.grad((x: tf.Tensor) => {
      keptLogits = tf.keep(critic(x));
      return tf.sum(keptLogits);
    })(inputs);
    logits = keptLogits! as tf.Tensor2D;
    // ‖∇ₓD‖² per sample: summed over every axis but the batch (features, or H, W, C).
    const axes = inputGrad.shape.map((_, i) => i).slice(1);
    gradSq = tf.sum(tf.square(inputGrad), axes);
  } else {
    logits = critic(inputs) as tf.Tensor2D;
  }
  const realLogits = tf.slice(logits, [0, 0], [batch, 1]);
  const fakeLogits = tf.slice(logits, [batch, 0], [batch, 1]);
  const adversarial = loss.discriminator(realLogits, fakeLogits);
  let total: tf.Scalar = adversarial;
  let gradSqReal: tf.Scalar | null = null;
  let gradSqFake: tf.Scalar | null = null;
  if (gradSq) {
    gradSqReal = tf.mean(tf.slice(gradSq, [0], [batch]));
    gradSqFake = tf.mean(tf.slice(gradSq, [batch], [batch]));
    if (weights.r1Gamma > 0) total = tf.add(total, tf.mul(gradSqReal, weights.r1Gamma / 2));
    if (weights.r2Gamma > 0) total = tf.add(total, tf.mul(gradSqFake, weights.r2Gamma / 2));
    if (weights.gpWeight > 0) {
      const norms = tf.sqrt(tf.add(tf.slice(gradSq, [2 * batch], [batch]), 1e-12));
      total = tf.add(total, tf.mul(tf.mean(tf.square(tf.sub(norms, 1))), weights.gpWeight));
    }
  }
  return { total, adversarial, realLogits, fakeLogits, logits: keptLogits, gradSqReal, gradSqFake };
}

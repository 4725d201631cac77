/**
 * Adversarial losses on discriminator logits, in the sign convention where D is high on real
 * data (gan-facts.md §1.2). `real` and `fake` are [B, 1] logits; each function returns scalar
 * batch means. softplus(u) = log(1 + eᵘ), so softplus(−t) = −log σ(t).
 *
 * We never use tf.logSigmoid: its gradient closes over a disposed input and fails even at first
 * order on intermediate tensors (tfjs-second-order.md §2.4).
 */
import * as tf from '@tensorflow/tfjs-core';

import type { LossName } from './lossNames';
export { LOSS_NAMES, type LossName } from './lossNames';

export interface AdversarialLoss {
  name: LossName;
  /** D minimises this. */
  discriminator(real: tf.Tensor, fake: tf.Tensor): tf.Scalar;
  /** G minimises this. Only `fake` carries gradient; `real` is a constant (RpGAN needs it). */
  generator(real: tf.Tensor, fake: tf.Tensor): tf.Scalar;
  /** Whether the G step needs D's logits on a real batch. */
  generatorNeedsReal: boolean;
}

const mean = (t: tf.Tensor) => tf.mean(t) as tf.Scalar;

export const LOSSES: Record<LossName, AdversarialLoss> = {
  // Goodfellow et al. 2014: D maximises log D(x) + log(1 − D(G(z))); G minimises log(1 − D(G(z))).
  minimax: {
    name: 'minimax',
    discriminator: (r, f) => mean(tf.add(tf.softplus(tf.neg(r)), tf.softplus(f))),
    generator: (_r, f) => mean(tf.neg(tf.softplus(f))),
    generatorNeedsReal: false,
  },
  // Non-saturating: G maximises log D(G(z)) instead (StyleGAN2's loss).
  nsgan: {
    name: 'nsgan',
    discriminator: (r, f) => mean(tf.add(tf.softplus(tf.neg(r)), tf.softplus(f))),
    generator: (_r, f) => mean(tf.softplus(tf.neg(f))),
    generatorNeedsReal: false,
  },
  // Relativistic pairing (R3GAN Eq. 2, official code form): the i-th fake is judged against
  // the i-th real. L_D = softplus(D(fake) − D(real)), L_G = softplus(D(real) − D(fake)).
  rpgan: {
    name: 'rpgan',
    discriminator: (r, f) => mean(tf.softplus(tf.sub(f, r))),
    generator: (r, f) => mean(tf.softplus(tf.sub(r, f))),
    generatorNeedsReal: true,
  },
  // Hinge (Lim & Ye 2017; SAGAN/BigGAN).
  hinge: {
    name: 'hinge',
    discriminator: (r, f) => mean(tf.add(tf.relu(tf.sub(1, r)), tf.relu(tf.add(1, f)))),
    generator: (_r, f) => mean(tf.neg(f)),
    generatorNeedsReal: false,
  },
  // Least squares (Mao et al. 2017, targets a = 0, b = c = 1).
  lsgan: {
    name: 'lsgan',
    discriminator: (r, f) => mean(tf.mul(0.5, tf.add(tf.square(tf.sub(r, 1)), tf.square(f)))),
    generator: (_r, f) => mean(tf.mul(0.5, tf.square(tf.sub(f, 1)))),
    generatorNeedsReal: false,
  },
  // Wasserstein critic; its one-centred gradient penalty on interpolates lives in the trainer.
  'wgan-gp': {
    name: 'wgan-gp',
    discriminator: (r, f) => mean(tf.sub(f, r)),
    generator: (_r, f) => mean(tf.neg(f)),
    generatorNeedsReal: false,
  },
};

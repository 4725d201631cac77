import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from './backend';
import { LOSSES, type LossName } from './losses';

const softplus = (u: number) => Math.log(1 + Math.exp(u));
const real = [1.5, -0.5];
const fake = [0.25, -2];
const meanOf = (f: (i: number) => number) => (f(0) + f(1)) / 2;

/** Hand-computed values from the formulas in gan-facts.md §1 (D high on reals). */
const EXPECTED: Record<LossName, { d: number; g: number }> = {
  minimax: {
    d: meanOf((i) => softplus(-real[i]) + softplus(fake[i])),
    g: meanOf((i) => -softplus(fake[i])),
  },
  nsgan: {
    d: meanOf((i) => softplus(-real[i]) + softplus(fake[i])),
    g: meanOf((i) => softplus(-fake[i])),
  },
  rpgan: {
    d: meanOf((i) => softplus(fake[i] - real[i])),
    g: meanOf((i) => softplus(real[i] - fake[i])),
  },
  hinge: {
    d: meanOf((i) => Math.max(0, 1 - real[i]) + Math.max(0, 1 + fake[i])),
    g: meanOf((i) => -fake[i]),
  },
  lsgan: {
    d: meanOf((i) => 0.5 * (real[i] - 1) ** 2 + 0.5 * fake[i] ** 2),
    g: meanOf((i) => 0.5 * (fake[i] - 1) ** 2),
  },
  'wgan-gp': { d: meanOf((i) => fake[i] - real[i]), g: meanOf((i) => -fake[i]) },
};

describe('adversarial losses', () => {
  beforeAll(() => useNodeBackend('cpu'));

  it.each(Object.keys(EXPECTED) as LossName[])('%s matches hand-computed values', (name) => {
    const r = tf.tensor2d(real, [2, 1]);
    const f = tf.tensor2d(fake, [2, 1]);
    expect(LOSSES[name].discriminator(r, f).arraySync()).toBeCloseTo(EXPECTED[name].d, 5);
    expect(LOSSES[name].generator(r, f).arraySync()).toBeCloseTo(EXPECTED[name].g, 5);
    tf.dispose([r, f]);
  });

  it('RpGAN pairs the i-th fake with the i-th real, not all pairs', () => {
    const r = tf.tensor2d([0, 10], [2, 1]);
    const f = tf.tensor2d([0, 10], [2, 1]);
    // Paired differences are all zero: loss = softplus(0) = ln 2 (all-pairs would differ).
    expect(LOSSES.rpgan.discriminator(r, f).arraySync()).toBeCloseTo(Math.log(2), 6);
    tf.dispose([r, f]);
  });
});

/**
 * Finite-difference checks of the R1/R2 (and WGAN-GP) weight gradients: the double-backprop
 * path that tfjs gets silently wrong for several ops (tfjs-second-order.md). Every op our D uses
 * (custom dense and leaky ReLU, concat, slice, sum, square, sqrt, mean, softplus) is on this path.
 * Runs on every Node backend we ship; the browser backends are checked by the worker's self-test.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend, NODE_BACKENDS } from './backend';
import { PENALTY_CASES, penaltyGradientError, type PenaltyCase } from './gradientCheck';
import { Mlp } from '../toy/mlp';
import { Rng } from './rng';

/** The worker's self-test cases plus hinge with both penalties. */
const CASES: PenaltyCase[] = [
  ...PENALTY_CASES,
  { name: 'hinge + R1 + R2', loss: 'hinge', r1Gamma: 1, r2Gamma: 1, gpWeight: 0 },
];

/**
 * Negative control: tf.tanh's gradient reads its saved output, which tfjs's double backprop
 * silently treats as a constant (tfjs-second-order.md §2.3).
 */
function useTanh(d: Mlp): void {
  d.apply = (x) => {
    let h: tf.Tensor2D = x;
    d.weights.forEach((w, i) => {
      h = tf.add(tf.matMul(h, w), d.biases[i]);
      if (i < d.weights.length - 1) h = tf.tanh(h);
    });
    return h;
  };
}

describe.each(NODE_BACKENDS)('R1/R2 weight gradients match finite differences on %s', (backend) => {
  beforeAll(async () => {
    await useNodeBackend(backend);
  });
  it.each(CASES)('$loss with R1 γ=$r1Gamma, R2 γ=$r2Gamma, GP λ=$gpWeight', async (c) => {
    for (const seed of [11, 12]) expect(await penaltyGradientError(c, seed)).toBeLessThan(1e-2);
  });

  it('detects a silently wrong second-order gradient (tanh) — the check can fail', async () => {
    const errors = [];
    for (const seed of [11, 12]) errors.push(await penaltyGradientError(CASES[0], seed, useTanh));
    expect(Math.max(...errors)).toBeGreaterThan(5e-2);
  });

  it('gives the same input gradient norms as finite differences on x', async () => {
    const rng = new Rng(5);
    const d = new Mlp({ inputDim: 2, width: 8, depth: 2, outputDim: 1 }, rng, 'Dfd-input');
    for (const b of d.biases) b.assign(tf.tensor1d(rng.normals(b.size, 0.3)));
    const x = tf.tensor2d([0.3, -0.7], [1, 2]);
    const g = tf.grad((xx: tf.Tensor) => tf.sum(d.apply(xx as tf.Tensor2D)))(x);
    const analytic = g.arraySync() as number[][];
    const eps = 1e-3;
    const at = (dx: number, dy: number) =>
      tf.tidy(
        () => d.apply(tf.tensor2d([0.3 + dx, -0.7 + dy], [1, 2])).arraySync() as number[][],
      )[0][0];
    const numeric = [
      (at(eps, 0) - at(-eps, 0)) / (2 * eps),
      (at(0, eps) - at(0, -eps)) / (2 * eps),
    ];
    expect(analytic[0][0]).toBeCloseTo(numeric[0], 3);
    expect(analytic[0][1]).toBeCloseTo(numeric[1], 3);
    tf.dispose([x, g]);
    d.dispose();
  });
});

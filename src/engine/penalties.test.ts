/**
 * Finite-difference checks of the R1/R2 (and WGAN-GP) weight gradients: the double-backprop
 * path that tfjs gets silently wrong for several ops (tfjs-second-order.md). Every op our D uses
 * (custom dense and leaky ReLU, concat, slice, sum, square, sqrt, mean, softplus) is on this path.
 * Runs on every Node backend we ship; the browser backends are checked by the worker's self-test.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend, NODE_BACKENDS } from './backend';
import { LOSSES, type LossName } from './losses';
import { Mlp } from './mlp';
import { Rng } from './rng';
import { discriminatorObjective } from './trainer';

interface Case {
  loss: LossName;
  r1Gamma: number;
  r2Gamma: number;
  gpWeight: number;
}

const CASES: Case[] = [
  { loss: 'rpgan', r1Gamma: 1, r2Gamma: 0, gpWeight: 0 },
  { loss: 'rpgan', r1Gamma: 0, r2Gamma: 1, gpWeight: 0 },
  { loss: 'nsgan', r1Gamma: 0.5, r2Gamma: 2, gpWeight: 0 },
  { loss: 'hinge', r1Gamma: 1, r2Gamma: 1, gpWeight: 0 },
  { loss: 'wgan-gp', r1Gamma: 0, r2Gamma: 0, gpWeight: 10 },
];

const B = 6;

function setup(seed: number) {
  const rng = new Rng(seed);
  const d = new Mlp({ inputDim: 2, width: 8, depth: 2, outputDim: 1 }, rng, `Dfd${seed}`);
  // Non-zero biases so that every layer's bias gradient is exercised.
  for (const b of d.biases) b.assign(tf.tensor1d(rng.normals(b.size, 0.3)));
  const rows = (c: Case) => (c.gpWeight > 0 ? 3 * B : 2 * B);
  const inputsFor = (c: Case) => tf.tensor2d(rng.normals(rows(c) * 2), [rows(c), 2]);
  return { d, rng, inputsFor };
}

/** Runs `body` with D's objective; the kept logits are disposed only after `body` is done. */
function withObjective<T>(
  d: Mlp,
  c: Case,
  inputs: tf.Tensor2D,
  body: (f: () => tf.Scalar) => T,
): T {
  const kept: tf.Tensor[] = [];
  const f = () => {
    const parts = discriminatorObjective(d, LOSSES[c.loss], inputs, B, {
      ...c,
      inputGradient: true,
    });
    if (parts.logits) kept.push(parts.logits);
    return parts.total;
  };
  const result = body(f);
  tf.dispose(kept);
  return result;
}

async function relativeError(
  backend: 'wasm' | 'cpu',
  c: Case,
  seed: number,
  brokenActivation = false,
): Promise<number> {
  await useNodeBackend(backend);
  const { d, rng, inputsFor } = setup(seed);
  if (brokenActivation) {
    // Negative control: tf.tanh's gradient reads its saved output, which tfjs's double
    // backprop silently treats as a constant (tfjs-second-order.md §2.3).
    d.apply = (x) => {
      let h: tf.Tensor2D = x;
      d.weights.forEach((w, i) => {
        h = tf.add(tf.matMul(h, w), d.biases[i]);
        if (i < d.weights.length - 1) h = tf.tanh(h);
      });
      return h;
    };
  }
  const inputs = inputsFor(c);
  const { grads, value } = withObjective(d, c, inputs, (f) => tf.variableGrads(f, d.variables));
  value.dispose();
  // One random direction V over all weights: compare <∇L, V> with central differences.
  // Unit-length overall, so eps is the real step length in weight space.
  const total = d.variables.reduce((n, v) => n + v.size, 0);
  const directions = d.variables.map((v) =>
    tf.tensor(rng.normals(v.size, 1 / Math.sqrt(total)), v.shape),
  );
  const analytic = tf.tidy(() =>
    tf.addN(d.variables.map((v, i) => tf.sum(tf.mul(grads[v.name], directions[i])))).arraySync(),
  ) as number;
  const originals = d.variables.map((v) => tf.clone(v));
  const evaluateAt = (eps: number) =>
    tf.tidy(() => {
      d.variables.forEach((v, i) => v.assign(tf.add(originals[i], tf.mul(directions[i], eps))));
      return withObjective(d, c, inputs, (f) => f().arraySync() as number);
    });
  let best = Infinity;
  for (const eps of [1e-3, 3e-4, 1e-4]) {
    // ∇ₓD jumps where a leaky-ReLU pre-activation crosses zero, so a step that crosses a kink
    // is meaningless, and float32 makes tiny steps noisy: keep the best of a few step sizes.
    const numeric = (evaluateAt(eps) - evaluateAt(-eps)) / (2 * eps);
    best = Math.min(best, Math.abs(numeric - analytic) / Math.max(1e-3, Math.abs(analytic)));
  }
  d.variables.forEach((v, i) => v.assign(originals[i]));
  tf.dispose([inputs, ...directions, ...originals, ...Object.values(grads)]);
  d.dispose();
  return best;
}

describe.each(NODE_BACKENDS)('R1/R2 weight gradients match finite differences on %s', (backend) => {
  beforeAll(async () => {
    await useNodeBackend(backend);
  });
  it.each(CASES)('$loss with R1 γ=$r1Gamma, R2 γ=$r2Gamma, GP λ=$gpWeight', async (c) => {
    for (const seed of [11, 12]) expect(await relativeError(backend, c, seed)).toBeLessThan(1e-2);
  });

  it('detects a silently wrong second-order gradient (tanh) — the check can fail', async () => {
    const errors = [];
    for (const seed of [11, 12]) errors.push(await relativeError(backend, CASES[0], seed, true));
    expect(Math.max(...errors)).toBeGreaterThan(5e-2);
  });

  it('gives the same input gradient norms as finite differences on x', async () => {
    const { d } = setup(5);
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

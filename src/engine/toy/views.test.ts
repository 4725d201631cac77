import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../core/backend';
import type { GanConfig } from '../core/config';
import { tinyConfig } from '../testing/tinyConfig';
import type { Mlp } from './mlp';
import { LEAKY_SLOPE } from '../core/ops';
import { ToyGanTrainer } from '../core/trainer';
import {
  defaultViewBounds,
  discriminatorGrid,
  generatedPoints,
  gridPoints,
  makeViewBatch,
  MANIFOLD_SPAN,
  manifoldLatents,
  manifoldPoints,
  transportVectors,
} from './views';

const SMALL: GanConfig = tinyConfig({ batchSize: 32 });

/** D evaluated point by point in plain JavaScript from its weights (independent of tfjs ops). */
async function mlpByHand(mlp: Mlp, points: Float32Array): Promise<number[]> {
  const weights = await Promise.all(mlp.weights.map((w) => w.data()));
  const biases = await Promise.all(mlp.biases.map((b) => b.data()));
  const out: number[] = [];
  for (let p = 0; p < points.length / 2; p++) {
    let h = [points[2 * p], points[2 * p + 1]];
    weights.forEach((w, layer) => {
      const outDim = biases[layer].length;
      const next = Array.from({ length: outDim }, (_, j) => {
        let s = biases[layer][j];
        for (let i = 0; i < h.length; i++) s += h[i] * w[i * outDim + j];
        return s;
      });
      const hidden = layer < weights.length - 1;
      h = hidden ? next.map((v) => (v > 0 ? v : LEAKY_SLOPE * v)) : next;
    });
    out.push(h[0]);
  }
  return out;
}

async function values(t: tf.Tensor): Promise<number[]> {
  const data = Array.from(await t.data());
  t.dispose();
  return data;
}

describe('views', () => {
  let trainer: ToyGanTrainer;
  beforeAll(async () => {
    await useNodeBackend('cpu');
    trainer = new ToyGanTrainer(SMALL, 10);
    for (let i = 0; i < 3; i++) trainer.step();
    await trainer.flushLogs();
  });
  afterAll(() => trainer.dispose());

  it('lays the grid out in image order: row 0 at the top, cell centres', () => {
    const bounds = { xMin: -2, xMax: 2, yMin: -1, yMax: 1 };
    const g = gridPoints(bounds, 4);
    expect(g.length).toBe(32);
    expect([g[0], g[1]]).toEqual([-1.5, 0.75]); // top-left cell
    expect([g[6], g[7]]).toEqual([1.5, 0.75]); // top-right
    expect([g[30], g[31]]).toEqual([1.5, -0.75]); // bottom-right
  });

  it('heatmap has n×n logits equal to D evaluated by hand at the grid points', async () => {
    const bounds = defaultViewBounds(trainer.dataset, SMALL.seed);
    const n = 7;
    const logits = await values(discriminatorGrid(trainer, bounds, n));
    expect(logits).toHaveLength(n * n);
    const expected = await mlpByHand(trainer.discriminator, gridPoints(bounds, n));
    logits.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });

  it('default bounds contain the data with a margin and are square', () => {
    const b = defaultViewBounds(trainer.dataset, 1);
    // ring8: radius 2, σ = 0.02.
    expect(b.xMin).toBeLessThan(-2.5);
    expect(b.xMax).toBeGreaterThan(2.5);
    expect(b.xMax - b.xMin).toBeCloseTo(b.yMax - b.yMin, 6);
  });

  it('the view batch is fixed: same latents every time, points = G(latents)', async () => {
    const a = makeViewBatch(trainer, 20);
    const b = makeViewBatch(trainer, 20);
    expect(a.latents).toEqual(b.latents);
    expect(a.real).toEqual(b.real);
    expect(a.latents).toHaveLength(20 * SMALL.latentDim);
    const points = await values(generatedPoints(trainer, a));
    const direct = await values(
      tf.tidy(() => trainer.generator.apply(tf.tensor2d(a.latents, [20, SMALL.latentDim]))),
    );
    expect(points).toHaveLength(40);
    expect(points).toEqual(direct);
  });

  it('manifold latents: a seeded square grid on a plane through 0 spanned by orthonormal u, v', async () => {
    const dim = 5;
    const n = 4;
    const z = manifoldLatents(3, dim, n);
    expect(z).toHaveLength(n * n * dim);
    expect(manifoldLatents(3, dim, n)).toEqual(z);
    expect(manifoldLatents(4, dim, n)).not.toEqual(z);
    const at = (row: number, col: number) =>
      Array.from(z.slice((row * n + col) * dim, (row * n + col + 1) * dim));
    const sub = (a: number[], b: number[]) => a.map((x, i) => x - b[i]);
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
    // Along a row only a changes (u direction), down a column only b (−v direction).
    const step = (2 * MANIFOLD_SPAN) / (n - 1);
    const u = sub(at(0, 1), at(0, 0)).map((x) => x / step);
    const v = sub(at(0, 0), at(1, 0)).map((x) => x / step);
    expect(dot(u, u)).toBeCloseTo(1, 5);
    expect(dot(v, v)).toBeCloseTo(1, 5);
    expect(dot(u, v)).toBeCloseTo(0, 5);
    // Corners at (±span, ±span): the grid is centred on the origin of latent space.
    const centre = sub(
      at(0, 0),
      at(n - 1, n - 1).map((x) => -x),
    );
    centre.forEach((x) => expect(x).toBeCloseTo(0, 5));
    expect(Math.sqrt(dot(at(0, 0), at(0, 0)))).toBeCloseTo(MANIFOLD_SPAN * Math.SQRT2, 4);
    const points = await values(manifoldPoints(trainer, manifoldLatents(3, SMALL.latentDim, n)));
    expect(points).toHaveLength(n * n * 2);
  });

  /** ∇ₓD and D at the points, from tfjs. */
  async function discriminatorGradient(points: tf.Tensor2D) {
    const grad = await values(
      tf.grad((x: tf.Tensor) => tf.sum(trainer.discriminator.apply(x as tf.Tensor2D)))(points),
    );
    const logits = await values(tf.tidy(() => trainer.discriminator.apply(points)));
    return { grad, logits };
  }

  it('transport vectors: shape [n, 2], σ(−D)·∇D for NS-GAN, ∇D for WGAN (towards higher D)', async () => {
    const batch = makeViewBatch(trainer, 16);
    const fake = generatedPoints(trainer, batch);
    const { grad, logits } = await discriminatorGradient(fake);
    const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));

    for (const loss of ['nsgan', 'wgan-gp'] as const) {
      trainer.applyLiveSettings({ ...SMALL, loss });
      const t = transportVectors(trainer, fake, null);
      expect(t.shape).toEqual([16, 2]);
      const v = await values(t);
      for (let i = 0; i < 16; i++) {
        const scale = loss === 'nsgan' ? sigmoid(-logits[i]) : 1;
        expect(v[2 * i]).toBeCloseTo(scale * grad[2 * i], 5);
        expect(v[2 * i + 1]).toBeCloseTo(scale * grad[2 * i + 1], 5);
        // G is told to move its sample uphill on D.
        expect(v[2 * i] * grad[2 * i] + v[2 * i + 1] * grad[2 * i + 1]).toBeGreaterThan(0);
      }
    }
    trainer.applyLiveSettings(SMALL);
    fake.dispose();
  });

  it('transport vectors for RpGAN use the real partners: σ(D(r) − D(x))·∇D(x)', async () => {
    const batch = makeViewBatch(trainer, 16);
    const fake = generatedPoints(trainer, batch);
    const real = tf.tensor2d(batch.real, [16, 2]);
    expect(() => transportVectors(trainer, fake, null)).toThrow(/real partners/);
    const { grad, logits } = await discriminatorGradient(fake);
    const realLogits = await values(tf.tidy(() => trainer.discriminator.apply(real)));
    const v = await values(transportVectors(trainer, fake, real));
    for (let i = 0; i < 16; i++) {
      const scale = 1 / (1 + Math.exp(-(realLogits[i] - logits[i])));
      expect(v[2 * i]).toBeCloseTo(scale * grad[2 * i], 5);
      expect(v[2 * i + 1]).toBeCloseTo(scale * grad[2 * i + 1], 5);
    }
    tf.dispose([fake, real]);
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const batch = makeViewBatch(trainer, 8);
    const fake = generatedPoints(trainer, batch);
    const real = tf.tensor2d(batch.real, [8, 2]);
    tf.dispose([transportVectors(trainer, fake, real), fake, real]);
    discriminatorGrid(trainer, defaultViewBounds(trainer.dataset, 1), 5).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

/**
 * The instrument end to end: real Stacked MNIST samples score ≈1000 modes with a KL near the
 * finite-sample floor, and a generator that repeats one image scores 1 mode and KL = ln 1000.
 * The confident measure: real samples are almost all confident and cover as many modes as their
 * number predicts; a 5-step generator's noise covers hundreds of modes, but few confidently.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifierFromPublic, loadMnistFromPublic } from '../../cli/assets';
import { useNodeBackend } from '../core/backend';
import type { DigitClassifier } from './digitClassifier';
import { Rng } from '../core/rng';
import { stackedMnistDefaults, type ImageGanConfig } from '../core/config';
import { runImageTraining } from './imageRun';
import { evaluateStackedMnist, modeCoverage } from './stackedMetrics';
import { splitDigits, StackedMnistSampler, stackedBatch } from './stackedMnist';

let classifier: DigitClassifier;
let sampler: StackedMnistSampler;
beforeAll(async () => {
  await useNodeBackend('wasm');
  classifier = loadClassifierFromPublic();
  // Held-out digits only: the classifier has never seen them (the stricter check).
  sampler = new StackedMnistSampler(splitDigits(loadMnistFromPublic()).heldOut, new Rng(1));
});
afterAll(() => classifier.dispose());

describe('evaluateStackedMnist', () => {
  it('real samples (held-out digits): the modes and KL of a perfect uniform generator', async () => {
    // N = 3000 keeps the test quick on wasm; the CLI and README report N = 10,000 and 26,000.
    const n = 3000;
    const before = tf.memory().numTensors;
    const m = await evaluateStackedMnist((b) => stackedBatch(sampler, b), classifier, n, 500);
    expect(tf.memory().numTensors).toBe(before);
    expect(m.evalSamples).toBe(n);
    expect(m.klFloor).toBeCloseTo(999 / 6000, 10);
    // Reference: 200 perfect uniform generators of N draws (seeded), scored the same way.
    const rng = new Rng(9);
    const ref = Array.from({ length: 200 }, () =>
      modeCoverage(Array.from({ length: n }, () => rng.int(1000))),
    );
    const stats = (xs: number[]) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return { mean, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
    };
    const modes = stats(ref.map((r) => r.modesCovered));
    const kl = stats(ref.map((r) => r.reverseKL));
    expect(modes.mean).toBeCloseTo(1000 * (1 - Math.exp(-3)), -1); // ≈ 950
    expect(Math.abs(kl.mean - m.klFloor)).toBeLessThan(0.1 * m.klFloor);
    // The instrument on real data is within 4 sd of that; misclassified digits
    // (≈1.5 % per digit) move samples between modes but hardly change the histogram's shape.
    expect(Math.abs(m.modesCovered - modes.mean)).toBeLessThan(4 * modes.sd);
    expect(Math.abs(m.reverseKL - kl.mean)).toBeLessThan(4 * kl.sd);
    // Confident: ≥ 90 % of real samples (96 % at N = 10,000), and they cover what as many
    // uniform draws would (≈ 944 here; 1000 of 1000 at N = 10,000, README).
    expect(m.confidentShare).toBeGreaterThan(0.9);
    const confident = Math.round(m.confidentShare * n);
    expect(m.confidentHistogram.reduce((a, b) => a + b, 0)).toBe(confident);
    const expectedModes = 1000 * (1 - (1 - 1 / 1000) ** confident);
    expect(Math.abs(m.confidentModesCovered - expectedModes)).toBeLessThan(4 * modes.sd);
  });

  it('a 5-step generator: noise covers hundreds of modes, but few of them confidently', async () => {
    // The race lesson's small DCGAN (README, "Stacked MNIST models") after 5 steps.
    const config: ImageGanConfig = {
      ...stackedMnistDefaults(400),
      arch: 'dcgan',
      gChannels: [16, 16, 16],
      dChannels: [16, 16, 16],
      batchSize: 32,
    };
    const digits = loadMnistFromPublic();
    const result = await runImageTraining(
      config,
      (rng) => {
        const real = new StackedMnistSampler(digits, rng);
        return { sample: (b) => stackedBatch(real, b) };
      },
      {
        steps: 5,
        evalEvery: 5,
        evalSamples: 2000,
        logEvery: 5,
        evaluate: (generate, n) => evaluateStackedMnist(generate, classifier, n, 500),
      },
    );
    const f = result.final;
    expect(f.modesCovered).toBeGreaterThan(200);
    expect(f.confidentShare).toBeLessThan(0.1);
    expect(f.confidentModesCovered).toBeLessThan(f.modesCovered! / 4);
  });

  it('a generator that repeats one image: 1 mode, KL = ln 1000', async () => {
    const one = stackedBatch(sampler, 1);
    const before = tf.memory().numTensors;
    const m = await evaluateStackedMnist(
      (b) => tf.tile(one, [b, 1, 1, 1]) as tf.Tensor4D,
      classifier,
      700,
      300,
    );
    expect(tf.memory().numTensors).toBe(before);
    one.dispose();
    expect(m.modesCovered).toBe(1);
    expect(m.reverseKL).toBeCloseTo(Math.log(1000), 10);
    expect(m.histogram.reduce((a, b) => a + b, 0)).toBe(700);
    // A legible real triple, repeated: every sample confident, still one mode.
    expect(m.confidentShare).toBe(1);
    expect(m.confidentModesCovered).toBe(1);
  });

  it('rejects a generator that returns the wrong number of images, without leaking', async () => {
    const before = tf.memory().numTensors;
    await expect(
      evaluateStackedMnist(() => tf.zeros([3, 28, 28, 3]) as tf.Tensor4D, classifier, 10, 5),
    ).rejects.toThrow(/generate\(5\) returned 3 images/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

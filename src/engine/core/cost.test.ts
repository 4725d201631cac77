/**
 * The cost estimate against built models (exact parameter counts) and measured tensor memory
 * (tf.profile's peak bytes over one iteration, within a factor), and the refusal of the largest
 * settings the schema allows (issue 14: they aborted the wasm module) with a batch size that fits.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from './backend';
import { DEFAULT_CONFIG, parseImageConfig, stackedMnistDefaults, type GanConfig } from './config';
import { BACKEND_LIMITS, costProblem, estimateRunCost } from './cost';
import { syntheticImageSource } from '../image/imageSource';
import { ImageGanTrainer } from '../image/imageTrainer';
import { LARGEST_MODEL } from '../testing/tinyConfig';
import { ToyGanTrainer } from './trainer';

const LARGEST: GanConfig = { ...DEFAULT_CONFIG, ...LARGEST_MODEL };

const count = (vars: tf.Variable[]) => vars.reduce((n, v) => n + v.size, 0);

describe('estimateRunCost', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });

  it.each([
    ['default', DEFAULT_CONFIG],
    ['wide and deep', { ...DEFAULT_CONFIG, gWidth: 200, gDepth: 5, dWidth: 30, latentDim: 7 }],
  ])('counts the parameters of the %s toy MLPs exactly', (_, config) => {
    const trainer = new ToyGanTrainer(config);
    try {
      const built = count(trainer.generator.variables) + count(trainer.discriminator.variables);
      expect(estimateRunCost(config).parameters).toBe(built);
    } finally {
      trainer.dispose();
    }
  });

  it.each(['resnet', 'dcgan'] as const)(
    'counts the parameters of the Stacked MNIST %s within 1 %',
    (arch) => {
      const config = parseImageConfig({ ...stackedMnistDefaults(100), arch, batchSize: 4 });
      const trainer = new ImageGanTrainer(config, syntheticImageSource);
      try {
        const built = count(trainer.generator.variables) + count(trainer.discriminator.variables);
        expect(Math.abs(estimateRunCost(config).parameters / built - 1)).toBeLessThan(0.01);
      } finally {
        trainer.dispose();
      }
    },
  );

  it.each([
    ['R1 + R2', { r1Gamma: 1, r2Gamma: 1 }],
    ['no penalty', { r1Gamma: 0, r2Gamma: 0, loss: 'nsgan' as const }],
  ])(
    'is within a factor of 2 of the measured peak tensor memory (%s)',
    async (_, overrides) => {
      const config = {
        ...DEFAULT_CONFIG,
        gWidth: 256,
        dWidth: 256,
        gDepth: 3,
        dDepth: 3,
        batchSize: 512,
        ...overrides,
      };
      const trainer = new ToyGanTrainer(config);
      try {
        trainer.step(); // optimiser state exists from here on
        const profile = await tf.profile(() => trainer.step());
        const estimate = estimateRunCost(config).bytes;
        expect(estimate / profile.peakBytes).toBeGreaterThan(0.5);
        expect(estimate / profile.peakBytes).toBeLessThan(2);
      } finally {
        trainer.dispose();
      }
    },
    60_000,
  );

  it('grows linearly with the batch size beyond the weights', () => {
    const a = estimateRunCost({ ...DEFAULT_CONFIG, batchSize: 100 });
    const b = estimateRunCost({ ...DEFAULT_CONFIG, batchSize: 200 });
    const c = estimateRunCost({ ...DEFAULT_CONFIG, batchSize: 300 });
    expect(c.bytes - b.bytes).toBeCloseTo(b.bytes - a.bytes, 0);
    expect(c.flops - b.flops).toBeCloseTo(b.flops - a.flops, 0);
  });
});

describe('costProblem', () => {
  it('accepts the opening settings and Stacked MNIST defaults on every backend', () => {
    for (const backend of Object.keys(BACKEND_LIMITS) as (keyof typeof BACKEND_LIMITS)[]) {
      expect(costProblem(DEFAULT_CONFIG, backend)).toBeNull();
      expect(costProblem(stackedMnistDefaults(), backend)).toBeNull();
    }
  });

  it('refuses the largest allowed settings on wasm, in the controls’ words, with a batch that fits', () => {
    const problem = costProblem(LARGEST, 'wasm');
    expect(problem).toMatch(
      /^These settings \(G width 1024 × depth 8, D width 1024 × depth 8, batch size 4096\) need about [\d.]+ GB of memory per training step, more than the wasm backend can hold \(2\.0 GB\)\. A batch size of \d+ or less would fit/,
    );
    const batch = Number(/A batch size of (\d+)/.exec(problem!)![1]);
    expect(batch).toBeGreaterThan(0);
    expect(costProblem({ ...LARGEST, batchSize: batch }, 'wasm')).toBeNull();
    expect(costProblem({ ...LARGEST, batchSize: batch + 1 }, 'wasm')).not.toBeNull();
  });

  it('refuses an iteration far too slow for the cpu backend by its work', () => {
    const problem = costProblem({ ...LARGEST, batchSize: 512 }, 'cpu');
    expect(problem).toMatch(/GFLOP per training step, about \d+ s each on the cpu backend/);
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from './backend';
import { DEFAULT_CONFIG, type GanConfig } from './config';
import { runToyTraining } from './run';
import { ToyGanTrainer } from './trainer';

const SMALL: GanConfig = {
  ...DEFAULT_CONFIG,
  gWidth: 32,
  dWidth: 32,
  gDepth: 2,
  dDepth: 2,
  batchSize: 64,
  emaHalfLife: 20,
};

describe('toy GAN trainer', () => {
  beforeAll(() => useNodeBackend('wasm'));

  it('is deterministic: same seed and backend give the same loss history', async () => {
    const run = (seed: number) =>
      runToyTraining(
        { ...SMALL, seed },
        { steps: 40, evalEvery: 20, evalSamples: 200, logEvery: 5 },
      );
    const [a, b, c] = [await run(3), await run(3), await run(4)];
    // Step 1, then every 5th of 40 steps.
    expect(a.history.map((r) => r.step)).toEqual([1, 5, 10, 15, 20, 25, 30, 35, 40]);
    expect(a.history).toEqual(b.history);
    expect(a.samples).toEqual(b.samples);
    expect(a.history).not.toEqual(c.history);
  });

  it('keeps tf.memory().numTensors flat over 200 steps (R1+R2, lazy, GP, no penalty, EMA)', async () => {
    const variants: Partial<GanConfig>[] = [
      { loss: 'rpgan', lazyInterval: 2, dSteps: 2 },
      { loss: 'wgan-gp' },
      // No penalty: the adversarial loss is then D's whole objective (an aliasing case).
      { loss: 'nsgan', r1Gamma: 0, r2Gamma: 0 },
    ];
    for (const variant of variants) {
      const trainer = new ToyGanTrainer({ ...SMALL, ...variant }, 10);
      for (let i = 0; i < 20; i++) trainer.step();
      await trainer.flushLogs();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 200; i++) {
        trainer.step();
        if (i % 50 === 49) await trainer.flushLogs();
      }
      await trainer.flushLogs();
      expect(tf.memory().numTensors).toBe(before);
      trainer.dispose();
    }
  });

  it('stops with a reason when training diverges (NaN), never a crash', async () => {
    const result = await runToyTraining(
      {
        ...SMALL,
        gOptimizer: { ...SMALL.gOptimizer, kind: 'sgd', lr: 10 },
        dOptimizer: { ...SMALL.dOptimizer, kind: 'sgd', lr: 10 },
        loss: 'lsgan',
      },
      { steps: 300, evalEvery: 100, evalSamples: 100, logEvery: 5 },
    );
    expect(result.final.diverged).toMatch(/NaN or infinite by step \d+/);
    expect(result.final.highQuality).toBe(0);
  });

  it('lets several trainers live side by side (unique variable names)', async () => {
    const before = tf.memory().numTensors;
    const a = new ToyGanTrainer(SMALL);
    const b = new ToyGanTrainer(SMALL);
    const names = [...a.variables, ...b.variables].map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    a.step();
    b.step();
    // The same seed and settings in separate trainers: the same first iteration.
    const [rowA] = await a.flushLogs();
    const [rowB] = await b.flushLogs();
    expect(rowA).toEqual(rowB);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('follows the R3GAN burn-in: γ falls, β2 rises, lr decays, EMA half-life grows', () => {
    const trainer = new ToyGanTrainer(
      {
        ...SMALL,
        burnInSteps: 100,
        gammaBurnInFactor: 10,
        beta2BurnIn: 0.9,
        lrEndFactor: 0.1,
        emaHalfLife: 50,
      },
      10,
    );
    const start = trainer.scheduled(0);
    const end = trainer.scheduled(100);
    expect(start.r1Gamma).toBeCloseTo(SMALL.r1Gamma * 10);
    expect(end.r1Gamma).toBeCloseTo(SMALL.r1Gamma);
    expect(start.dBeta2).toBeCloseTo(0.9);
    expect(end.dBeta2).toBeCloseTo(SMALL.dOptimizer.beta2);
    expect(end.gLr).toBeCloseTo(SMALL.gOptimizer.lr * 0.1);
    expect(start.emaBeta).toBe(0);
    expect(end.emaBeta).toBeCloseTo(0.5 ** (1 / 50));
    trainer.dispose();
  });
});

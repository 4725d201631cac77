import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from './backend';
import { DEFAULT_CONFIG, parseConfig, type GanConfig } from './config';
import { Rng } from './rng';
import { runToyTraining } from '../toy/run';
import { needsRebuild, ToyGanTrainer } from './trainer';

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

  it('gSteps: k G updates after the D updates; gSteps 1 is the plain D-then-G loop', async () => {
    const weights = async (t: ToyGanTrainer) => Promise.all(t.variables.map((v) => v.data()));
    // The same iteration written out by hand: dSteps D updates, then `g` G updates.
    const byHand = async (g: number) => {
      const t = new ToyGanTrainer({ ...SMALL, dSteps: 2, emaHalfLife: 0 }, 1000);
      for (let i = 0; i < 3; i++) {
        const s = t.scheduled();
        t.discriminatorStep(s, false);
        t.discriminatorStep(s, false);
        for (let k = 0; k < g; k++) t.generatorStep(s, false);
        t.iteration++;
      }
      const w = await weights(t);
      t.dispose();
      return w;
    };
    const stepped = async (gSteps: number) => {
      const t = new ToyGanTrainer({ ...SMALL, dSteps: 2, gSteps, emaHalfLife: 0 }, 1000);
      for (let i = 0; i < 3; i++) t.step();
      const steps = t.optimizerSteps;
      await t.flushLogs();
      const w = await weights(t);
      t.dispose();
      return { w, steps };
    };
    const one = await stepped(1);
    const three = await stepped(3);
    expect(one.w).toEqual(await byHand(1));
    expect(three.w).toEqual(await byHand(3));
    expect(three.w).not.toEqual(one.w);
    // [G, D] optimiser steps after 3 iterations.
    expect(one.steps).toEqual([3, 6]);
    expect(three.steps).toEqual([9, 6]);
  });

  it('draws Gaussian or uniform noise; Gaussian is the stream it always was', () => {
    const gaussian = new ToyGanTrainer({ ...SMALL, seed: 5 });
    const uniform = new ToyGanTrainer({ ...SMALL, seed: 5, latentDist: 'uniform' });
    const g = gaussian.latentBatch(2000, new Rng(9)).dataSync();
    const u = uniform.latentBatch(2000, new Rng(9)).dataSync();
    expect(Array.from(g)).toEqual(Array.from(new Rng(9).normals(2000 * SMALL.latentDim)));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(1);
    // Var of U(−1, 1) is 1/3; of N(0, 1) is 1, and Gaussians leave [−1, 1] a third of the time.
    const variance = (x: ArrayLike<number>) =>
      Array.from(x).reduce((s, v) => s + v * v, 0) / x.length;
    expect(variance(u)).toBeCloseTo(1 / 3, 1);
    expect(Array.from(g).filter((v) => Math.abs(v) > 1).length / g.length).toBeGreaterThan(0.25);
    gaussian.dispose();
    uniform.dispose();
  });

  it('a change of noise distribution needs new networks; gSteps changes live', () => {
    expect(needsRebuild(SMALL, { ...SMALL, latentDist: 'uniform' })).toBe(true);
    expect(needsRebuild(SMALL, { ...SMALL, gSteps: 3 })).toBe(false);
    expect(parseConfig({ ...SMALL, gSteps: undefined, latentDist: undefined })).toMatchObject({
      gSteps: 1,
      latentDist: 'gaussian',
    });
    expect(() => parseConfig({ ...SMALL, gSteps: 0 })).toThrow();
    expect(() => parseConfig({ ...SMALL, latentDist: 'cauchy' })).toThrow();
  });
});

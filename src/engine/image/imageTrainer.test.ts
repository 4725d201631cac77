/**
 * A short training smoke run of tiny conv GANs on wasm (the Node backend without
 * Conv2DBackpropFilter): losses finite, weights move, no tensor leak across steps, the progressive
 * schedule, and the shared trainer surface (logs, samples, live settings, rebuild rules).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../core/backend';
import { parseImageConfig, stackedMnistDefaults, type ImageGanConfig } from '../core/config';
import { syntheticImageSource } from './imageSource';
import { growthAt, ImageGanTrainer, needsImageRebuild } from './imageTrainer';
import { Rng } from '../core/rng';
import { LOG_FIELDS } from '../core/trainer';

function tinyImageConfig(overrides: Partial<ImageGanConfig> = {}): ImageGanConfig {
  return parseImageConfig({
    ...stackedMnistDefaults(100),
    latentDim: 8,
    gChannels: [8, 8, 4],
    dChannels: [8, 8, 4],
    groupSize: 4,
    batchSize: 4,
    ...overrides,
  });
}

async function snapshot(vars: tf.Variable[]): Promise<Float32Array[]> {
  return Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
}

function changed(a: Float32Array[], b: Float32Array[]): number {
  return a.filter((x, i) => x.some((value, j) => value !== b[i][j])).length;
}

describe('ImageGanTrainer on wasm', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });

  it.each([
    ['resnet', { arch: 'resnet' as const, mbstd: true }],
    ['dcgan', { arch: 'dcgan' as const, loss: 'nsgan' as const }],
  ])('%s: a few RpGAN/NSGAN + R1 + R2 steps train without leaking', async (_name, overrides) => {
    const trainer = new ImageGanTrainer(tinyImageConfig(overrides), syntheticImageSource, 1);
    const g0 = await snapshot(trainer.generator.variables);
    const d0 = await snapshot(trainer.discriminator.variables);
    trainer.step();
    const logs = await trainer.flushLogs();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      trainer.step();
      logs.push(...(await trainer.flushLogs()));
      expect(tf.memory().numTensors).toBe(tensors);
    }
    expect(logs).toHaveLength(3);
    for (const row of logs)
      for (const f of LOG_FIELDS) expect(Number.isFinite(row[f]), f).toBe(true);
    expect(logs[0].r1).toBeGreaterThan(0);
    expect(logs[0].r2).toBeGreaterThan(0);
    // Every D weight moves; in G, R3GAN's zero-initialised last convs move first.
    expect(changed(d0, await snapshot(trainer.discriminator.variables))).toBe(d0.length);
    expect(changed(g0, await snapshot(trainer.generator.variables))).toBeGreaterThan(g0.length / 2);
    const images = trainer.sample(3, new Rng(9));
    expect(images.shape).toEqual([3, 28, 28, 3]);
    images.dispose();
    trainer.dispose();
  });

  it('progressive growing: 7×7, fade to 14×14, 14×14, fade to 28×28, 28×28', async () => {
    expect(growthAt(0, true, 10)).toEqual({ stage: 0, alpha: 1 });
    expect(growthAt(15, true, 10)).toEqual({ stage: 1, alpha: 0.5 });
    expect(growthAt(25, true, 10)).toEqual({ stage: 1, alpha: 1 });
    expect(growthAt(32, true, 10)).toEqual({ stage: 2, alpha: 0.2 });
    expect(growthAt(41, true, 10)).toEqual({ stage: 2, alpha: 1 });
    expect(growthAt(0, false, 10)).toEqual({ stage: 2, alpha: 1 });
    const trainer = new ImageGanTrainer(
      tinyImageConfig({ arch: 'dcgan', progressive: true, fadeSteps: 1 }),
      syntheticImageSource,
      1,
    );
    for (let i = 0; i < 4; i++) {
      trainer.step(); // stages 0, 1 (α 0), 1, 2 (α 0)
      for (const row of await trainer.flushLogs())
        expect(Number.isFinite(row.dLoss) && Number.isFinite(row.gLoss)).toBe(true);
    }
    expect(trainer.growth()).toEqual({ stage: 2, alpha: 1 });
    const images = trainer.sample(2, new Rng(1));
    expect(images.shape).toEqual([2, 28, 28, 3]);
    images.dispose();
    trainer.dispose();
  });

  it('shares the toy trainer’s surface: live settings vs rebuilds, config validation', () => {
    const a = tinyImageConfig();
    expect(needsImageRebuild(a, { ...a, r1Gamma: 3, loss: 'nsgan' })).toBe(false);
    expect(needsImageRebuild(a, { ...a, mbstd: true })).toBe(true);
    expect(needsImageRebuild(a, { ...a, dChannels: [8, 8, 8] })).toBe(true);
    expect(() => tinyImageConfig({ mbstd: true, batchSize: 6 })).toThrow(/multiple of its group/);
    expect(() => tinyImageConfig({ groupSize: 3 })).toThrow(/group size/);
    expect(() => parseImageConfig({ ...a, gWidth: 3 })).toThrow();
  });
});

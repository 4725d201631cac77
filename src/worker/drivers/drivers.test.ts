import { beforeAll, describe, expect, it } from 'vitest';
// Renamed: the React hooks lint rule would take a `use…` function for a hook.
import { useNodeBackend as switchNodeBackend } from '../../engine/core/backend';
import { DEFAULT_CONFIG, stackedMnistDefaults } from '../../engine/core/config';
import { tinyConfig } from '../../engine/testing/tinyConfig';
import { ToyGanTrainer } from '../../engine/core/trainer';
import type { Run } from '../run';
import { changedSettings, RunKindDrivers } from './index';

/** Drivers whose context is never reached by the decisions tested here. */
function drivers(loadAsset?: (path: string) => Promise<Uint8Array>) {
  const unused = () => {
    throw new Error('not expected in this test');
  };
  return new RunKindDrivers({
    post: unused,
    now: () => 0,
    guard: unused,
    countReadback: unused,
    setPhase: unused,
    loadAsset,
  });
}

const TOY = tinyConfig();

beforeAll(() => switchNodeBackend('cpu'));
const IMAGE = stackedMnistDefaults(100);

describe('RunKindDrivers', () => {
  it('picks the driver from the config: the toy datasets, or Stacked MNIST', () => {
    const d = drivers();
    expect(d.of(TOY).kind).toBe('toy');
    expect(d.of({ ...DEFAULT_CONFIG, dataset: 'grid25' }).kind).toBe('toy');
    expect(d.of(IMAGE).kind).toBe('image');
  });

  it('a change of kind always needs new models; within a kind, the kind decides', () => {
    const d = drivers();
    expect(d.needsNewModel(TOY, IMAGE)).toBe(true);
    expect(d.needsNewModel(IMAGE, TOY)).toBe(true);
    expect(d.needsNewModel(TOY, { ...TOY, gWidth: 32 })).toBe(true);
    expect(d.needsNewModel(TOY, { ...TOY, dOptimizer: { ...TOY.dOptimizer, lr: 5e-4 } })).toBe(
      false,
    );
    expect(d.needsNewModel(IMAGE, { ...IMAGE, arch: 'dcgan' })).toBe(true);
    expect(d.needsNewModel(IMAGE, { ...IMAGE, batchSize: IMAGE.batchSize * 2 })).toBe(false);
  });

  it('refuses what the other kind does, in the words of the command', () => {
    const d = drivers();
    const run = { id: 'a', trainer: {} } as Run;
    expect(() => d.image.heatmap()).toThrow('heatmaps are for 2-D runs only');
    expect(() => d.toy.interpolate(run)).toThrow(/latent interpolation is for image runs/);
    expect(() => d.image.naiveStep(run)).toThrow(/naive baseline exists for 2-D runs only/);
  });

  it('live settings reach a toy trainer only from a toy config', () => {
    const d = drivers();
    const trainer = new ToyGanTrainer(TOY, 1, 'drivers-test/');
    try {
      const faster = { ...TOY, dOptimizer: { ...TOY.dOptimizer, lr: 5e-4 } };
      d.image.applyLive(trainer, faster); // not the image driver's trainer: untouched
      expect(trainer.config.dOptimizer.lr).toBe(TOY.dOptimizer.lr);
      d.toy.applyLive(trainer, faster);
      expect(trainer.config.dOptimizer.lr).toBe(5e-4);
    } finally {
      trainer.dispose();
    }
  });

  it('an image run needs the digits: a runtime that cannot load assets says so', async () => {
    await expect(drivers().image.prepare()).rejects.toThrow(
      'Stacked MNIST data: this worker cannot load mnist/digits.bin',
    );
    const failing = drivers(() => Promise.reject(new Error('404')));
    await expect(failing.image.prepare()).rejects.toThrow('Stacked MNIST data: 404');
    expect(() => failing.image.build(IMAGE, 1, 'x/')).toThrow(/digits are not loaded/);
  });
});

describe('changedSettings', () => {
  it('names the top-level settings that differ, nested ones by their parent', () => {
    expect(changedSettings(TOY, TOY)).toEqual([]);
    expect(
      changedSettings(TOY, { ...TOY, gWidth: 32, gOptimizer: { ...TOY.gOptimizer, lr: 1 } }),
    ).toEqual(['gWidth', 'gOptimizer']);
  });
});

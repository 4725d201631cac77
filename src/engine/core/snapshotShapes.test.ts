/** The shapes a config's snapshot must have, against the snapshots of built trainers. */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from './backend';
import { DEFAULT_CONFIG, parseImageConfig, stackedMnistDefaults, type GanConfig } from './config';
import { syntheticImageSource } from '../image/imageSource';
import { ImageGanTrainer } from '../image/imageTrainer';
import { snapshotShapesProblem, toySnapshotShapes } from './snapshotShapes';
import { ToyGanTrainer } from './trainer';

const sgd = { ...DEFAULT_CONFIG.gOptimizer, kind: 'sgd' as const };

describe('snapshot shapes', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });

  it.each<[string, Partial<GanConfig>]>([
    ['default', {}],
    [
      'EMA, odd sizes',
      { emaHalfLife: 10, gWidth: 7, gDepth: 1, dWidth: 5, dDepth: 4, latentDim: 3 },
    ],
    ['SGD for G, Adam for D', { gOptimizer: sgd }],
  ])('a toy trainer (%s) has exactly the predicted shapes', (_, overrides) => {
    const config = { ...DEFAULT_CONFIG, ...overrides };
    const trainer = new ToyGanTrainer(config);
    try {
      const built = trainer.variables.map((v) => [...v.shape]);
      expect(toySnapshotShapes(config)).toEqual(built);
      expect(snapshotShapesProblem(config, built)).toBeNull();
    } finally {
      trainer.dispose();
    }
  });

  it('refuses weights of other widths, permuted shapes and a missing tensor, naming them', () => {
    const config = { ...DEFAULT_CONFIG, gWidth: 32 };
    const wide = toySnapshotShapes({ ...config, gWidth: 64 });
    expect(snapshotShapesProblem(config, wide)).toBe(
      'weight tensor 1 is [16, 64], the settings need [16, 32]',
    );
    const permuted = toySnapshotShapes(config);
    permuted[0] = [...permuted[0]].reverse();
    expect(snapshotShapesProblem(config, permuted)).toMatch(/^weight tensor 1 is \[32, 16\]/);
    expect(snapshotShapesProblem(config, toySnapshotShapes(config).slice(1))).toMatch(
      /^the settings build \d+ weight tensors, the file holds \d+$/,
    );
  });

  it.each(['resnet', 'dcgan'] as const)(
    'an image trainer (%s) fits its settings, and twice the widths do not',
    (arch) => {
      const config = parseImageConfig({ ...stackedMnistDefaults(100), arch, batchSize: 4 });
      const trainer = new ImageGanTrainer(config, syntheticImageSource);
      try {
        const built = trainer.variables.map((v) => [...v.shape]);
        expect(snapshotShapesProblem(config, built)).toBeNull();
        const narrow = parseImageConfig({
          ...config,
          gChannels: config.gChannels.map((c) => c / 2),
          dChannels: config.dChannels.map((c) => c / 2),
        });
        expect(snapshotShapesProblem(narrow, built)).toMatch(/weight values, the settings need/);
      } finally {
        trainer.dispose();
      }
    },
  );
});

import { describe, expect, it } from 'vitest';

import {
  DATASET_GAMMA,
  ganConfigSchema,
  imageGanConfigSchema,
  stackedMnistDefaults,
} from '../engine/core/config';
import {
  activeConfig,
  createSettingsStore,
  IMAGE_WIDTH_PRESETS,
  imageProblem,
  presetConfig,
  widthPreset,
} from './settings';

describe('settings store', () => {
  it('opens on the classic GAN on the ring of 8, without R1/R2', () => {
    const s = createSettingsStore().getState();
    expect(s.config).toEqual(presetConfig());
    expect(s.config).toMatchObject({ dataset: 'ring8', loss: 'nsgan', r1Gamma: 0, r2Gamma: 0 });
    expect(ganConfigSchema.safeParse(s.config).success).toBe(true);
    expect(s.penalties).toMatchObject({ r1: false, r2: false, linked: true });
  });

  it('turning R1 on uses the dataset γ; linked γ moves both, unlinked one', () => {
    const store = createSettingsStore();
    store.getState().setPenaltyEnabled('r1', true);
    expect(store.getState().config).toMatchObject({ r1Gamma: DATASET_GAMMA.ring8, r2Gamma: 0 });
    store.getState().setPenaltyEnabled('r2', true);
    store.getState().setGamma('r2', 0.5);
    expect(store.getState().config).toMatchObject({ r1Gamma: 0.5, r2Gamma: 0.5 });
    store.getState().setGammaLinked(false);
    store.getState().setGamma('r2', 2);
    expect(store.getState().config).toMatchObject({ r1Gamma: 0.5, r2Gamma: 2 });
    store.getState().setGammaLinked(true);
    expect(store.getState().config).toMatchObject({ r1Gamma: 0.5, r2Gamma: 0.5 });
    store.getState().setPenaltyEnabled('r1', false);
    expect(store.getState().config).toMatchObject({ r1Gamma: 0, r2Gamma: 0.5 });
  });

  it("picking a dataset takes that dataset's γ", () => {
    const store = createSettingsStore();
    store.getState().setPenaltyEnabled('r1', true);
    store.getState().setDataset('grid25');
    expect(store.getState().config).toMatchObject({ dataset: 'grid25', r1Gamma: 1, r2Gamma: 0 });
    expect(store.getState().penalties.r2Gamma).toBe(1);
  });

  it('the custom dataset carries the drawing; other datasets do not', () => {
    const store = createSettingsStore();
    expect(store.getState().config.customPoints).toBeUndefined();
    store.getState().setDataset('custom');
    expect(store.getState().config.customPoints).toEqual(store.getState().drawing);
    store.getState().setDrawing([[1, 2]]);
    expect(store.getState().config.customPoints).toEqual([[1, 2]]);
    // An empty drawing cannot train: the run keeps the last points.
    store.getState().setDrawing([]);
    expect(store.getState().config.customPoints).toEqual([[1, 2]]);
    store.getState().setDataset('moons');
    expect(store.getState().config.customPoints).toBeUndefined();
    expect('customPoints' in store.getState().config).toBe(false);
  });

  it('rejects out-of-range numbers with a message and keeps the config', () => {
    const store = createSettingsStore();
    const before = store.getState().config;
    expect(store.getState().setNumber('gDepth', 99)).toMatch(/^G depth must be at most 8$/);
    expect(store.getState().setOptimizer('g', 'beta1', 1)).toMatch(/^G β1 must be less than 1$/);
    expect(store.getState().config).toBe(before);
    expect(store.getState().setNumber('gWidth', 16)).toBeNull();
    expect(store.getState().setOptimizer('d', 'lr', 2e-4)).toBeNull();
    expect(store.getState().config).toMatchObject({ gWidth: 16, dOptimizer: { lr: 2e-4 } });
  });

  it('adopts a config from the worker, deriving the R1/R2 toggles', () => {
    const store = createSettingsStore();
    store.getState().adoptConfig({ ...presetConfig(), loss: 'rpgan', r1Gamma: 0.3, r2Gamma: 0 });
    expect(store.getState().penalties).toMatchObject({ r1: true, r2: false, r1Gamma: 0.3 });
    expect(store.getState().config.loss).toBe('rpgan');
  });

  it('restoreDefaults returns to the preset', () => {
    const store = createSettingsStore();
    store.getState().setLoss('hinge');
    store.getState().setNumber('seed', 7);
    store.getState().restoreDefaults();
    expect(store.getState().config).toEqual(presetConfig());
  });
});

describe('settings store: Stacked MNIST (image mode)', () => {
  it('picking Stacked MNIST activates the image config and keeps the toy config untouched', () => {
    const store = createSettingsStore();
    store.getState().setLoss('rpgan');
    const toy = store.getState().config;
    store.getState().setDataset('stacked-mnist');
    const s = store.getState();
    expect(s.mode).toBe('image');
    expect(s.config).toBe(toy);
    expect(s.imageConfig).toEqual(stackedMnistDefaults());
    expect(activeConfig(s)).toBe(s.imageConfig);
    // The engine's γ for images (0.1, squared pixel distance) with R1 and R2 on.
    expect(s.penalties).toMatchObject({ r1: true, r2: true, r1Gamma: 0.1, r2Gamma: 0.1 });
  });

  it('shared controls edit the active config only, validated like toys', () => {
    const store = createSettingsStore();
    const toy = store.getState().config;
    store.getState().setDataset('stacked-mnist');
    store.getState().setLoss('nsgan');
    expect(store.getState().setNumber('batchSize', 8)).toBeNull();
    expect(store.getState().setOptimizer('d', 'lr', 1e-3)).toBeNull();
    store.getState().setGamma('r1', 0.5);
    store.getState().setPenaltyEnabled('r2', false);
    expect(store.getState().imageConfig).toMatchObject({
      loss: 'nsgan',
      batchSize: 8,
      dOptimizer: { lr: 1e-3 },
      r1Gamma: 0.5,
      r2Gamma: 0,
    });
    expect(store.getState().config).toBe(toy);
    // Schema errors name the field; MLP settings do not exist for conv nets.
    const before = store.getState().imageConfig;
    expect(store.getState().setNumber('latentDim', 0)).toMatch(/^Latent size must be at least 1$/);
    expect(store.getState().setNumber('gWidth', 16)).toMatch(
      /^G width is not a setting of this dataset$/,
    );
    expect(store.getState().setImageModel({ gChannels: [0, 8, 8] })).toMatch(
      /^G widths must be at least 1$/,
    );
    expect(imageGanConfigSchema.safeParse(store.getState().imageConfig).success).toBe(true);
    expect(store.getState().imageConfig).toBe(before);
  });

  it('model controls: architecture, width preset, minibatch stddev (cross-field rule), progressive', () => {
    const store = createSettingsStore();
    store.getState().setDataset('stacked-mnist');
    const tiny = IMAGE_WIDTH_PRESETS.find((p) => p.id === 'tiny')!.channels;
    expect(
      store.getState().setImageModel({ arch: 'dcgan', gChannels: tiny, dChannels: tiny }),
    ).toBeNull();
    expect(widthPreset(store.getState().imageConfig)).toBe('tiny');
    expect(widthPreset({ ...store.getState().imageConfig, dChannels: [8, 8, 9] })).toBeNull();
    expect(store.getState().setNumber('batchSize', 6)).toBeNull();
    // Minibatch stddev groups samples by 4: a batch of 6 cannot use it.
    expect(store.getState().setImageModel({ mbstd: true })).toMatch(/multiple of its group size 4/);
    expect(store.getState().imageConfig.mbstd).toBe(false);
    store.getState().setNumber('batchSize', 8);
    expect(store.getState().setImageModel({ mbstd: true, progressive: true })).toBeNull();
    expect(store.getState().setNumber('fadeSteps', 40)).toBeNull();
    expect(store.getState().imageConfig).toMatchObject({
      arch: 'dcgan',
      gChannels: [8, 8, 8],
      mbstd: true,
      progressive: true,
      fadeSteps: 40,
    });
    // Every preset builds with both architectures.
    for (const preset of IMAGE_WIDTH_PRESETS)
      for (const arch of ['dcgan', 'resnet'] as const)
        expect(
          imageProblem({
            ...stackedMnistDefaults(),
            arch,
            gChannels: preset.channels,
            dChannels: preset.channels,
          }),
        ).toBeNull();
  });

  it('switching back restores the toy, its R1/R2 included; another toy takes its own γ', () => {
    const store = createSettingsStore();
    store.getState().setPenaltyEnabled('r1', true);
    const toy = store.getState().config;
    const toyPenalties = store.getState().penalties;
    store.getState().setDataset('stacked-mnist');
    store.getState().setGamma('r1', 0.3);
    store.getState().setDataset('ring8');
    expect(store.getState().mode).toBe('toy');
    expect(store.getState().config).toBe(toy);
    expect(store.getState().penalties).toEqual(toyPenalties);
    // And the image settings were kept too.
    store.getState().setDataset('stacked-mnist');
    expect(store.getState().imageConfig).toMatchObject({ r1Gamma: 0.3, r2Gamma: 0.3 });
    store.getState().setDataset('grid25');
    expect(store.getState().config).toMatchObject({ dataset: 'grid25', r1Gamma: 1, r2Gamma: 0 });
  });

  it('adopting a config makes its kind active; restoreDefaults goes back to the toy preset', () => {
    const store = createSettingsStore();
    const image = { ...stackedMnistDefaults(), arch: 'dcgan' as const, r2Gamma: 0 };
    store.getState().adoptConfig(image);
    expect(store.getState()).toMatchObject({ mode: 'image', imageConfig: image });
    expect(store.getState().penalties).toMatchObject({ r1: true, r2: false, r1Gamma: 0.1 });
    store.getState().adoptConfig({ ...presetConfig(), loss: 'hinge' });
    expect(store.getState().mode).toBe('toy');
    expect(store.getState().config.loss).toBe('hinge');
    expect(store.getState().imageConfig).toEqual(image);
    store.getState().setDataset('stacked-mnist');
    store.getState().restoreDefaults();
    expect(store.getState().mode).toBe('toy');
    expect(store.getState().config).toEqual(presetConfig());
    expect(store.getState().imageConfig).toEqual(stackedMnistDefaults());
  });
});

import { describe, expect, it } from 'vitest';

import { DATASET_GAMMA, ganConfigSchema } from '../engine/config';
import { createSettingsStore, presetConfig } from './settings';

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
    expect(store.getState().setNumber('gDepth', 99)).toMatch(/gDepth/);
    expect(store.getState().setOptimizer('g', 'beta1', 1)).toMatch(/gOptimizer\.beta1/);
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

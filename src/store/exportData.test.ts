import { describe, expect, it } from 'vitest';

import type { GanConfig, ImageGanConfig } from '../engine/core/config';
import { imagePresetConfig, presetConfig } from './settings';
import {
  configFileText,
  historyCsv,
  importConfigText,
  MAX_IMPORT_BYTES,
  metricsJson,
} from './exportData';

describe('exports', () => {
  it('CSV: step first, one column per series, blanks for missing values', () => {
    const csv = historyCsv([
      { step: 10, dLoss: 1.25, gLoss: 0.5 },
      { step: 20, dLoss: 1, gLoss: null, r1: 0.01 },
    ]);
    expect(csv).toBe('step,dLoss,gLoss,r1\n10,1.25,0.5,\n20,1,,0.01\n');
  });

  it('metrics JSON holds the config and both histories', () => {
    const json = JSON.parse(
      metricsJson(presetConfig(), [{ step: 1, dLoss: 2 }], [{ step: 1, modesCovered: 3 }]),
    );
    expect(json).toMatchObject({ format: 'gan-playground-metrics', config: { loss: 'nsgan' } });
    expect(json.evals[0].modesCovered).toBe(3);
  });
});

describe('importing a settings file', () => {
  const base = presetConfig();
  const imageBase = imagePresetConfig();
  const importText = (text: string) => importConfigText(text, base, imageBase);

  it('round-trips the exported file', () => {
    const config = { ...base, loss: 'rpgan' as const, r1Gamma: 0.3, seed: 9 };
    expect(importText(configFileText(config))).toEqual({ config, message: null });
  });

  it('accepts a bare settings object and keeps the valid fields of a tampered one', () => {
    const r = importText('{"seed": 4, "gDepth": 99, "__proto__": {"x": 1}}');
    const config = r.config as GanConfig;
    expect(config.seed).toBe(4);
    expect(config.gDepth).toBe(base.gDepth);
    expect(r.message).toMatch(/G depth must be at most 8/);
  });

  it('names a bad setting by its control and its choices by their labels, in a sentence', () => {
    const r = importText('{"loss": "wasserstein", "batchSize": 0.5}');
    expect(r.message).toBe(
      'Ignored from the file: Loss must be one of Minimax (original GAN), Non-saturating (NS GAN), ' +
        'RpGAN (relativistic pairing), Hinge, Least squares (LSGAN) or WGAN-GP; ' +
        'Batch size needs a whole number. The other settings were applied.',
    );
  });

  it('refuses files that are not settings, too large, or of another format', () => {
    expect(importText('<h1>hi</h1>')).toMatchObject({ config: null });
    expect(importText('[1,2]').message).toMatch(/expected an object/);
    expect(importText(' '.repeat(MAX_IMPORT_BYTES + 1)).message).toMatch(/too large/);
    expect(importText('{"format":"other","config":{}}').message).toMatch(/not a GAN/);
    expect(importText('{"format":"gan-playground-config","version":2}').message).toMatch(
      /unknown version/,
    );
  });

  it('round-trips Stacked MNIST settings, which keep their own fields', () => {
    const config: ImageGanConfig = {
      ...imageBase,
      arch: 'resnet',
      mbstd: true,
      gChannels: [8, 8, 8],
      dChannels: [8, 8, 8],
      r1Gamma: 0.2,
      r2Gamma: 0.2,
      seed: 5,
    };
    expect(importText(configFileText(config))).toEqual({ config, message: null });
  });

  it('imports a tampered Stacked MNIST file field by field, and refuses one that cannot fit', () => {
    const r = importText('{"dataset": "stacked-mnist", "arch": "vgg", "batchSize": 16}');
    expect(r.config).toMatchObject({
      dataset: 'stacked-mnist',
      arch: imageBase.arch,
      batchSize: 16,
    });
    expect(r.message).toMatch(
      /Architecture must be one of DCGAN \(plain convs\) or R3GAN-style ResNet/,
    );
    // A toy-only field is not a Stacked MNIST setting.
    expect(importText('{"dataset": "stacked-mnist", "gWidth": 64}').message).toMatch(
      /"gWidth": unknown setting/,
    );
    const broken = importText(
      '{"format":"gan-playground-config","version":1,"config":{"dataset":"stacked-mnist","gChannels":[8,8,8],"groupSize":3}}',
    );
    expect(broken.config).toBeNull();
    expect(broken.message).toMatch(/Nothing imported: the Stacked MNIST settings do not fit/);
  });
});

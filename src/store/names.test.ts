import { describe, expect, it } from 'vitest';

import { cleanRunName, defaultRunName, MAX_RUN_NAME_LENGTH, variantName } from './names';
import { imagePresetConfig, presetConfig } from './settings';

describe('names', () => {
  it('describes a run by its loss, penalties, dataset and step', () => {
    const config = { ...presetConfig(), loss: 'rpgan' as const, r1Gamma: 0.1, r2Gamma: 0.1 };
    expect(defaultRunName(config, 120)).toBe('RpGAN + R1 + R2 on ring8, step 120');
    expect(defaultRunName(imagePresetConfig(), 5)).toBe('RpGAN + R1 + R2 on stacked-mnist, step 5');
  });

  it('names a variant by its loss and penalties; lazy only when a penalty is on', () => {
    const base = { loss: 'nsgan' as const, r1Gamma: 0, r2Gamma: 0, lazyInterval: 1 };
    expect(variantName(base)).toBe('NSGAN, no penalty');
    expect(variantName({ ...base, lazyInterval: 4 })).toBe('NSGAN, no penalty');
    expect(variantName({ ...base, loss: 'hinge', r2Gamma: 1, lazyInterval: 4 })).toBe(
      'Hinge + R2 (lazy ×4)',
    );
    expect(variantName({ ...base, loss: 'wgan-gp' })).toBe('WGAN-GP, no penalty');
  });

  it('cleans a name: control characters and runs of spaces, capped at 80 characters', () => {
    expect(cleanRunName('  a\u0000b\n\tc  ')).toBe('a b c');
    expect([...cleanRunName('é'.repeat(200))].length).toBe(MAX_RUN_NAME_LENGTH);
    expect(cleanRunName('<img src=x>')).toBe('<img src=x>');
  });
});

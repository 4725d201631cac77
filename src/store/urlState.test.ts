import { describe, expect, it } from 'vitest';

import { presetConfig } from './settings';
import { configFromHash, configToHash } from './urlState';

describe('settings in the URL hash', () => {
  it('the preset has an empty hash; changes round-trip', () => {
    expect(configToHash(presetConfig())).toBe('');
    const config = {
      ...presetConfig(),
      loss: 'rpgan' as const,
      r1Gamma: 0.1,
      gOptimizer: { ...presetConfig().gOptimizer, lr: 2e-4 },
    };
    const hash = configToHash(config);
    expect(decodeURIComponent(hash)).toBe(
      '#{"loss":"rpgan","r1Gamma":0.1,"gOptimizer":{"kind":"adam","lr":0.0002,"beta1":0,"beta2":0.99}}',
    );
    expect(configFromHash(hash)).toEqual({ config, error: null });
  });

  it('leaves drawings out of links', () => {
    const config = {
      ...presetConfig(),
      dataset: 'custom' as const,
      customPoints: [[1, 1]] as [number, number][],
    };
    expect(configToHash(config)).not.toContain('customPoints');
    expect(configFromHash(configToHash(config)).config?.dataset).toBe('ring8');
  });

  it('rejects unreadable or invalid settings with a message', () => {
    expect(configFromHash('')).toEqual({ config: null, error: null });
    expect(configFromHash('#not-json').error).toMatch(/not readable/);
    expect(configFromHash('#[1]').error).toMatch(/not readable/);
    expect(configFromHash(`#${encodeURIComponent('{"gDepth":99}')}`).error).toMatch(/gDepth/);
    const unknown = configFromHash(`#${encodeURIComponent('{"evil":"<script>"}')}`);
    expect(unknown.error).toMatch(/"evil": unknown setting/);
    expect(unknown.config).toEqual(presetConfig());
  });
});

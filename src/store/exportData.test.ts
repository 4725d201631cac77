import { describe, expect, it } from 'vitest';

import { presetConfig } from './settings';
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

  it('round-trips the exported file', () => {
    const config = { ...base, loss: 'rpgan' as const, r1Gamma: 0.3, seed: 9 };
    expect(importConfigText(configFileText(config), base)).toEqual({ config, message: null });
  });

  it('accepts a bare settings object and keeps the valid fields of a tampered one', () => {
    const r = importConfigText('{"seed": 4, "gDepth": 99, "__proto__": {"x": 1}}', base);
    expect(r.config?.seed).toBe(4);
    expect(r.config?.gDepth).toBe(base.gDepth);
    expect(r.message).toMatch(/gDepth/);
  });

  it('refuses files that are not settings, too large, or of another format', () => {
    expect(importConfigText('<h1>hi</h1>', base)).toMatchObject({ config: null });
    expect(importConfigText('[1,2]', base).message).toMatch(/expected an object/);
    expect(importConfigText(' '.repeat(MAX_IMPORT_BYTES + 1), base).message).toMatch(/too large/);
    expect(importConfigText('{"format":"other","config":{}}', base).message).toMatch(/not a GAN/);
    expect(
      importConfigText('{"format":"gan-playground-config","version":2}', base).message,
    ).toMatch(/unknown version/);
  });
});

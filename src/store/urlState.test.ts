import { describe, expect, it } from 'vitest';

import { stackedMnistDefaults } from '../engine/core/config';
import { presetConfig } from './settings';
import { CUSTOM_PRESETS } from './customPoints';
import {
  decodeLinkPoints,
  encodeLinkPoints,
  LINK_MAX_POINTS,
  linkPointsProblem,
} from './linkPoints';
import {
  configFromHash,
  configToHash,
  MAX_HASH_LENGTH,
  settingsFromHash,
  settingsToHash,
} from './urlState';

const hashOf = (x: unknown) => `#${encodeURIComponent(JSON.stringify(x))}`;

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

  it('carries a drawing in the link, to 1/1000, up to LINK_MAX_POINTS points', () => {
    const heart = CUSTOM_PRESETS.heart.points();
    const config = { ...presetConfig(), dataset: 'custom' as const, customPoints: heart };
    const hash = configToHash(config);
    // About 5.3 characters per point, so the largest drawing a link takes stays well within it.
    expect(hash.length).toBeLessThan(200 + 5.4 * heart.length);
    const opened = configFromHash(hash);
    expect(opened.error).toBeNull();
    expect(opened.config?.dataset).toBe('custom');
    const points = opened.config?.customPoints ?? [];
    expect(points).toHaveLength(heart.length);
    points.forEach(([x, y], i) => {
      expect(Math.abs(x - heart[i][0])).toBeLessThanOrEqual(0.0005);
      expect(Math.abs(y - heart[i][1])).toBeLessThanOrEqual(0.0005);
    });
    const largest = Array.from({ length: LINK_MAX_POINTS }, (_, i): [number, number] => [
      -10 + (20 * i) / LINK_MAX_POINTS,
      10 - (20 * i) / LINK_MAX_POINTS,
    ]);
    const full = configToHash({ ...config, customPoints: largest });
    expect(full.length).toBeLessThan(MAX_HASH_LENGTH);
    expect(configFromHash(full).config?.customPoints).toHaveLength(LINK_MAX_POINTS);
  });

  it('a drawing too large for a link is left out, and both ends are told', () => {
    const many = Array.from({ length: LINK_MAX_POINTS + 1 }, (): [number, number] => [0, 0]);
    const config = { ...presetConfig(), dataset: 'custom' as const, customPoints: many };
    expect(linkPointsProblem(many)).toMatch(/2001 points; a link carries at most 2000/);
    expect(linkPointsProblem(many.slice(1))).toBeNull();
    const opened = configFromHash(configToHash(config));
    expect(opened.config?.dataset).toBe('ring8');
    expect(opened.error).toMatch(/“Your drawing” needs the drawing, which is not included/);
  });

  it('a damaged drawing in a link is named and dropped', () => {
    for (const bad of ['@@@', 'AAA', 'A'.repeat(12_000), encodeLinkPoints([[20, 0]])]) {
      const r = configFromHash(hashOf({ dataset: 'custom', customPoints: bad, loss: 'hinge' }));
      expect(r.config).toMatchObject({ dataset: 'ring8', loss: 'hinge' });
      expect(r.error).toMatch(/drawing in the link is damaged|outside/);
    }
    expect(decodeLinkPoints(encodeLinkPoints([[10, -10]])!)).toEqual({
      ok: true,
      points: [[10, -10]],
    });
    expect(decodeLinkPoints('').ok).toBe(false);
  });

  it('rejects unreadable or invalid settings with a message', () => {
    expect(configFromHash('')).toEqual({ config: null, error: null });
    expect(configFromHash('#not-json').error).toMatch(/not readable/);
    expect(configFromHash('#[1]').error).toMatch(/not readable/);
    expect(configFromHash(`#${encodeURIComponent('{"gDepth":99}')}`).error).toMatch(
      /G depth must be at most 8/,
    );
    const unknown = configFromHash(`#${encodeURIComponent('{"evil":"<script>"}')}`);
    expect(unknown.error).toMatch(/"evil": unknown setting/);
    expect(unknown.config).toEqual(presetConfig());
  });
});

describe('Stacked MNIST settings in the URL hash', () => {
  it('names the dataset, keeps only the changes, and round-trips', () => {
    expect(decodeURIComponent(settingsToHash(stackedMnistDefaults()))).toBe(
      '#{"dataset":"stacked-mnist"}',
    );
    const config = {
      ...stackedMnistDefaults(),
      arch: 'dcgan' as const,
      gChannels: [8, 8, 8] as [number, number, number],
      mbstd: true,
      loss: 'nsgan' as const,
    };
    const hash = settingsToHash(config);
    expect(decodeURIComponent(hash)).toBe(
      '#{"dataset":"stacked-mnist","arch":"dcgan","gChannels":[8,8,8],"mbstd":true,"loss":"nsgan"}',
    );
    expect(settingsFromHash(hash)).toEqual({ config, error: null });
    // Toy links read as before.
    const toy = { ...presetConfig(), loss: 'rpgan' as const };
    expect(settingsToHash(toy)).toBe(configToHash(toy));
    expect(settingsFromHash(settingsToHash(toy))).toEqual({ config: toy, error: null });
  });

  it('a bad entry is named and keeps its default; the valid ones apply', () => {
    const r = settingsFromHash(
      hashOf({
        dataset: 'stacked-mnist',
        arch: 'vgg',
        gChannels: [8, -1, 8],
        gWidth: 16,
        batchSize: 16,
        dOptimizer: { lr: 0.001 },
      }),
    );
    expect(r.config).toEqual({
      ...stackedMnistDefaults(),
      batchSize: 16,
      dOptimizer: { ...stackedMnistDefaults().dOptimizer, lr: 0.001 },
    });
    expect(r.error).toMatch(
      /Ignored from the link: Architecture must be one of DCGAN \(plain convs\) or R3GAN-style ResNet; G widths .*; "gWidth": unknown setting/,
    );
  });

  it('settings that do not fit together fall back to the defaults, with a notice', () => {
    const r = settingsFromHash(hashOf({ dataset: 'stacked-mnist', mbstd: true, batchSize: 6 }));
    expect(r.config).toEqual(stackedMnistDefaults());
    expect(r.error).toMatch(/do not fit together.*multiple of its group size 4/);
  });

  it('hostile image links never throw and never echo much of their input', () => {
    const hostile: unknown[] = [
      { dataset: 'stacked-mnist', arch: '<script>alert(1)</script>'.repeat(50) },
      { dataset: 'stacked-mnist', gChannels: 'wide' },
      { dataset: 'stacked-mnist', fadeSteps: Number('1e309') },
      { dataset: 'stacked-mnist', ['k'.repeat(5000)]: 1 },
      { dataset: 'stacked-mnist', __proto__: { polluted: true } },
      { dataset: 'stacked-mnist', constructor: 'x', latentDim: null },
      { dataset: ['stacked-mnist'] },
    ];
    for (const input of hostile) {
      const r = settingsFromHash(hashOf(input));
      expect(r.config).not.toBeNull();
      expect(r.error ?? '').not.toMatch(/(<script>.*){2}/);
      expect((r.error ?? '').length).toBeLessThan(600);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(settingsFromHash('#%E0%A4%A').error).toMatch(/not readable/);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../engine/core/config';
import { BACKEND_NAMES } from '../protocol';
import { isWorkerCommand, parseCommand } from './commands';

describe('parseCommand', () => {
  it('accepts init with and without a valid preferred backend', () => {
    expect(isWorkerCommand({ type: 'init' })).toBe(true);
    for (const backend of BACKEND_NAMES) {
      expect(isWorkerCommand({ type: 'init', preferredBackend: backend })).toBe(true);
    }
    expect(isWorkerCommand({ type: 'init', preferredBackend: 'tpu' })).toBe(false);
    expect(isWorkerCommand({ type: 'init', preferredBackend: 1 })).toBe(false);
  });

  it("checks init's Automatic request and start timeout", () => {
    const choice = {
      key: 'device | toy G64x3 … | webgl,wasm',
      backend: 'wasm',
      rates: [{ backend: 'wasm', stepsPerSecond: 40, warmupMs: 300, steps: 80 }],
      skipped: [{ backend: 'webgpu', reason: 'a software (fallback) adapter' }],
      measuredAt: 1,
      fromCache: false,
    };
    const auto = { config: DEFAULT_CONFIG, remembered: [choice], includeSoftware: true };
    expect(isWorkerCommand({ type: 'init', auto })).toBe(true);
    expect(isWorkerCommand({ type: 'init', preferredBackend: 'webgl', timeoutMs: 6000 })).toBe(
      true,
    );
    expect(isWorkerCommand({ type: 'init', timeoutMs: 10 })).toBe(false);
    expect(
      isWorkerCommand({ type: 'init', auto: { config: { ...DEFAULT_CONFIG, gWidth: 0 } } }),
    ).toBe(false);
    const badRate = { ...choice, rates: [{ ...choice.rates[0], stepsPerSecond: -1 }] };
    expect(isWorkerCommand({ type: 'init', auto: { ...auto, remembered: [badRate] } })).toBe(false);
  });

  it('accepts every run command in its valid form', () => {
    const runId = 'run-1';
    const valid = [
      { type: 'create', runId, kind: 'toy', config: DEFAULT_CONFIG },
      { type: 'create', runId, kind: 'toy', config: DEFAULT_CONFIG, stream: { transport: true } },
      { type: 'configure', runId, kind: 'toy', config: { ...DEFAULT_CONFIG, loss: 'hinge' } },
      { type: 'set-stream', runId, stream: { heatmapEvery: 10, heatmapResolution: 32 } },
      { type: 'play', runId, requestId: 3 },
      { type: 'pause', runId },
      { type: 'step', runId, n: 10 },
      { type: 'step', runId, n: 1, part: 'discriminator' },
      { type: 'reset', runId },
      { type: 'sample', runId },
      { type: 'request-heatmap', runId },
      {
        type: 'request-heatmap',
        runId,
        resolution: 16,
        bounds: { xMin: -1, xMax: 1, yMin: -2, yMax: 2 },
      },
      { type: 'dispose', runId },
      { type: 'debug-lose-device' },
      { type: 'debug-stats' },
      { type: 'debug-profile', runId },
    ];
    for (const command of valid) expect(parseCommand(command)).toEqual({ ok: true, command });
  });

  it('rejects bad configs with the path and reason, keeping the requestId', () => {
    const result = parseCommand({
      type: 'create',
      requestId: 4,
      runId: 'a',
      kind: 'toy',
      config: { ...DEFAULT_CONFIG, dataset: 'mnist', gWidth: 5000 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.requestId).toBe(4);
    expect(result.message).toMatch(/^invalid "create" command: /);
    expect(result.message).toContain('config.dataset');
    expect(result.message).toContain('config.gWidth');
  });

  it('validates G steps and the noise distribution of a configured run', () => {
    const configure = (patch: object) =>
      parseCommand({
        type: 'configure',
        runId: 'a',
        kind: 'toy',
        config: { ...DEFAULT_CONFIG, ...patch },
      });
    expect(configure({ gSteps: 3, latentDist: 'uniform' }).ok).toBe(true);
    for (const bad of [{ gSteps: 0 }, { gSteps: 1.5 }, { gSteps: 11 }, { latentDist: 'cauchy' }]) {
      const result = configure(bad);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toContain(`config.${Object.keys(bad)[0]}`);
    }
  });

  it('rejects unknown fields, bad ids, counts and bounds', () => {
    const bad = [
      { type: 'create', runId: 'a', kind: 'toy', config: { ...DEFAULT_CONFIG, extra: 1 } },
      { type: 'create', runId: 'a', kind: 'mnist', config: DEFAULT_CONFIG },
      { type: 'play', runId: '' },
      { type: 'play', runId: 'a b' },
      { type: 'play', runId: 'a', extra: true },
      { type: 'step', runId: 'a', n: 0 },
      { type: 'step', runId: 'a', n: 1e9 },
      { type: 'step', runId: 'a', n: 1, part: 'both-ish' },
      { type: 'request-heatmap', runId: 'a', bounds: { xMin: 1, xMax: -1, yMin: 0, yMax: 1 } },
      { type: 'set-stream', runId: 'a', stream: { samplesEvery: -1 } },
      { type: 'play', runId: 'a', requestId: 1.5 },
    ];
    for (const command of bad)
      expect(isWorkerCommand(command), JSON.stringify(command)).toBe(false);
  });

  it('describes non-commands without echoing payloads', () => {
    const describe = (x: unknown) => {
      const result = parseCommand(x);
      return result.ok ? '' : result.message;
    };
    expect(describe({ type: 'train' })).toContain('"train"');
    expect(describe({ type: 'toString' })).toContain('"toString"');
    expect(describe({})).toContain('missing string field "type"');
    expect(describe('init')).toContain('got string');
    expect(describe([{ type: 'init' }])).toContain('got object');
  });
});

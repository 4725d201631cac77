import { describe, expect, it, vi } from 'vitest';

import { DEFAULT_CONFIG, stackedMnistDefaults } from '../engine/core/config';
import type { BackendChoice, BackendName, BackendRate } from '../protocol';
import {
  choiceKey,
  describeChoice,
  fastest,
  measureBurst,
  measureCandidates,
  modelSizeKey,
  parseRemembered,
  remember,
  REMEMBERED_CHOICES,
  softwareAdapterReason,
  softwareRendererReason,
} from './backendChoice';

const rate = (backend: BackendName, stepsPerSecond: number): BackendRate => ({
  backend,
  stepsPerSecond,
  warmupMs: 100,
  steps: 10,
});

describe('software adapters', () => {
  it('recognises SwiftShader WebGPU by its adapter info, and the fallback flag', () => {
    // What headless Chromium 156 reports for its only adapter.
    expect(softwareAdapterReason({ vendor: 'google', architecture: 'swiftshader' })).toMatch(
      /^a software adapter \(google swiftshader\)$/,
    );
    expect(softwareAdapterReason({ vendor: 'nvidia', isFallbackAdapter: true })).toBe(
      'a software (fallback) adapter (nvidia)',
    );
    expect(softwareAdapterReason({ isFallbackAdapter: true })).toBe(
      'a software (fallback) adapter',
    );
    expect(softwareAdapterReason({ vendor: 'nvidia', architecture: 'hopper' })).toBeNull();
    expect(softwareAdapterReason({})).toBeNull();
  });

  it('recognises software WebGL renderers', () => {
    expect(
      softwareRendererReason(
        'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      ),
    ).toMatch(/^a software renderer \(ANGLE/);
    expect(softwareRendererReason('llvmpipe (LLVM 15.0.6, 256 bits)')).not.toBeNull();
    expect(
      softwareRendererReason('ANGLE (NVIDIA, NVIDIA H200 Direct3D11 vs_5_0 ps_5_0, D3D11)'),
    ).toBeNull();
    expect(softwareRendererReason(null)).toBeNull();
  });
});

describe('the cache key', () => {
  it('changes with the model size but not with numbers that do not change the cost', () => {
    const base = modelSizeKey(DEFAULT_CONFIG);
    expect(
      modelSizeKey({
        ...DEFAULT_CONFIG,
        seed: 9,
        dOptimizer: { ...DEFAULT_CONFIG.dOptimizer, lr: 0.1 },
      }),
    ).toBe(base);
    expect(modelSizeKey({ ...DEFAULT_CONFIG, r1Gamma: 3 })).toBe(base);
    expect(modelSizeKey({ ...DEFAULT_CONFIG, gWidth: 128 })).not.toBe(base);
    expect(modelSizeKey({ ...DEFAULT_CONFIG, batchSize: 512 })).not.toBe(base);
    expect(modelSizeKey({ ...DEFAULT_CONFIG, r1Gamma: 0 })).not.toBe(base);
    expect(modelSizeKey({ ...DEFAULT_CONFIG, dSteps: 2 })).not.toBe(base);
    expect(modelSizeKey(stackedMnistDefaults())).toMatch(/^image resnet G64-48-32/);
  });

  it('includes the device and the candidates', () => {
    const key = choiceKey('webgl X; 2 cores; isolated', DEFAULT_CONFIG, ['webgl', 'wasm']);
    expect(key).not.toBe(
      choiceKey('webgl X; 2 cores; not isolated', DEFAULT_CONFIG, ['webgl', 'wasm']),
    );
    expect(key).not.toBe(choiceKey('webgl X; 2 cores; isolated', DEFAULT_CONFIG, ['wasm']));
  });
});

describe('choosing', () => {
  it('takes the highest measured rate', () => {
    expect(fastest([rate('webgpu', 1.2), rate('webgl', 9), rate('wasm', 48)])).toBe('wasm');
    expect(fastest([rate('webgpu', 300), rate('wasm', 48)])).toBe('webgpu');
    expect(fastest([])).toBeNull();
    expect(fastest([rate('wasm', 0)])).toBeNull();
  });

  it('measures every candidate, reports the ones that fail, and activates the fastest', async () => {
    const speeds: Partial<Record<BackendName, number>> = { webgpu: 2, wasm: 50 };
    const activated: BackendName[] = [];
    let active: BackendName | null = null;
    const budgets: number[] = [];
    const result = await measureCandidates(
      ['webgpu', 'webgl', 'wasm'],
      {
        async activate(name) {
          if (name === 'webgl') throw new Error('context lost');
          activated.push(name);
          active = name;
        },
        async burst(budgetMs) {
          budgets.push(budgetMs);
          return { warmupMs: 5, steps: speeds[active!]! * 2, ms: 2000 };
        },
      },
      1500,
    );
    expect(result.backend).toBe('wasm');
    expect(result.rates.map((r) => [r.backend, r.stepsPerSecond])).toEqual([
      ['webgpu', 2],
      ['wasm', 50],
    ]);
    expect(result.failed).toEqual([{ backend: 'webgl', reason: 'context lost' }]);
    // The budget is shared; the winner is activated last.
    expect(budgets).toEqual([500, 500]);
    expect(activated.at(-1)).toBe('wasm');
  });

  it('rejects when nothing could be measured', async () => {
    await expect(
      measureCandidates(['webgl'], {
        activate: async () => {
          throw new Error('no context');
        },
        burst: async () => ({ warmupMs: 0, steps: 0, ms: 0 }),
      }),
    ).rejects.toThrow('no backend could be measured (WebGL skipped: no context)');
  });
});

describe('measureBurst', () => {
  /** A fake device: each step costs `ms`, done when synced; the first costs `warmupMs` more. */
  function fakeDevice(ms: number, warmupMs: number) {
    let clock = 0;
    let queued = 0;
    let first = true;
    const syncs: number[] = [];
    return {
      syncs,
      hooks: {
        step: () => queued++,
        sync: async () => {
          clock += queued * ms + (first ? warmupMs : 0);
          first = false;
          syncs.push(queued);
          queued = 0;
        },
        now: () => clock,
      },
    };
  }

  it('times the warm-up apart and the steps within the budget, in growing chunks', async () => {
    const device = fakeDevice(10, 3000);
    const result = await measureBurst(device.hooks, 500);
    expect(result.warmupMs).toBe(3010);
    expect(result.steps * 10).toBe(result.ms);
    expect(result.ms).toBeGreaterThanOrEqual(500);
    expect(result.ms).toBeLessThan(600);
    // Warm-up alone, then 1, 2, 4, … queued before each sync, capped by the budget left.
    expect(device.syncs.slice(0, 5)).toEqual([1, 1, 2, 4, 8]);
  });

  it('gives up on a candidate whose compilation is too slow, without waiting for it', async () => {
    vi.useFakeTimers();
    try {
      let steps = 0;
      const hooks = {
        step: () => steps++,
        sync: () => new Promise<void>(() => {}), // compiling for ever
        now: () => Date.now(),
      };
      const burst = measureBurst(hooks, 500, 15_000);
      const outcome = expect(burst).rejects.toThrow(
        'its first iteration (compilation) took over 15 s',
      );
      await vi.advanceTimersByTimeAsync(15_001);
      await outcome;
      expect(steps).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops after one step slower than the whole budget', async () => {
    const device = fakeDevice(900, 0);
    const result = await measureBurst(device.hooks, 500);
    expect(result).toEqual({ warmupMs: 900, steps: 1, ms: 900 });
  });
});

describe('remembered choices', () => {
  const choice = (key: string, backend: BackendName = 'wasm'): BackendChoice => ({
    key,
    backend,
    rates: [rate('webgl', 9), rate('wasm', 48)],
    skipped: [{ backend: 'webgpu', reason: 'a software adapter (google swiftshader)' }],
    measuredAt: 1_700_000_000_000,
    fromCache: false,
  });

  it('keeps one per key, the newest, and at most REMEMBERED_CHOICES', () => {
    let list: BackendChoice[] = [];
    for (let i = 0; i < REMEMBERED_CHOICES + 3; i++) list = remember(list, choice(`k${i}`));
    expect(list).toHaveLength(REMEMBERED_CHOICES);
    expect(list[0].key).toBe('k3');
    list = remember(list, choice('k5', 'webgl'));
    expect(list.filter((c) => c.key === 'k5')).toEqual([choice('k5', 'webgl')]);
    expect(list.at(-1)!.key).toBe('k5');
  });

  it('reads back what it stored and drops anything unreadable', () => {
    const stored = JSON.stringify([choice('a'), { key: 'b', backend: 'tpu' }, choice('c')]);
    expect(parseRemembered(stored).map((c) => c.key)).toEqual(['a', 'c']);
    expect(parseRemembered('{not json')).toEqual([]);
    expect(parseRemembered('{"a":1}')).toEqual([]);
    expect(parseRemembered(null)).toEqual([]);
    const bad = { ...choice('d'), rates: [{ ...rate('wasm', 1), stepsPerSecond: -1 }] };
    expect(parseRemembered(JSON.stringify([bad]))).toEqual([]);
  });

  it('describes the rates, fastest first, and why a backend was skipped', () => {
    const notes = describeChoice(choice('a'));
    expect(notes[0]).toBe('fastest measured: wasm 48 steps/s · webgl 9.0 steps/s');
    expect(notes).toContain('WebGPU skipped: a software adapter (google swiftshader)');
    expect(describeChoice({ ...choice('a'), fromCache: true })[0]).toMatch(
      /^fastest measured on .* \(remembered\): wasm 48 steps\/s/,
    );
    expect(describeChoice({ ...choice('a'), rates: [] }).at(-1)).toBe(
      'wasm: the only candidate left',
    );
  });
});

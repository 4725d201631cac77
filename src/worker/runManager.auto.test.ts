/**
 * Automatic backend choice through the run manager: the `init` command with `auto` measures a
 * burst of the run's real training on each candidate (Node: the candidates are stand-ins on
 * tfjs's wasm and cpu backends, and the clock runs 3× faster for one of them).
 */
import { describe, expect, it } from 'vitest';

import { useNodeBackend as switchNodeBackend } from '../engine/core/backend';
import { tinyConfig } from '../engine/testing/tinyConfig';
import type { BackendChoice, BackendName, WorkerEvent, WorkerEventOf } from '../protocol';
import { choiceKey, type BackendProbe } from './backendChoice';
import { RunManager } from './runManager';

const CONFIG = tinyConfig();
const PROBE: BackendProbe = {
  candidates: ['webgl', 'wasm'],
  skipped: [{ backend: 'webgpu', reason: 'a software (fallback) adapter (google swiftshader)' }],
  deviceKey: 'test device',
};

function harness(probe: BackendProbe = PROBE) {
  const events: WorkerEvent[] = [];
  let active: BackendName = 'cpu';
  const tried: BackendName[] = [];
  const selected: (BackendName | undefined)[] = [];
  const activate = async (name: BackendName) => {
    // "webgl" is a stand-in on tfjs's cpu backend.
    await switchNodeBackend(name === 'wasm' ? 'wasm' : 'cpu');
    active = name;
  };
  const manager = new RunManager((event) => events.push(event), {
    async selectBackend(preferred) {
      selected.push(preferred);
      await activate(preferred ?? 'wasm');
      return { backend: preferred ?? 'wasm', fallbackReasons: [] };
    },
    fallBack: async () => ({ backend: 'cpu', fallbackReasons: [] }),
    loseDevice: () => {},
    probeBackends: async () => probe,
    async tryBackend(name) {
      tried.push(name);
      await activate(name);
    },
    // Real time, but 3× faster while "webgl" is active (its rate comes out 3× lower).
    now: () => performance.now() * (active === 'webgl' ? 3 : 1),
    runtimeInfo: () => ({ crossOriginIsolated: false }),
  });
  async function init(remembered?: BackendChoice[]): Promise<WorkerEventOf<'ready'>> {
    manager.handle({ type: 'init', requestId: 1, auto: { config: CONFIG, remembered } });
    for (let i = 0; i < 2000; i++) {
      const answer = events.find((e) => e.requestId === 1 && e.type !== 'ack');
      if (answer?.type === 'error') throw new Error(answer.message);
      if (answer?.type === 'ready') return answer;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error('no ready event');
  }
  return { init, tried, selected };
}

describe('RunManager: Automatic', () => {
  it('times a burst of the run on each candidate and takes the fastest', async () => {
    const { init, tried, selected } = harness();
    const ready = await init();
    expect(ready.backend).toBe('wasm');
    const choice = ready.choice!;
    expect(choice.rates.map((r) => r.backend)).toEqual(['webgl', 'wasm']);
    const [webgl, wasm] = choice.rates;
    expect(wasm.stepsPerSecond).toBeGreaterThan(webgl.stepsPerSecond);
    expect(webgl.steps).toBeGreaterThan(0);
    expect(choice.skipped).toEqual(PROBE.skipped);
    expect(choice.key).toBe(choiceKey('test device', CONFIG, ['webgl', 'wasm']));
    expect(choice.fromCache).toBe(false);
    expect(tried).toEqual(['webgl', 'wasm', 'wasm']);
    // The winner goes through the ordinary selection (which watches a GPU device for loss).
    expect(selected).toEqual(['wasm']);
    expect(ready.crossOriginIsolated).toBe(false);
  });

  it('reuses a measurement remembered for this device and model size', async () => {
    const remembered: BackendChoice = {
      key: choiceKey('test device', CONFIG, ['webgl', 'wasm']),
      backend: 'webgl',
      rates: [
        { backend: 'webgl', stepsPerSecond: 90, warmupMs: 400, steps: 90 },
        { backend: 'wasm', stepsPerSecond: 40, warmupMs: 10, steps: 40 },
      ],
      skipped: [],
      measuredAt: 1,
      fromCache: false,
    };
    const other = { ...remembered, key: 'another device | …', backend: 'wasm' as const };
    const { init, tried, selected } = harness();
    const ready = await init([other, remembered]);
    expect(ready.backend).toBe('webgl');
    expect(ready.choice).toEqual({ ...remembered, fromCache: true });
    expect(tried).toEqual([]);
    expect(selected).toEqual(['webgl']);
  });

  it('with one candidate there is nothing to compare: no burst', async () => {
    const { init, tried } = harness({ ...PROBE, candidates: ['wasm'] });
    const ready = await init();
    expect(ready.backend).toBe('wasm');
    expect(ready.choice?.rates).toEqual([]);
    expect(tried).toEqual(['wasm']);
  });
});

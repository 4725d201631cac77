import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
// Renamed: the React hooks lint rule would take a `use…` function for a hook.
import { useNodeBackend as switchNodeBackend } from '../engine/core/backend';
import { DEFAULT_CONFIG, type GanConfig } from '../engine/core/config';
import { LARGEST_MODEL, tinyConfig } from '../engine/testing/tinyConfig';
import type {
  StreamOptions,
  WorkerCommandBody,
  WorkerEvent,
  WorkerEventOf,
  WorkerEventType,
} from '../protocol';
import { readFile } from 'node:fs/promises';
import { publicPath } from '../cli/assets';
import { stackedMnistDefaults, type ImageGanConfig } from '../engine/core/config';
import { ToyGanTrainer } from '../engine/core/trainer';
import { DigitClassifier } from '../engine/image/digitClassifier';
import { RunManager } from './runManager';

const TINY: GanConfig = tinyConfig();
const STREAM: Partial<StreamOptions> = { sampleCount: 64, evalSamples: 200, evalEvery: 0 };

/** A RunManager on the wasm backend whose "device loss" falls back to cpu. */
function harness() {
  const events: WorkerEvent[] = [];
  let nextRequestId = 1;
  const manager = new RunManager((event) => events.push(event), {
    selectBackend: async () => {
      await switchNodeBackend('wasm');
      return { backend: 'wasm', fallbackReasons: [] };
    },
    fallBack: async () => {
      await switchNodeBackend('cpu');
      return { backend: 'cpu', fallbackReasons: [] };
    },
    loadAsset: async (path) => new Uint8Array(await readFile(publicPath(path))),
    loseDevice: () =>
      setTimeout(() => manager.notifyDeviceLost({ reason: 'destroyed', message: 'test' }), 0),
  });

  async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 20_000) {
    const start = Date.now();
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Sends a command; resolves with the events that answered it once it is acknowledged. */
  async function request(body: WorkerCommandBody): Promise<WorkerEvent[]> {
    const requestId = nextRequestId++;
    manager.handle({ ...body, requestId });
    const end = await waitFor(
      () =>
        events.find((e) => e.requestId === requestId && (e.type === 'ack' || e.type === 'error')),
      `an answer to ${body.type}`,
    );
    const answers = events.filter((e) => e.requestId === requestId);
    if (end.type === 'error') throw new Error(end.message);
    return answers;
  }

  function all<T extends WorkerEventType>(type: T, runId?: string): WorkerEventOf<T>[] {
    return events.filter(
      (e): e is WorkerEventOf<T> =>
        e.type === type && (runId === undefined || ('runId' in e && e.runId === runId)),
    );
  }

  function last<T extends WorkerEventType>(type: T, runId?: string) {
    return all(type, runId).at(-1);
  }

  const iteration = (runId: string) => last('metrics', runId)?.iteration ?? 0;

  async function stats() {
    const answer = await request({ type: 'debug-stats' });
    return answer.find((e): e is WorkerEventOf<'stats'> => e.type === 'stats')!;
  }

  return { manager, events, request, waitFor, all, last, iteration, stats };
}

type Harness = ReturnType<typeof harness>;
let current: Harness | null = null;

async function start(): Promise<Harness> {
  const h = harness();
  current = h;
  await h.request({ type: 'init' });
  return h;
}

afterEach(async () => {
  // Dispose every run so that the next test starts with no variables.
  if (!current) return;
  const h = current;
  current = null;
  for (const created of h.all('created')) {
    h.manager.handle({ type: 'dispose', runId: created.runId });
  }
  await h.waitFor(() => (h.manager.idle ? true : undefined), 'the manager to go idle');
});

describe('RunManager: protocol validation', () => {
  it('answers malformed messages with error events and keeps working', async () => {
    const h = harness();
    current = h;
    h.manager.handle(null);
    h.manager.handle({ type: 'launch-missiles' });
    h.manager.handle({ type: 'play' });
    h.manager.handle({ type: 'create', requestId: 7, runId: 'x', kind: 'toy', config: {} });
    h.manager.handle({
      type: 'create',
      requestId: 8,
      runId: 'x',
      kind: 'toy',
      config: { ...TINY, gWidth: 0 },
    });
    h.manager.handle({ type: 'step', runId: 'x', n: 1.5 });
    h.manager.handle({ type: 'init', extra: true });
    const errors = h.all('error').map((e) => e.message);
    expect(errors).toHaveLength(7);
    expect(errors[0]).toContain('got null');
    expect(errors[1]).toContain('"launch-missiles"');
    expect(errors[2]).toMatch(/invalid "play" command: runId/);
    expect(errors[4]).toMatch(/config\.gWidth/);
    expect(h.all('error')[4].requestId).toBe(8);
    expect(errors[5]).toMatch(/^invalid "step" command: n:/);
    expect(errors[6]).toMatch(/extra/);

    await expect(h.request({ type: 'play', runId: 'x' })).rejects.toThrow(/send init/);
    await expect(h.request({ type: 'debug-lose-device' })).rejects.toThrow(/send init/);
    const [ready] = await h.request({ type: 'init' });
    expect(ready).toMatchObject({ type: 'ready', backend: 'wasm', defaultConfig: DEFAULT_CONFIG });
    await expect(h.request({ type: 'play', runId: 'nope' })).rejects.toThrow(/no run "nope"/);
    // Once initialised, losing the device on purpose is reported and the worker moves on to the
    // fallback backend (this harness: wasm → cpu), with no runs to restore.
    await h.request({ type: 'debug-lose-device' });
    const changed = await h.waitFor(() => h.last('backend-changed'), 'the fallback backend');
    expect(h.all('device-lost')).toEqual([
      { type: 'device-lost', backend: 'wasm', reason: 'destroyed', message: 'test' },
    ]);
    expect(changed).toMatchObject({ backend: 'cpu', previous: 'wasm', runs: [] });
  });
});

describe('RunManager: training', () => {
  it('creates a run: reference data, bounds, a first point cloud, phase paused', async () => {
    const h = await start();
    const answers = await h.request({
      type: 'create',
      runId: 'a',
      kind: 'toy',
      config: TINY,
      stream: STREAM,
    });
    const created = answers.find((e) => e.type === 'created');
    expect(created).toMatchObject({ runId: 'a', config: TINY, stream: { sampleCount: 64 } });
    if (created?.type !== 'created') throw new Error('no created event');
    expect(created.realSamples).toHaveLength(128);
    expect(created.bounds.xMax).toBeGreaterThan(2);
    expect(h.last('samples', 'a')?.points).toHaveLength(128);
    expect(h.last('phase', 'a')?.phase).toBe('paused');
    await expect(
      h.request({ type: 'create', runId: 'a', kind: 'toy', config: TINY }),
    ).rejects.toThrow(/already exists/);
  });

  it('step(n) runs exactly n iterations; D-only moves D, G-only moves G', async () => {
    const h = await start();
    await h.request({ type: 'create', runId: 'a', kind: 'toy', config: TINY, stream: STREAM });
    await h.request({ type: 'step', runId: 'a', n: 7 });
    expect(h.iteration('a')).toBe(7);
    await h.request({ type: 'step', runId: 'a', n: 5 });
    expect(h.iteration('a')).toBe(12);
    const rows = h.all('metrics', 'a').flatMap((m) => m.rows);
    expect(rows.map((r) => r.step)).toEqual([1, 10]);

    const views = async () => {
      const heatmap = (await h.request({ type: 'request-heatmap', runId: 'a', resolution: 8 }))
        .filter((e) => e.type === 'heatmap')
        .map((e) => Array.from(e.logits))[0];
      const points = (await h.request({ type: 'sample', runId: 'a' }))
        .filter((e) => e.type === 'samples')
        .map((e) => Array.from(e.points))[0];
      return { heatmap, points };
    };
    const before = await views();
    expect(before.heatmap).toHaveLength(64);
    await h.request({ type: 'step', runId: 'a', n: 3, part: 'discriminator' });
    const afterD = await views();
    expect(afterD.points).toEqual(before.points);
    expect(afterD.heatmap).not.toEqual(before.heatmap);
    await h.request({ type: 'step', runId: 'a', n: 1, part: 'generator' });
    const afterG = await views();
    expect(afterG.heatmap).toEqual(afterD.heatmap);
    expect(afterG.points).not.toEqual(afterD.points);
    expect(h.iteration('a')).toBe(12);
  });

  it('sends the generator-manifold mesh with the samples when the stream asks for it', async () => {
    const h = await start();
    await h.request({ type: 'create', runId: 'a', kind: 'toy', config: TINY, stream: STREAM });
    expect(h.last('samples', 'a')?.manifold).toBeNull();
    await h.request({ type: 'set-stream', runId: 'a', stream: { manifoldResolution: 5 } });
    const samples = (await h.request({ type: 'sample', runId: 'a' })).find(
      (e) => e.type === 'samples',
    );
    expect(samples?.type === 'samples' && samples.manifold).toHaveLength(2 * 5 * 5);
    expect(samples?.type === 'samples' && samples.points).toHaveLength(128);
    await expect(
      h.request({ type: 'set-stream', runId: 'a', stream: { manifoldResolution: 1 } }),
    ).rejects.toThrow(/manifoldResolution/);
  });

  it('plays: compiling → training, metrics, samples, transport, heatmap, evals; pause stops', async () => {
    const h = await start();
    await h.request({
      type: 'create',
      runId: 'a',
      kind: 'toy',
      config: TINY,
      stream: { ...STREAM, samplesEvery: 5, transport: true, heatmapEvery: 10, evalEvery: 20 },
    });
    await h.request({ type: 'play', runId: 'a' });
    await h.waitFor(() => h.all('eval', 'a')[1], 'two evaluations');
    await h.request({ type: 'pause', runId: 'a' });
    const phases = h.all('phase', 'a').map((e) => e.phase);
    expect(phases).toEqual(['paused', 'compiling', 'training', 'paused']);
    expect(h.all('phase', 'a')[2].compileMs).toBeGreaterThanOrEqual(0);

    const metrics = h.all('metrics', 'a');
    expect(metrics.some((m) => m.stepsPerSecond > 0)).toBe(true);
    const rows = metrics.flatMap((m) => m.rows);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((r) => Number.isFinite(r.dLoss) && Number.isFinite(r.gLoss))).toBe(true);

    const samples = h.all('samples', 'a').slice(1);
    expect(samples.length).toBeGreaterThan(3);
    expect(samples[0].transport).toHaveLength(128);
    expect(samples.map((s) => s.iteration).slice(0, 3)).toEqual([5, 10, 15]);
    expect(Array.from(samples[0].points)).not.toEqual(Array.from(samples[2].points));
    // One heatmap with the first point cloud at creation, then every 10 iterations.
    expect(h.all('heatmap', 'a')[1]).toMatchObject({ iteration: 10, resolution: 48 });
    const evaluation = h.all('eval', 'a')[0].evaluation;
    expect(evaluation).toMatchObject({ step: 20, totalModes: 8 });

    const stopped = h.iteration('a');
    expect(stopped).toBeGreaterThanOrEqual(40);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await h.stats()).runs[0].iteration).toBe(stopped);
  });

  it('trains two runs at once and keeps numTensors flat over 300 iterations', async () => {
    const h = await start();
    for (const runId of ['a', 'b']) {
      await h.request({ type: 'create', runId, kind: 'toy', config: TINY, stream: STREAM });
    }
    await h.request({ type: 'step', runId: 'a', n: 20 });
    await h.request({ type: 'step', runId: 'b', n: 20 });
    const before = await h.stats();
    await h.request({ type: 'play', runId: 'a' });
    await h.request({ type: 'play', runId: 'b' });
    // Both advance while both play.
    await h.waitFor(
      () => (h.iteration('a') >= 60 && h.iteration('b') >= 60 ? true : undefined),
      'both runs to reach 60',
    );
    await h.waitFor(
      () => (h.iteration('a') >= 320 && h.iteration('b') >= 300 ? true : undefined),
      'both runs to reach 300',
      150_000,
    );
    await h.request({ type: 'pause', runId: 'a' });
    await h.request({ type: 'pause', runId: 'b' });
    const after = await h.stats();
    expect(after.runs.map((r) => r.iteration).every((i) => i >= 300)).toBe(true);
    expect(after.numTensors).toBe(before.numTensors);
    // Losses every 10 iterations, views every 20, snapshots every 200: well under 1 per step.
    const iterations = after.runs.reduce((n, r) => n + r.iteration, 0);
    expect(after.readbacks / iterations).toBeLessThan(0.3);
    // The views fall due with a loss readback: they add readbacks, not waits for the device.
    for (const run of after.runs) {
      expect(run.syncPoints / run.iteration).toBeGreaterThanOrEqual(0.1);
      expect(run.syncPoints / run.iteration).toBeLessThanOrEqual(0.11);
    }
    expect(after.readbacks).toBeGreaterThan(after.runs.reduce((n, r) => n + r.syncPoints, 0));
    // A few seconds on an idle machine; generous for a loaded 2-core CI box.
  }, 180_000);

  it('debug-profile counts the kernels of an ordinary iteration', async () => {
    const h = await start();
    await h.request({ type: 'create', runId: 'a', kind: 'toy', config: TINY, stream: STREAM });
    await h.request({ type: 'step', runId: 'a', n: 9 }); // the next iteration would log
    const profile = async () =>
      (await h.request({ type: 'debug-profile', runId: 'a' })).find(
        (e): e is WorkerEventOf<'profile'> => e.type === 'profile',
      )!;
    const first = await profile();
    expect(h.iteration('a')).toBe(11);
    const second = await profile();
    expect(h.iteration('a')).toBe(12);
    expect(first).toMatchObject({ backend: 'wasm', logging: false });
    expect(first.kernels).toBeGreaterThan(100);
    expect(second.kernels).toBe(first.kernels);
    expect(Object.values(first.kernelCounts).reduce((a, b) => a + b, 0)).toBe(first.kernels);

    // The naive baseline on the same config: more kernels, and the run is untouched.
    const naive = (await h.request({ type: 'debug-profile', runId: 'a', naive: true })).find(
      (e): e is WorkerEventOf<'profile'> => e.type === 'profile',
    )!;
    expect(naive).toMatchObject({ backend: 'wasm', naive: true });
    expect(naive.kernels).toBeGreaterThan(first.kernels);
    expect(h.iteration('a')).toBe(12);
    expect((await profile()).kernels).toBe(first.kernels);
  });

  it('configure: live settings apply in place; architecture changes rebuild', async () => {
    const h = await start();
    await h.request({ type: 'create', runId: 'a', kind: 'toy', config: TINY, stream: STREAM });
    await h.request({ type: 'step', runId: 'a', n: 4 });
    const live = await h.request({
      type: 'configure',
      runId: 'a',
      kind: 'toy',
      config: { ...TINY, loss: 'nsgan', r1Gamma: 0.5 },
    });
    expect(live.map((e) => e.type)).toEqual(['ack']);
    expect(h.iteration('a')).toBe(4);
    const rebuilt = await h.request({
      type: 'configure',
      runId: 'a',
      kind: 'toy',
      config: { ...TINY, loss: 'nsgan', gWidth: 8 },
    });
    expect(rebuilt.find((e) => e.type === 'rebuilt')).toMatchObject({
      reason: 'config',
      changed: ['gWidth', 'r1Gamma'], // loss was already nsgan (live)
    });
    expect(h.last('created', 'a')?.parameterCounts.generator).toBeLessThan(1000);
    expect(h.iteration('a')).toBe(0);
    await h.request({ type: 'reset', runId: 'a' });
    expect(h.last('rebuilt', 'a')).toMatchObject({ reason: 'reset', changed: [] });
  });

  it('a snapshot after a live change carries the new settings and the same weights (saved runs)', async () => {
    const h = await start();
    const nsgan: GanConfig = { ...TINY, loss: 'nsgan', r1Gamma: 0, r2Gamma: 0 };
    await h.request({ type: 'create', runId: 'a', kind: 'toy', config: nsgan, stream: STREAM });
    await h.request({ type: 'step', runId: 'a', n: 5 });
    await h.request({ type: 'pause', runId: 'a' });
    const snapshotOf = async () => {
      const answer = await h.request({ type: 'snapshot', runId: 'a' });
      const event = answer.find((e) => e.type === 'snapshot');
      if (event?.type !== 'snapshot') throw new Error('no snapshot');
      return event.snapshot;
    };
    const before = await snapshotOf();
    expect(before.config).toMatchObject({ loss: 'nsgan', r1Gamma: 0 });
    // Paused at step 5, the loss switched to RpGAN + R1, then saved: the bug listed the
    // save as "NSGAN, no penalty" and reopened it so.
    const rpgan: GanConfig = { ...nsgan, loss: 'rpgan', r1Gamma: 0.1 };
    await h.request({ type: 'configure', runId: 'a', kind: 'toy', config: rpgan });
    const after = await snapshotOf();
    expect(after.config).toEqual(rpgan);
    expect(after.iteration).toBe(5);
    expect(after.values).toEqual(before.values);
    // And one more change (a settings file with loss "hinge"), then a step and a save.
    const hinge: GanConfig = { ...rpgan, loss: 'hinge' };
    await h.request({ type: 'configure', runId: 'a', kind: 'toy', config: hinge });
    await h.request({ type: 'step', runId: 'a', n: 1 });
    expect((await snapshotOf()).config).toEqual(hinge);
  });

  it('divergence pauses the run with a reason; play is refused until reset', async () => {
    const h = await start();
    const config: GanConfig = {
      ...TINY,
      gOptimizer: { ...TINY.gOptimizer, kind: 'sgd', lr: 10 },
      dOptimizer: { ...TINY.dOptimizer, kind: 'sgd', lr: 10 },
      loss: 'lsgan',
    };
    await h.request({ type: 'create', runId: 'a', kind: 'toy', config, stream: STREAM });
    await h.request({ type: 'play', runId: 'a' });
    const diverged = await h.waitFor(() => h.last('diverged', 'a'), 'divergence');
    expect(diverged.message).toMatch(/NaN or infinite by step \d+/);
    expect(diverged.step).toBeGreaterThan(0);
    await h.waitFor(
      () => (h.last('phase', 'a')?.phase === 'paused' ? true : undefined),
      'the run to pause',
    );
    await expect(h.request({ type: 'play', runId: 'a' })).rejects.toThrow(/Reset the run/);
    await h.request({ type: 'configure', runId: 'a', kind: 'toy', config: TINY });
    await h.request({ type: 'step', runId: 'a', n: 2 });
    expect(h.iteration('a')).toBe(2);
  });
});

describe('RunManager: device loss', () => {
  it('continues on the fallback backend from the snapshot taken at pause', async () => {
    const h = await start();
    await h.request({ type: 'create', runId: 'a', kind: 'toy', config: TINY, stream: STREAM });
    await h.request({ type: 'step', runId: 'a', n: 13 });
    const before = Array.from(h.last('samples', 'a')!.points);
    await h.request({ type: 'debug-lose-device' });
    const changed = await h.waitFor(() => h.last('backend-changed'), 'backend-changed');
    expect(h.last('device-lost')).toMatchObject({ backend: 'wasm', reason: 'destroyed' });
    expect(changed).toMatchObject({
      backend: 'cpu',
      previous: 'wasm',
      runs: [{ runId: 'a', iteration: 13, lostIterations: 0, restoredFrom: 'snapshot' }],
    });
    expect(tf.getBackend()).toBe('cpu');
    await h.waitFor(() => (h.manager.idle ? true : undefined), 'recovery');
    const after = Array.from(h.last('samples', 'a')!.points);
    after.forEach((v, i) => expect(v).toBeCloseTo(before[i], 4));
    await h.request({ type: 'step', runId: 'a', n: 2 });
    expect(h.iteration('a')).toBe(15);
    expect((await h.stats()).backend).toBe('cpu');
  });

  it('a playing run resumes after the loss, from its last periodic snapshot', async () => {
    const h = await start();
    await h.request({
      type: 'create',
      runId: 'a',
      kind: 'toy',
      config: TINY,
      stream: { ...STREAM, snapshotEvery: 5 },
    });
    await h.request({ type: 'play', runId: 'a' });
    await h.waitFor(() => (h.iteration('a') >= 12 ? true : undefined), '12 iterations');
    await h.request({ type: 'debug-lose-device' });
    const changed = await h.waitFor(() => h.last('backend-changed'), 'backend-changed');
    const restored = changed.runs[0];
    expect(restored.iteration % 5).toBe(0);
    expect(restored.iteration).toBeGreaterThanOrEqual(10);
    expect(restored.lostIterations).toBeLessThan(5 + 10);
    await h.waitFor(
      () => (h.iteration('a') >= restored.iteration + 20 ? true : undefined),
      'training to go on',
    );
    const phases = h.all('phase', 'a').map((e) => e.phase);
    expect(phases.slice(-2)).toEqual(['compiling', 'training']);
    await h.request({ type: 'pause', runId: 'a' });
  });
});

/**
 * The smallest Stacked MNIST model: the ResNet pair with 4 channels per stage, batch 4. (Not
 * DCGAN: its G has batch norm, so a sample depends on the other latents of its batch, and the
 * interpolation's end points would not equal the grid's tiles.)
 */
const TINY_IMAGE: ImageGanConfig = {
  ...stackedMnistDefaults(100),
  arch: 'resnet',
  gChannels: [4, 4, 4],
  dChannels: [4, 4, 4],
  latentDim: 8,
  batchSize: 4,
  emaHalfLife: 0,
};

describe('image runs (Stacked MNIST)', () => {
  it('debug-gradcheck runs the conv suite the browser self-test uses', async () => {
    const h = await start();
    const check = (await h.request({ type: 'debug-gradcheck', suite: 'conv' })).find(
      (e): e is WorkerEventOf<'gradcheck'> => e.type === 'gradcheck',
    )!;
    expect(check.results.map((r) => r.name)).toHaveLength(3); // a renamed case would drop out
    for (const r of check.results) expect(r.relativeError, r.name).toBeLessThan(1e-2);
  }, 120_000);

  it('create → image grid of the fixed latents and a grid of real images; steps change the grid', async () => {
    const h = await start();
    const answers = await h.request({
      type: 'create',
      runId: 'img',
      kind: 'image',
      config: TINY_IMAGE,
      stream: { ...STREAM, sampleCount: 9, evalEvery: 0 },
    });
    const created = answers.find((e) => e.type === 'created');
    if (created?.type !== 'created') throw new Error('no created event');
    expect(created.kind).toBe('image');
    expect(created.realImages).toMatchObject({ columns: 3, rows: 3, tile: 28 });
    expect(created.realImages!.pixels).toHaveLength(
      created.realImages!.width * created.realImages!.height * 4,
    );
    const first = h.last('image-samples', 'img')!;
    expect(first.grid).toMatchObject({ columns: 3, rows: 3, width: 3 * 28 + 2 });
    expect(h.all('samples', 'img')).toHaveLength(0);

    await h.request({ type: 'step', runId: 'img', n: 2 });
    expect(h.iteration('img')).toBe(2);
    const after = h.last('image-samples', 'img')!;
    expect(after.iteration).toBe(2);
    expect(Array.from(after.grid.pixels)).not.toEqual(Array.from(first.grid.pixels));
    await expect(
      h.request({ type: 'request-heatmap', runId: 'img', resolution: 8 }),
    ).rejects.toThrow(/2-D runs only/);
  }, 120_000);

  it('interpolates between two grid samples: ends match the grid tiles; evaluates 1000 modes', async () => {
    const h = await start();
    await h.request({
      type: 'create',
      runId: 'img',
      kind: 'image',
      config: TINY_IMAGE,
      stream: { ...STREAM, sampleCount: 4, evalSamples: 40 },
    });
    const grid = h.last('image-samples', 'img')!.grid;
    const answer = await h.request({
      type: 'interpolate',
      runId: 'img',
      from: 0,
      to: 3,
      steps: 5,
      mode: 'slerp',
    });
    const strip = answer.find((e) => e.type === 'interpolation');
    if (strip?.type !== 'interpolation') throw new Error('no interpolation event');
    expect(strip.strip).toMatchObject({ columns: 5, rows: 1, tile: 28 });
    // First tile of the strip = sample 0 of the grid (same latents, same G); last = sample 3.
    const tile = (g: typeof grid, col: number, row: number) => {
      const out: number[] = [];
      for (let y = 0; y < 28; y++)
        for (let x = 0; x < 28; x++) {
          const i = ((row * 29 + y) * g.width + col * 29 + x) * 4;
          out.push(g.pixels[i], g.pixels[i + 1], g.pixels[i + 2]);
        }
      return out;
    };
    const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 1);
    expect(close(tile(strip.strip, 0, 0), tile(grid, 0, 0))).toBe(true);
    expect(close(tile(strip.strip, 4, 0), tile(grid, 1, 1))).toBe(true);
    await expect(
      h.request({ type: 'interpolate', runId: 'img', from: 0, to: 4, steps: 5, mode: 'lerp' }),
    ).rejects.toThrow(/not in the grid/);

    // An evaluation: the classifier reads 40 generated images into the 1000-mode histogram.
    await h.request({ type: 'set-stream', runId: 'img', stream: { evalEvery: 1 } });
    await h.request({ type: 'step', runId: 'img', n: 1 });
    const evaluation = h.last('eval', 'img')?.evaluation;
    if (!evaluation || !('kind' in evaluation)) throw new Error('no image evaluation');
    expect(evaluation).toMatchObject({ kind: 'image', totalModes: 1000, evalSamples: 40, step: 1 });
    expect(evaluation.modeCounts).toHaveLength(1000);
    expect(evaluation.modeCounts.reduce((a, b) => a + b, 0)).toBe(40);
    expect(evaluation.modesCovered).toBe(evaluation.modeCounts.filter((c) => c > 0).length);
    expect(evaluation.klFloor).toBeCloseTo(999 / 80, 6);
    // The confident measure rides along: its counts are a subset of the samples.
    const confident = evaluation.confidentModeCounts ?? [];
    expect(confident).toHaveLength(1000);
    expect(confident.reduce((a, b) => a + b, 0)).toBe(Math.round(40 * evaluation.confidentShare!));
    expect(evaluation.confidentModesCovered).toBe(confident.filter((c) => c > 0).length);
    expect(confident.every((c, i) => c <= evaluation.modeCounts[i])).toBe(true);
  }, 120_000);

  it('after a device loss, evaluations use a classifier rebuilt on the fallback backend', async () => {
    const fromBytes = vi.spyOn(DigitClassifier, 'fromBytes');
    const dispose = vi.spyOn(DigitClassifier.prototype, 'dispose');
    try {
      const h = await start();
      const stream = { ...STREAM, sampleCount: 4, evalEvery: 1, evalSamples: 12 };
      await h.request({ type: 'create', runId: 'img', kind: 'image', config: TINY_IMAGE, stream });
      await h.request({ type: 'step', runId: 'img', n: 1 });
      expect(fromBytes).toHaveBeenCalledTimes(1);
      const onWasm = fromBytes.mock.results[0].value as DigitClassifier;

      await h.request({ type: 'debug-lose-device' });
      await h.waitFor(() => h.last('backend-changed'), 'backend-changed');
      await h.waitFor(() => (h.manager.idle ? true : undefined), 'recovery');
      // The wasm classifier is gone with its backend, not read again by the next evaluation.
      expect(dispose.mock.contexts).toContain(onWasm);

      await h.request({ type: 'step', runId: 'img', n: 1 });
      expect(fromBytes).toHaveBeenCalledTimes(2);
      expect(h.last('eval', 'img')?.evaluation).toMatchObject({ kind: 'image', evalSamples: 12 });
    } finally {
      fromBytes.mockRestore();
      dispose.mockRestore();
    }
  }, 120_000);

  it('evaluates early on fewer samples, then at the usual cadence (the stream’s schedule)', async () => {
    const h = await start();
    await h.request({
      type: 'create',
      runId: 'img',
      kind: 'image',
      config: TINY_IMAGE,
      stream: {
        ...STREAM,
        sampleCount: 4,
        evalEvery: 4,
        evalSamples: 40,
        earlyEvalEvery: 2,
        earlyEvalSamples: 20,
      },
    });
    await h.request({ type: 'step', runId: 'img', n: 6 });
    const evals = h.all('eval', 'img').map((e) => e.evaluation);
    expect(evals.map((e) => [e.step, 'evalSamples' in e ? e.evalSamples : null])).toEqual([
      [2, 20],
      [4, 40],
    ]);
    const early = evals[0];
    if (!('kind' in early)) throw new Error('not an image evaluation');
    expect(early.klFloor).toBeCloseTo(999 / 40, 6);
    expect(early.modeCounts.reduce((a, b) => a + b, 0)).toBe(20);
  }, 120_000);

  it('switching between a toy and an image dataset rebuilds; snapshots restore image runs', async () => {
    const h = await start();
    await h.request({ type: 'create', runId: 'a', kind: 'toy', config: TINY, stream: STREAM });
    const switched = await h.request({
      type: 'configure',
      runId: 'a',
      kind: 'image',
      config: TINY_IMAGE,
    });
    expect(switched.find((e) => e.type === 'rebuilt')).toMatchObject({ reason: 'config' });
    expect(switched.find((e) => e.type === 'created')).toMatchObject({ kind: 'image' });
    await h.request({ type: 'step', runId: 'a', n: 3 });
    const snap = (await h.request({ type: 'snapshot', runId: 'a' })).find(
      (e) => e.type === 'snapshot',
    );
    if (snap?.type !== 'snapshot') throw new Error('no snapshot');
    expect(snap.iteration).toBe(3);
    await h.request({
      type: 'restore',
      runId: 'b',
      kind: 'image',
      snapshot: snap.snapshot,
      stream: STREAM,
    });
    const restoredGrid = h.last('image-samples', 'b')!.grid.pixels;
    const originalGrid = h.last('image-samples', 'a')!.grid.pixels;
    expect(Array.from(restoredGrid)).toEqual(Array.from(originalGrid));
    await expect(
      h.request({ type: 'restore', runId: 'c', kind: 'toy', snapshot: snap.snapshot }),
    ).rejects.toThrow();
    const back = await h.request({ type: 'configure', runId: 'a', kind: 'toy', config: TINY });
    expect(back.find((e) => e.type === 'created')).toMatchObject({ kind: 'toy' });
  }, 120_000);
});

describe('RunManager: settings that do not fit the backend (issue 14)', () => {
  const LARGEST: GanConfig = { ...DEFAULT_CONFIG, ...LARGEST_MODEL };

  it('refuses them at create and at configure, and the run keeps training as it was', async () => {
    const h = await start();
    await expect(
      h.request({ type: 'create', runId: 'big', kind: 'toy', config: LARGEST }),
    ).rejects.toThrow(
      /more than the wasm backend can hold .* A batch size of \d+ or less would fit/,
    );
    expect(h.all('created', 'big')).toHaveLength(0);

    await h.request({ type: 'create', runId: 'a', kind: 'toy', config: TINY, stream: STREAM });
    await h.request({ type: 'step', runId: 'a', n: 2 });
    await expect(
      h.request({ type: 'configure', runId: 'a', kind: 'toy', config: LARGEST }),
    ).rejects.toThrow(/G width 1024 × depth 8, D width 1024 × depth 8, batch size 4096/);
    // Still the old run: it steps on from 2, with its old settings.
    await h.request({ type: 'step', runId: 'a', n: 1 });
    expect(h.iteration('a')).toBe(3);
    expect(h.all('rebuilt', 'a')).toHaveLength(0);
  });

  it('a wasm abort is a fatal error: every run stops and the worker refuses further work', async () => {
    const h = await start();
    await h.request({ type: 'create', runId: 'a', kind: 'toy', config: TINY, stream: STREAM });
    const step = vi.spyOn(ToyGanTrainer.prototype, 'step').mockImplementationOnce(() => {
      throw new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.');
    });
    try {
      await h.request({ type: 'play', runId: 'a' });
      const fatal = await h.waitFor(
        () => h.all('error').find((e) => e.fatal),
        'a fatal error event',
      );
      expect(fatal.message).toMatch(/the wasm backend failed and cannot continue .*Aborted\(\)/);
      await expect(h.request({ type: 'step', runId: 'a', n: 1 })).rejects.toThrow(
        /can no longer compute/,
      );
    } finally {
      step.mockRestore();
    }
  });
});

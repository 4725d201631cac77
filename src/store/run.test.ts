import { describe, expect, it } from 'vitest';

import type { LogRow, WorkerEvent } from '../protocol';
import { historyPoints } from './downsample';
import { appendRows, applyRunEvent, initialRunState, restartNotice, type RunState } from './run';

const apply = (state: RunState, event: WorkerEvent): RunState => ({
  ...state,
  ...applyRunEvent(state, event),
});

const row = (step: number): LogRow => ({
  step,
  dLoss: 1,
  gLoss: 2,
  r1: 0,
  r2: 0,
  dReal: 0,
  dFake: 0,
  gradSqReal: 0,
  gradSqFake: 0,
  dGradNorm: 0,
  gGradNorm: 0,
});

const bounds = { xMin: -3, xMax: 3, yMin: -3, yMax: 3 };

const toyEval = (step: number) => ({
  step,
  modesCovered: 3,
  totalModes: 8,
  highQuality: 0.5,
  reverseKL: 1.2,
  slicedWasserstein: 0.3,
  modeCounts: [1, 0, 0, 0, 0, 0, 0, 0],
});

describe('run reducer', () => {
  it('tracks creation, samples, phase and counters', () => {
    let s = initialRunState();
    s = apply(s, {
      type: 'created',
      runId: 'main',
      kind: 'toy',
      config: {} as never,
      stream: {} as never,
      bounds,
      realSamples: new Float32Array(4),
      parameterCounts: { generator: 10, discriminator: 20 },
    });
    expect(s.created).toBe(true);
    expect(s.frame.bounds).toEqual(bounds);
    s = apply(s, { type: 'phase', runId: 'main', phase: 'compiling' });
    s = apply(s, { type: 'phase', runId: 'main', phase: 'training', compileMs: 900 });
    expect(s).toMatchObject({ phase: 'training', compileMs: 900 });
    s = apply(s, { type: 'metrics', runId: 'main', rows: [], iteration: 42, stepsPerSecond: 12 });
    expect(s).toMatchObject({ iteration: 42, stepsPerSecond: 12 });
    const points = new Float32Array([1, 2]);
    s = apply(s, {
      type: 'samples',
      runId: 'main',
      iteration: 40,
      points,
      transport: null,
      manifold: null,
    });
    expect(s.frame).toMatchObject({ fake: points, iteration: 40, bounds });
  });

  it('a rebuild clears the histories and says which settings forced it', () => {
    let s = { ...initialRunState(), ...appendRows(initialRunState(), [row(1), row(2)]) };
    expect(historyPoints(s.metrics)).toHaveLength(2);
    s = apply(s, {
      type: 'rebuilt',
      runId: 'main',
      reason: 'config',
      changed: ['dataset', 'seed'],
    });
    expect(historyPoints(s.metrics)).toHaveLength(0);
    expect(s.iteration).toBe(0);
    expect(s.notice).toEqual({
      kind: 'info',
      text: 'Restarted from step 0: a new dataset needs new networks.',
    });
    expect(restartNotice([])).toMatch(/^Reset/);
    // The panel's labels, in a sentence, never the code's field names.
    expect(restartNotice(['seed', 'gWidth', 'latentDist'])).toBe(
      'Restarted from step 0: changing Seed, G width and Noise needs new networks.',
    );
    // Switching to Stacked MNIST changes every setting: the dataset says it all.
    expect(restartNotice(['dataset', 'r1Gamma', 'r2Gamma', 'batchSize', 'gOptimizer'])).toBe(
      'Restarted from step 0: a new dataset needs new networks.',
    );
  });

  it('evaluations go to their own history, %HQ in percent', () => {
    const s = apply(initialRunState(), {
      type: 'eval',
      runId: 'main',
      evaluation: toyEval(100),
    });
    expect(historyPoints(s.evals)).toEqual([
      { step: 100, modesCovered: 3, highQuality: 50, reverseKL: 1.2, slicedWasserstein: 0.3 },
    ]);
  });

  it('an image run: its grids, interpolation strip and 1000-mode evaluations', () => {
    const grid = (fill: number) => ({
      pixels: new Uint8ClampedArray(4 * 57 * 57).fill(fill),
      width: 57,
      height: 57,
      columns: 2,
      rows: 2,
      tile: 28,
    });
    const realImages = grid(1);
    let s = apply(initialRunState(), {
      type: 'created',
      runId: 'main',
      kind: 'image',
      config: {} as never,
      stream: {} as never,
      bounds,
      realSamples: new Float32Array(0),
      realImages,
      parameterCounts: { generator: 10, discriminator: 20 },
    });
    expect(s.kind).toBe('image');
    expect(s.frame.realImages).toMatchObject({ pixels: realImages.pixels, columns: 2, tile: 28 });
    expect(s.frame.images).toBeNull();
    const generated = grid(2);
    s = apply(s, { type: 'image-samples', runId: 'main', iteration: 50, grid: generated });
    expect(s.frame.images).toEqual({ ...generated, iteration: 50 });
    s = apply(s, {
      type: 'interpolation',
      runId: 'main',
      iteration: 50,
      from: 3,
      to: 7,
      mode: 'slerp',
      strip: { ...grid(3), columns: 10, rows: 1 },
    });
    expect(s.interpolation).toMatchObject({
      steps: 10,
      from: 3,
      to: 7,
      mode: 'slerp',
      iteration: 50,
    });
    const modeCounts = new Array<number>(1000).fill(0);
    modeCounts[123] = 4000;
    modeCounts[999] = 1000;
    const evaluation = {
      kind: 'image' as const,
      step: 500,
      modesCovered: 2,
      totalModes: 1000,
      reverseKL: 5.4,
      klFloor: 0.0999,
      evalSamples: 5000,
      modeCounts,
      confidentShare: 0.8,
      confidentModesCovered: 1,
      confidentModeCounts: modeCounts.map((count, i) => (i === 123 ? count : 0)),
    };
    s = apply(s, { type: 'eval', runId: 'main', evaluation });
    expect(s.imageEvaluation).toBe(evaluation);
    expect(s.evaluation).toBeNull();
    // Fields that only toys have are null on the charts; the floor rides along with the KL.
    expect(historyPoints(s.evals)).toEqual([
      {
        step: 500,
        modesCovered: 2,
        highQuality: null,
        reverseKL: 5.4,
        slicedWasserstein: null,
        klFloor: 0.0999,
        confidentModesCovered: 1,
        confidentPercent: 80,
      },
    ]);
    // A rebuild (e.g. back to a toy) forgets the image run's views.
    s = apply(s, { type: 'rebuilt', runId: 'main', reason: 'config', changed: ['dataset'] });
    expect(s.imageEvaluation).toBeNull();
    expect(s.interpolation).toBeNull();
  });

  it('after a worker crash: the history drops what will be redone, and the user is told', () => {
    let s = { ...initialRunState(), ...appendRows(initialRunState(), [10, 20, 30, 40].map(row)) };
    const event: WorkerEvent = {
      type: 'worker-restarted',
      reason: 'no answer for 10.0 s',
      runs: [{ runId: 'main', iteration: 20, lostIterations: 20, restoredFrom: 'snapshot' }],
    };
    expect(applyRunEvent(s, event, 'other')).toEqual({});
    s = { ...s, ...applyRunEvent(s, event, 'main') };
    expect(historyPoints(s.metrics).map((p) => p.step)).toEqual([10, 20]);
    expect(s.iteration).toBe(20);
    expect(s.notice).toEqual({
      kind: 'info',
      text: expect.stringMatching(
        /stopped \(no answer for 10.0 s\).*resumed from its last snapshot at step 20 \(20 steps are redone\).*keep their history/,
      ),
    });
    s = { ...s, ...appendRows(s, [30].map(row)) };
    expect(historyPoints(s.metrics).map((p) => p.step)).toEqual([10, 20, 30]);
  });

  it('after a device loss: the history drops what will be redone, and the user is told (issue 14)', () => {
    const steps = Array.from({ length: 15 }, (_, i) => 10 * (i + 1)); // 10 … 150
    let s = { ...initialRunState(), ...appendRows(initialRunState(), steps.map(row)) };
    s = apply(s, { type: 'eval', runId: 'main', evaluation: toyEval(100) });
    const event: WorkerEvent = {
      type: 'backend-changed',
      backend: 'webgl',
      previous: 'webgpu',
      fallbackReasons: [],
      runs: [{ runId: 'main', iteration: 50, lostIterations: 101, restoredFrom: 'snapshot' }],
    };
    s = { ...s, ...applyRunEvent(s, event, 'main') };
    expect(s.backend).toBe('webgl');
    expect(historyPoints(s.metrics).map((p) => p.step)).toEqual([10, 20, 30, 40, 50]);
    expect(historyPoints(s.evals)).toEqual([]);
    expect(s.iteration).toBe(50);
    expect(s.notice).toEqual({
      kind: 'info',
      text: 'The webgpu device was lost; the run continues on webgl from its last snapshot at step 50 (101 steps redone).',
    });
    // The redone steps come again, once: the steps never go back.
    s = { ...s, ...appendRows(s, [60, 70].map(row)) };
    const after = historyPoints(s.metrics).map((p) => p.step);
    expect(after.every((t, i) => i === 0 || t > after[i - 1])).toBe(true);
    // Another run's view of the same event: only the backend changes.
    const other = applyRunEvent(s, event, 'other');
    expect(other).toEqual({ backend: 'webgl', fallbackReasons: expect.any(Array) });
  });

  it('divergence and run errors become notices; other runs are not its business', () => {
    let s = apply(initialRunState(), {
      type: 'diverged',
      runId: 'main',
      step: 5,
      field: 'dLoss',
      message: 'Training diverged.',
    });
    expect(s.notice).toEqual({
      kind: 'error',
      action: 'reset',
      text: expect.stringMatching(/the D loss \(dLoss\) became NaN or infinite by step 5.*Reset/),
    });
    s = apply({ ...s, notice: null }, { type: 'error', message: 'worker-level' });
    expect(s.notice).toBeNull();
  });
});

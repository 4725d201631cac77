import { describe, expect, it } from 'vitest';
import { DEFAULT_STREAM, type BackendName, type WorkerEvent } from '../protocol';
import type { AnyTrainer } from '../engine/core/snapshot';
import type { LogRow } from '../engine/core/trainer';
import { Pacer, readbackDue, syncInterval } from './pacing';
import { newRun, type Run } from './run';

describe('syncInterval', () => {
  it('queues at most ~100 ms of device work, between 1 and readbackEvery iterations', () => {
    expect(syncInterval(null, 10)).toBe(1);
    expect(syncInterval(2000, 10)).toBe(1); // software WebGPU: wait for every step
    expect(syncInterval(30, 10)).toBe(3);
    expect(syncInterval(2, 10)).toBe(10); // a real GPU: the loss readback is the sync
    expect(syncInterval(0, 10)).toBe(10);
  });
});

describe('readbackDue', () => {
  it('reads the losses every readbackEvery iterations, on any backend', () => {
    expect(readbackDue(20, 10, false, 19, 1)).toBe('losses');
    expect(readbackDue(20, 10, true, 19, 1)).toBe('losses');
    expect(readbackDue(21, 10, false, 0, 1)).toBeNull(); // cpu/wasm: a step is done on return
  });

  it('on a GPU, waits for a weight once the device may be syncEvery iterations behind', () => {
    expect(readbackDue(13, 10, true, 11, 3)).toBeNull();
    expect(readbackDue(14, 10, true, 11, 3)).toBe('weight');
    expect(readbackDue(15, 10, true, 11, 3)).toBe('weight');
  });
});

/** A trainer stand-in: steps are counted by the test, readbacks resolve at once. */
function fakeTrainer(rowsAt: (iteration: number) => LogRow[]) {
  const trainer = {
    iteration: 0,
    weightReads: 0,
    flushLogs: async () => rowsAt(trainer.iteration),
    lastWritten: () => ({
      data: async () => {
        trainer.weightReads++;
        return new Float32Array(1);
      },
    }),
  };
  return trainer;
}

function harness(backend: BackendName, rows: (iteration: number) => LogRow[] = () => []) {
  let time = 0;
  const events: WorkerEvent[] = [];
  const pacer = new Pacer({
    post: (event) => events.push(event),
    now: () => time,
    guard: (promise) => promise,
    setPhase: (run, phase) => (run.phase = phase),
    backend: () => backend,
  });
  const trainer = fakeTrainer(rows);
  const run: Run = newRun(
    'a',
    {} as Run['config'],
    { ...DEFAULT_STREAM, readbackEvery: 10 },
    trainer as unknown as AnyTrainer,
    { count: 0, latentDim: 2, latents: new Float32Array(0), real: new Float32Array(0) },
    { xMin: 0, xMax: 1, yMin: 0, yMax: 1 },
  );
  /** One step taking `ms` of device time, with what pacing does around it. */
  async function step(ms: number, manual = false) {
    const before = run.readbacks;
    trainer.iteration++;
    time += ms;
    await pacer.afterStep(run, manual);
    pacer.endStep(run, trainer.iteration, before);
  }
  return { pacer, run, trainer, events, step, advance: (ms: number) => (time += ms) };
}

describe('Pacer', () => {
  it('waits for the first step (compiling → training), then lets a fast GPU run ahead to the loss readback', async () => {
    // The trainer logs (a loss row to read) every 10th iteration, like logEvery 10.
    const h = harness('webgpu', (it) => (it % 10 === 0 ? [{ step: it } as LogRow] : []));
    h.run.playing = true;
    h.run.phase = 'compiling';
    await h.step(1);
    expect(h.run.warm).toBe(true);
    expect(h.run.phase).toBe('training');
    expect(h.trainer.weightReads).toBe(1); // no loss row to read: a weight the step wrote
    // Step 2 waits too (the device's speed is still unknown); then at 1 ms per step 100 ms of
    // queued work is more than readbackEvery, so nothing waits until the loss readback at 10.
    for (let i = 0; i < 9; i++) await h.step(1);
    expect(h.trainer.weightReads).toBe(2);
    expect(h.run.sync?.iteration).toBe(10);
    expect(h.run.syncPoints).toBe(3);
    expect(h.run.readbacks).toBe(3);
    expect(h.pacer.readbacks).toBe(3);
  });

  it('on a slow GPU (software WebGPU), waits for every step', async () => {
    const h = harness('webgpu');
    await h.step(2000);
    for (let i = 0; i < 5; i++) await h.step(2000);
    expect(h.trainer.weightReads).toBe(6);
    expect(h.run.syncPoints).toBe(6);
    expect(h.run.sync?.msPerStep).toBeCloseTo(2000);
  });

  it('on cpu never waits between loss readbacks, and every step is a sync without a readback', async () => {
    const h = harness('cpu');
    for (let i = 0; i < 9; i++) await h.step(5);
    expect(h.trainer.weightReads).toBe(1); // the first, compiling step
    expect(h.run.sync?.iteration).toBe(9);
    expect(h.run.syncPoints).toBe(1);
  });

  it('posts metrics at most every 50 ms from loss readbacks, and every 500 ms while playing', async () => {
    const row = { step: 10 } as LogRow;
    const h = harness('cpu', (it) => (it === 1 || it === 10 ? [row] : []));
    h.run.playing = true;
    await h.step(1); // compiling: reads a row, posts (the first metrics event)
    for (let i = 0; i < 9; i++) await h.step(1); // iteration 10: a row, but only 9 ms later
    const metrics = () => h.events.filter((e) => e.type === 'metrics');
    expect(metrics()).toHaveLength(1);
    expect(h.run.pendingRows).toHaveLength(1); // kept for the next event
    h.advance(500);
    await h.step(0); // no readback due at 11, but 500 ms without an event
    expect(metrics()).toHaveLength(2);
    expect(metrics()[1]).toMatchObject({ iteration: 11, rows: [row] });
    expect(h.run.pendingRows).toHaveLength(0);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from './backend';
import type { GanConfig } from './config';
import { tinyConfig } from '../testing/tinyConfig';
import { assignSnapshot, restoreSnapshot, takeSnapshot } from './snapshot';
import { ToyGanTrainer } from './trainer';
import { defaultViewBounds, discriminatorGrid, generatedPoints, makeViewBatch } from '../toy/views';

const SMALL: GanConfig = tinyConfig({ batchSize: 32, emaHalfLife: 5 });

async function outputs(trainer: ToyGanTrainer): Promise<number[][]> {
  const batch = makeViewBatch(trainer, 32);
  const bounds = defaultViewBounds(trainer.dataset, 1);
  const tensors = [
    generatedPoints(trainer, batch),
    generatedPoints(trainer, batch, true),
    discriminatorGrid(trainer, bounds, 6),
  ];
  const out = await Promise.all(tensors.map(async (t) => Array.from(await t.data())));
  tf.dispose(tensors);
  return out;
}

async function variableValues(trainer: ToyGanTrainer): Promise<number[][]> {
  return Promise.all(trainer.variables.map(async (v) => Array.from(await v.data())));
}

describe('trainer snapshots', () => {
  beforeAll(() => useNodeBackend('wasm'));

  it('round trip: a restored trainer has identical variables, counters and outputs', async () => {
    const original = new ToyGanTrainer(SMALL, 5);
    for (let i = 0; i < 6; i++) original.step();
    await original.flushLogs();
    const snapshot = await takeSnapshot(original);
    expect(snapshot.iteration).toBe(6);
    expect(snapshot.optimizerSteps).toEqual([6, 6]);
    // G, D, EMA (weights + biases) and the Adam moments of G and D.
    expect(snapshot.shapes).toHaveLength(original.variables.length);

    const restored = restoreSnapshot(snapshot, 'copy/') as ToyGanTrainer;
    expect(restored.iteration).toBe(6);
    expect(restored.optimizerSteps).toEqual([6, 6]);
    expect(restored.config).toEqual(original.config);
    expect(await variableValues(restored)).toEqual(await variableValues(original));
    expect(await outputs(restored)).toEqual(await outputs(original));

    // The snapshot is a copy: training the original further does not change it.
    original.step();
    expect(Array.from(snapshot.values)).toEqual((await variableValues(restored)).flat());
    original.dispose();
    restored.dispose();
  });

  it('restores onto another backend (the device-loss path) with matching outputs', async () => {
    const original = new ToyGanTrainer(SMALL, 5, 'wasm/');
    for (let i = 0; i < 4; i++) original.step();
    await original.flushLogs();
    const snapshot = await takeSnapshot(original);
    const expected = await outputs(original);
    original.dispose();

    await useNodeBackend('cpu');
    try {
      const restored = restoreSnapshot(snapshot, 'cpu/') as ToyGanTrainer;
      const got = await outputs(restored);
      got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 4)));
      // It trains on from there.
      restored.step();
      expect(restored.iteration).toBe(5);
      await restored.flushLogs();
      restored.dispose();
    } finally {
      await useNodeBackend('wasm');
    }
  });

  it('rejects a snapshot of a different architecture', async () => {
    const a = new ToyGanTrainer(SMALL, 5, 'a/');
    const b = new ToyGanTrainer({ ...SMALL, dWidth: 8 }, 5, 'b/');
    const c = new ToyGanTrainer({ ...SMALL, emaHalfLife: 0 }, 5, 'c/');
    const snapshot = await takeSnapshot(a);
    expect(() => assignSnapshot(b, snapshot)).toThrow(/shape/);
    expect(() => assignSnapshot(c, snapshot)).toThrow(/variables/);
    [a, b, c].forEach((t) => t.dispose());
  });

  it('leaks no tensors', async () => {
    const trainer = new ToyGanTrainer(SMALL, 5, 'leak/');
    const before = tf.memory().numTensors;
    const snapshot = await takeSnapshot(trainer);
    assignSnapshot(trainer, snapshot);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });
});

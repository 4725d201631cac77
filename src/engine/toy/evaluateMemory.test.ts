/**
 * Long runs evaluate every few hundred steps: an evaluation must leave no tensor behind (the
 * soak benchmark found 6 leaked activations per evaluation, ~1.6 MB each on the opening run).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../core/backend';
import { evaluate } from './evaluate';
import { tinyConfig } from '../testing/tinyConfig';
import { ToyGanTrainer } from '../core/trainer';

describe('evaluation memory', () => {
  beforeAll(() => useNodeBackend('wasm'));

  it.each([0, 50])('evaluate() leaves numTensors flat (EMA half-life %d)', async (ema) => {
    const trainer = new ToyGanTrainer(tinyConfig({ emaHalfLife: ema }), 10);
    trainer.step();
    await trainer.flushLogs();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await evaluate(trainer, 300);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });
});

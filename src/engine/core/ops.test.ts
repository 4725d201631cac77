import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { useNodeBackend } from './backend';
import { addAll } from './ops';

describe('addAll', () => {
  beforeAll(async () => {
    await useNodeBackend('cpu');
  });

  it('sums any number of tensors, as tf.addN would', async () => {
    for (const n of [1, 2, 7, 8, 15, 50]) {
      const terms = Array.from({ length: n }, (_, i) => tf.tensor1d([i, 2 * i]));
      const sum = addAll(terms);
      expect(Array.from(await sum.data())).toEqual([(n * (n - 1)) / 2, n * (n - 1)]);
      tf.dispose([...terms, sum]);
    }
  });

  it('never runs an AddN kernel with more than 7 inputs (WebGPU binds 8 storage buffers)', async () => {
    const terms = Array.from({ length: 30 }, () => tf.ones([3]));
    const profile = await tf.profile(() => addAll(terms));
    const addNs = profile.kernels.filter((k) => k.name === 'AddN');
    expect(addNs.length).toBeGreaterThan(1);
    for (const kernel of addNs) expect(kernel.inputShapes.length).toBeLessThanOrEqual(7);
    tf.dispose([...terms, profile.result as tf.Tensor]);
  });

  it('refuses an empty list', () => {
    expect(() => addAll([])).toThrow(/at least one/);
  });
});

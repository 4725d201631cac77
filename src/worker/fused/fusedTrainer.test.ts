import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../engine/core/backend';
import { tinyConfig } from '../../engine/testing/tinyConfig';
import { ToyGanTrainer } from '../../engine/core/trainer';
import { FlatParams } from './flatParams';
import { FusedToyTrainer, fusedUnsupportedReason } from './fusedTrainer';
import { Mlp } from '../../engine/toy/mlp';
import { Rng } from '../../engine/core/rng';

async function allValues(trainer: ToyGanTrainer): Promise<number[]> {
  const flat = tf.tidy(() => tf.concat(trainer.variables.map((v) => tf.reshape(v, [-1]))));
  const values = Array.from(await flat.data());
  flat.dispose();
  return values;
}

describe('fused trainer (Node: no GPU backend, so its kernels cannot run)', () => {
  beforeAll(() => useNodeBackend('cpu'));

  it('falls back to the op path when a kernel fails, and trains exactly as the op path', async () => {
    const config = tinyConfig({ seed: 5, emaHalfLife: 3 });
    const ops = new ToyGanTrainer(config, 1, 'fb-ops/');
    const fused = new FusedToyTrainer(config, 1, 'fb-fused/', 'webgl');
    expect(fused.stepPath).toBe('ops');
    expect(fused.needsKernelCheck).toBe(true);
    const reason = await fused.checkKernels();
    // No fused kernel is registered for cpu: the check fails and says so.
    expect(reason).toMatch(/fused webgl kernels failed .*FusedDense.*standard tfjs ops/);
    expect(fused.needsKernelCheck).toBe(false);
    expect(fused.stepPath).toBe('ops');
    for (let i = 0; i < 3; i++) {
      ops.step();
      fused.step();
    }
    expect(await fused.flushLogs()).toEqual(await ops.flushLogs());
    expect(await allValues(fused)).toEqual(await allValues(ops));
    ops.dispose();
    fused.dispose();
  });

  it('keeps configs without fused kernels on the op path', () => {
    expect(fusedUnsupportedReason(tinyConfig({ loss: 'wgan-gp' }))).toMatch(/wgan-gp/);
    expect(fusedUnsupportedReason(tinyConfig({ loss: 'rpgan' }))).toBeNull();
    const fused = new FusedToyTrainer(tinyConfig({ loss: 'wgan-gp' }), 1, 'fb-gp/', 'webgpu');
    expect(fused.needsKernelCheck).toBe(false);
    expect(fused.opsReason).toMatch(/wgan-gp loss has no fused kernels/);
    fused.unwantedReason = 'the fused step is turned off (stream option fusedStep)';
    expect(fused.opsReason).toMatch(/turned off/);
    fused.dispose();
  });
});

describe('FlatParams', () => {
  beforeAll(() => useNodeBackend('cpu'));

  it('writes a replaced buffer back only when the weights are used, and repacks after assigns', async () => {
    const net = new Mlp({ inputDim: 2, width: 3, depth: 1, outputDim: 1 }, new Rng(1), 'flat');
    const flat = new FlatParams(net);
    const total = net.parameterCount;
    const packed = await flat.current().data();
    const expected = await tf.concat(net.storedVariables.map((v) => tf.reshape(v, [-1]))).data();
    expect(Array.from(packed)).toEqual(Array.from(expected));

    const next = tf.keep(tf.range(0, total, 1, 'float32')) as tf.Tensor1D;
    flat.replace(next);
    // Not yet written back: the stored variables still hold the initial weights.
    expect(Array.from(await net.storedVariables[0].data())).toEqual(Array.from(packed.slice(0, 6)));
    expect(flat.pending).toBe(next);
    // Using the weights writes them back in Mlp.variables order.
    const [w0, , b0] = net.variables;
    expect(Array.from(await w0.data())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(await b0.data())).toEqual([9, 10, 11]);
    expect(flat.pending).toBeNull();
    expect(flat.current()).toBe(next);

    // An outside assign (e.g. a restored snapshot) makes the next current() repack.
    net.storedVariables[3].assign(tf.tensor1d([42]));
    const repacked = await flat.current().data();
    expect(repacked[total - 1]).toBe(42);
    flat.dispose();
    net.dispose();
  });
});

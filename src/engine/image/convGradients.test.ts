/**
 * R1/R2 (and WGAN-GP) weight gradients of every convolutional D configuration against central
 * finite differences, on both Node backends: DCGAN and R3GAN-style ResNet, ± minibatch stddev,
 * progressive growing mid-fade (α 0.5) and faded in (α 1). The worker runs the same cases on the
 * browser backends (`debug-gradcheck` with suite 'conv').
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useNodeBackend } from '../core/backend';
import {
  CONV_PENALTY_CASES,
  checkConvPenaltyGradients,
  convPenaltyGradientError,
} from '../core/gradientCheck';

describe.each(NODE_BACKENDS)('conv D: R1/R2 weight gradients vs finite differences on %s', (b) => {
  beforeAll(async () => {
    await useNodeBackend(b);
  });

  it('every configuration agrees to < 1e-2 relative, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const results = await checkConvPenaltyGradients();
    expect(results.map((r) => r.name)).toEqual(CONV_PENALTY_CASES.map((c) => c.name));
    for (const r of results) expect(r.relativeError, r.name).toBeLessThan(1e-2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('detects a silently wrong second-order gradient (tanh on the logits) — the check can fail', async () => {
    const c = CONV_PENALTY_CASES[0];
    // Shifted and scaled so that tanh is curved where the logits lie.
    const wrap = (logits: tf.Tensor) => tf.tanh(tf.add(tf.mul(logits, 2), 1));
    const error = await convPenaltyGradientError(c, 21, wrap);
    expect(error).toBeGreaterThan(5e-2);
  });
});

/**
 * The second-order-safe resamplers against independent references: tfjs's own half-pixel
 * bilinear resize (forward only: its gradients are the broken part) and a plain-JS [1,3,3,1]
 * filter. Their double-backprop correctness is covered by every conv D in convGradients.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../core/backend';
import { downsample2x, downsampleMean2x, upsample2x } from './resample';
import { Rng } from '../core/rng';

const N = 2;
const H = 6;
const W = 4;
const C = 3;

function image(seed: number, h = H, w = W): tf.Tensor4D {
  return tf.tensor4d(new Rng(seed).normals(N * h * w * C), [N, h, w, C]);
}

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  return (await tf.max(tf.abs(tf.sub(a, b))).data())[0];
}

/** [1,3,3,1]/8 with stride 2 and edge replication, one axis of a row-major [n, len, stride]. */
function referenceDown1d(x: number[]): number[] {
  const at = (i: number) => x[Math.min(x.length - 1, Math.max(0, i))];
  return Array.from(
    { length: x.length / 2 },
    (_, i) => (at(2 * i - 1) + 3 * at(2 * i) + 3 * at(2 * i + 1) + at(2 * i + 2)) / 8,
  );
}

async function referenceDown(x: tf.Tensor4D): Promise<tf.Tensor4D> {
  const [n, h, w, c] = x.shape;
  const v = (await x.array()) as number[][][][];
  const out: number[][][][] = [];
  for (let b = 0; b < n; b++) {
    // Rows first (H), then columns (W), per channel.
    const rows: number[][][] = Array.from({ length: h / 2 }, () =>
      Array.from({ length: w }, () => new Array(c).fill(0)),
    );
    for (let j = 0; j < w; j++)
      for (let k = 0; k < c; k++)
        referenceDown1d(v[b].map((row) => row[j][k])).forEach((y, i) => (rows[i][j][k] = y));
    out.push(
      rows.map((row) => {
        const cols: number[][] = Array.from({ length: w / 2 }, () => new Array(c).fill(0));
        for (let k = 0; k < c; k++)
          referenceDown1d(row.map((p) => p[k])).forEach((y, j) => (cols[j][k] = y));
        return cols;
      }),
    );
  }
  return tf.tensor4d(out);
}

describe('×2 resampling built from second-order-safe ops', () => {
  beforeAll(async () => {
    await useNodeBackend('cpu');
  });

  it('upsample2x equals half-pixel bilinear resizing (the [1,3,3,1] filter)', async () => {
    const x = image(1);
    const stock = tf.image.resizeBilinear(x, [2 * H, 2 * W], false, true);
    expect(await maxDiff(upsample2x(x), stock)).toBeLessThan(1e-5);
  });

  it('upsample2x keeps constants and interleaves 0.75/0.25', async () => {
    expect(
      await maxDiff(
        upsample2x(tf.fill([1, 3, 3, 2], -1) as tf.Tensor4D),
        tf.fill([1, 6, 6, 2], -1),
      ),
    ).toBe(0);
    const ramp = tf.tensor4d([0, 4, 8], [1, 3, 1, 1]);
    const up = await tf.reshape(upsample2x(ramp), [-1]).data();
    // Along H: [0, 1, 3, 5, 7, 8]; W (size 1) is replicated.
    expect(Array.from(up)).toEqual([0, 0, 1, 1, 3, 3, 5, 5, 7, 7, 8, 8]);
  });

  it('downsample2x equals a plain [1,3,3,1]/8 stride-2 filter with clamped edges', async () => {
    const x = image(2);
    expect(await maxDiff(downsample2x(x), await referenceDown(x))).toBeLessThan(1e-5);
    const big = image(3, 28, 28);
    expect(downsample2x(big).shape).toEqual([N, 14, 14, C]);
    expect(downsample2x(downsample2x(big)).shape).toEqual([N, 7, 7, C]);
  });

  it('downsampleMean2x is the 2×2 box mean', async () => {
    const x = image(4);
    const stock = tf.avgPool(x, 2, 2, 'valid');
    expect(await maxDiff(downsampleMean2x(x), stock)).toBeLessThan(1e-6);
  });

  it('down(up(x)) is a mild blur of x: its mean is preserved', async () => {
    const x = image(5);
    const round = downsample2x(upsample2x(x));
    expect(round.shape).toEqual(x.shape);
    const means = await tf.stack([tf.mean(x), tf.mean(round)]).data();
    expect(means[1]).toBeCloseTo(means[0], 2);
  });

  it('rejects odd sizes', () => {
    expect(() => downsample2x(image(6, 7, 4))).toThrow(/even/);
  });
});

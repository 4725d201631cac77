/** The digit split and the Stacked MNIST sampler. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistFromPublic } from '../../cli/assets';
import { useNodeBackend } from '../core/backend';
import { fnv1a32, MNIST_PIXELS, type MnistDigits } from './mnist';
import { Rng } from '../core/rng';
import { splitDigits, StackedMnistSampler, stackedBatch } from './stackedMnist';

let digits: MnistDigits;
beforeAll(async () => {
  await useNodeBackend('cpu');
  digits = loadMnistFromPublic();
});

describe('splitDigits', () => {
  it('is seeded, disjoint, complete and 8000/2000 by default', () => {
    const a = splitDigits(digits, 7);
    const b = splitDigits(digits, 7);
    const c = splitDigits(digits, 8);
    expect(a.train.count).toBe(8000);
    expect(a.heldOut.count).toBe(2000);
    expect(Array.from(a.heldOutIndices)).toEqual(Array.from(b.heldOutIndices));
    expect(Array.from(a.heldOutIndices)).not.toEqual(Array.from(c.heldOutIndices));
    const seen = new Uint8Array(digits.count);
    for (const i of a.trainIndices) seen[i]++;
    for (const i of a.heldOutIndices) seen[i]++;
    expect(seen.every((s) => s === 1)).toBe(true);
    // Every digit class is in both parts (a random 20 % of a class of ~1000).
    const heldOutPerClass = new Array<number>(10).fill(0);
    for (const l of a.heldOut.labels) heldOutPerClass[l]++;
    for (const n of heldOutPerClass) expect(n).toBeGreaterThan(130);
  });

  it('copies the selected digits with their labels', () => {
    const { heldOut, heldOutIndices } = splitDigits(digits, 3, 50);
    expect(heldOut.count).toBe(50);
    for (let i = 0; i < 50; i++) {
      const j = heldOutIndices[i];
      expect(heldOut.labels[i]).toBe(digits.labels[j]);
      const a = heldOut.images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS);
      const b = digits.images.subarray(j * MNIST_PIXELS, (j + 1) * MNIST_PIXELS);
      expect(fnv1a32(a)).toBe(fnv1a32(b));
    }
  });
});

describe('StackedMnistSampler', () => {
  it('stacks three real digits whose labels make the triple', () => {
    // Image hash → label of every digit in the pool (the few duplicate images agree on it).
    const labelOf = new Map<number, number>();
    for (let i = 0; i < digits.count; i++)
      labelOf.set(
        fnv1a32(digits.images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS)),
        digits.labels[i],
      );
    const n = 300;
    const { pixels, triples } = new StackedMnistSampler(digits, new Rng(1)).sample(n);
    expect(pixels.length).toBe(n * MNIST_PIXELS * 3);
    const channel = new Uint8Array(MNIST_PIXELS);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const found: number[] = [];
      for (let c = 0; c < 3; c++) {
        for (let p = 0; p < MNIST_PIXELS; p++) {
          const v = pixels[(i * MNIST_PIXELS + p) * 3 + c];
          min = Math.min(min, v);
          max = Math.max(max, v);
          channel[p] = Math.round((v + 1) * 127.5);
        }
        found.push(labelOf.get(fnv1a32(channel)) ?? -1);
      }
      expect(triples[i]).toBe(100 * found[0] + 10 * found[1] + found[2]);
    }
    expect(min).toBe(-1);
    expect(max).toBe(1);
  });

  it('draws the 1000 modes uniformly (χ² test) and reproducibly', () => {
    const n = 10_000;
    const { triples } = new StackedMnistSampler(digits, new Rng(5)).sample(n);
    const again = new StackedMnistSampler(digits, new Rng(5)).sample(100).triples;
    expect(Array.from(again)).toEqual(Array.from(triples.subarray(0, 100)));
    const counts = new Array<number>(1000).fill(0);
    for (const t of triples) counts[t]++;
    const expected = n / 1000;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // χ²(999): mean 999, sd 44.7; 5 sd either side.
    expect(chi2).toBeGreaterThan(999 - 5 * 44.7);
    expect(chi2).toBeLessThan(999 + 5 * 44.7);
    // Each channel's digit is uniform too, although the pool's classes are not (863–1127).
    for (const place of [100, 10, 1]) {
      const perDigit = new Array<number>(10).fill(0);
      for (const t of triples) perDigit[Math.floor(t / place) % 10]++;
      for (const c of perDigit) expect(Math.abs(c - n / 10)).toBeLessThan(5 * Math.sqrt(n * 0.09));
    }
  });

  it('stackedBatch is a [n, 28, 28, 3] tensor of the sampled pixels', async () => {
    const t = stackedBatch(new StackedMnistSampler(digits, new Rng(2)), 4);
    expect(t.shape).toEqual([4, 28, 28, 3]);
    const expected = new StackedMnistSampler(digits, new Rng(2)).sample(4).pixels;
    expect(Array.from(await t.data())).toEqual(Array.from(expected));
    t.dispose();
    expect(tf.memory().numTensors).toBe(0);
  });

  it('needs every digit class in its pool', () => {
    const zeros = { count: 1, images: new Uint8Array(MNIST_PIXELS), labels: new Uint8Array(1) };
    expect(() => new StackedMnistSampler(zeros, new Rng(1))).toThrow(/there is no 1/);
  });
});

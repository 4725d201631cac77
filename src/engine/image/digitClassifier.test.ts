/**
 * The digit classifier: the shipped weights meet the accuracy bar on digits they never saw, the
 * weights file round-trips and fails clearly when damaged, channels map to the right digit of the
 * triple, and the network runs only on kernels that are correct on every backend.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifierFromPublic, loadMnistFromPublic, publicPath } from '../../cli/assets';
import { useNodeBackend } from '../core/backend';
import { classifierAccuracy, digitsTensor, trainDigitClassifier } from './classifierTraining';
import { DigitClassifier } from './digitClassifier';
import { CLASSIFIER_ASSET_PATH, type MnistDigits } from './mnist';
import { Rng } from '../core/rng';
import { selectDigits, splitDigits } from './stackedMnist';

let digits: MnistDigits;
let shipped: DigitClassifier;
beforeAll(async () => {
  await useNodeBackend('wasm');
  digits = loadMnistFromPublic();
  shipped = loadClassifierFromPublic();
});
afterAll(() => shipped.dispose());

describe('shipped digit classifier', () => {
  it('is ≥ 98 % accurate on the 2000 held-out digits it never saw, as its file says', async () => {
    const { heldOut } = splitDigits(digits);
    const accuracy = await classifierAccuracy(shipped, heldOut);
    expect(accuracy).toBeGreaterThanOrEqual(0.98);
    expect(shipped.meta.heldOutAccuracy).toBeCloseTo(accuracy, 4);
    expect(shipped.meta.splitSeed).toBeDefined();
  });

  it('classifies each colour channel into its own digit of the triple (R hundreds, B units)', async () => {
    // Held-out digits of three classes (2, 7, 9) that the classifier gets right on their own.
    const { heldOut } = splitDigits(digits);
    const candidates = [2, 7, 9].flatMap((d) =>
      Array.from(heldOut.labels.keys())
        .filter((i) => heldOut.labels[i] === d)
        .slice(0, 5),
    );
    const x = digitsTensor(heldOut, candidates);
    const predicted = shipped.predictDigits(x);
    const values = Array.from(await predicted.data());
    tf.dispose([x, predicted]);
    const picks = [2, 7, 9].map((d) =>
      candidates.find((i, k) => heldOut.labels[i] === d && values[k] === d),
    ) as number[];
    expect(picks.every((i) => i !== undefined)).toBe(true);
    const orders = [
      [0, 1, 2],
      [2, 0, 1],
      [1, 2, 0],
    ];
    const singles = tf.tidy(() => tf.unstack(digitsTensor(heldOut, picks), 0));
    const images = tf.tidy(() =>
      tf.stack(
        orders.map((o) =>
          tf.concat(
            o.map((k) => singles[k]),
            2,
          ),
        ),
      ),
    ) as tf.Tensor4D;
    const modes = shipped.classifyTriples(images);
    // [2,7,9] → 279, [9,2,7] → 927, [7,9,2] → 792.
    const expected = orders.map((o) => o.reduce((mode, k) => 10 * mode + [2, 7, 9][k], 0));
    expect(Array.from(await modes.data())).toEqual(expected);
    tf.dispose([singles, images, modes]);
  });

  it('gives each triple the confidence of its least legible digit', async () => {
    // Three held-out digits in R, G, B, and a blank (−1) blue channel the classifier must guess.
    const { heldOut } = splitDigits(digits);
    const singles = digitsTensor(heldOut, [0, 1, 2, 3]); // [4, 28, 28, 1]
    const blank = tf.fill([1, 28, 28, 1], -1) as tf.Tensor4D;
    const channels = [
      [0, 1, 2],
      [3, 0, -1],
    ];
    const images = tf.tidy(() => {
      const pick = (k: number) => (k < 0 ? blank : tf.slice(singles, [k], [1]));
      return tf.concat(
        channels.map((c) => tf.concat(c.map(pick), 3)),
        0,
      ) as tf.Tensor4D;
    });
    const top = tf.tidy(() => tf.max(tf.softmax(shipped.logits(tf.concat([singles, blank]))), 1));
    const topP = Array.from(await top.data()); // digits 0–3, then the blank
    const { modes, confidence } = shipped.classifyTriplesWithConfidence(images);
    const plain = shipped.classifyTriples(images);
    expect(Array.from(await modes.data())).toEqual(Array.from(await plain.data()));
    const got = Array.from(await confidence.data());
    channels.forEach((c, i) =>
      expect(got[i]).toBeCloseTo(Math.min(...c.map((k) => topP[k < 0 ? 4 : k])), 5),
    );
    expect(got[0]).toBeGreaterThan(0.9); // real digits are legible
    tf.dispose([singles, blank, images, top, modes, confidence, plain]);
  });

  it('runs only on kernels that are correct on every backend (no pooling or resize kernels)', async () => {
    const x = tf.zeros([2, 28, 28, 3]) as tf.Tensor4D;
    const profile = await tf.profile(() => shipped.classifyTriples(x));
    x.dispose();
    const kernels = new Set(profile.kernelNames);
    expect(kernels.has('Conv2D')).toBe(true);
    for (const k of kernels) expect(k).not.toMatch(/Pool|Resize|DepthToSpace|Dilation/);
    tf.dispose(profile.result as tf.Tensor);
  });
});

describe('classifier weights file', () => {
  it('round-trips the weights exactly', async () => {
    const a = DigitClassifier.create(new Rng(3));
    const bytes = await a.toBytes({ note: 'test' });
    const b = DigitClassifier.fromBytes(bytes);
    expect(b.meta).toEqual({ note: 'test' });
    expect(b.parameterCount).toBe(a.parameterCount);
    for (let i = 0; i < a.variables.length; i++)
      expect(Array.from(await b.variables[i].data())).toEqual(
        Array.from(await a.variables[i].data()),
      );
    a.dispose();
    b.dispose();
  });

  const file = new Uint8Array(readFileSync(publicPath(CLASSIFIER_ASSET_PATH)));
  const headerLength = new DataView(file.buffer, file.byteOffset).getUint32(8, true);
  const withHeader = (edit: (h: Record<string, unknown>) => void) => {
    const header = JSON.parse(new TextDecoder().decode(file.subarray(12, 12 + headerLength)));
    edit(header);
    const text = new TextEncoder().encode(JSON.stringify(header));
    const start = (12 + headerLength + 3) & ~3;
    const newStart = (12 + text.length + 3) & ~3;
    const out = new Uint8Array(newStart + file.length - start);
    out.set(file.subarray(0, 8));
    new DataView(out.buffer).setUint32(8, text.length, true);
    out.set(text, 12);
    out.set(file.subarray(start), newStart);
    return out;
  };
  const nanWeight = () => {
    const out = file.slice();
    new DataView(out.buffer).setFloat32(out.length - 4, NaN, true);
    return out;
  };

  it.each([
    ['empty', () => new Uint8Array(0), /too short/],
    ['truncated', () => file.subarray(0, file.length - 4), /bytes, but the header/],
    ['wrong magic', () => new TextEncoder().encode('<!doctype html><p>404</p>'), /wrong magic/],
    ['bad JSON', () => Uint8Array.from([...file.subarray(0, 12), 123, 125, 125]), /header/],
    ['another format', () => withHeader((h) => (h.format = 2)), /unknown format 2/],
    ['float16 dtype', () => withHeader((h) => (h.dtype = 'float16')), /unsupported dtype/],
    [
      'a mismatched tensor list',
      () => withHeader((h) => ((h.arch as { hidden: number }).hidden = 65)),
      /does not match the architecture/,
    ],
    ['a NaN weight', nanWeight, /weight \d+ is not finite/],
  ])('rejects %s with a clear error', (_name, make, detail) => {
    const load = () => DigitClassifier.fromBytes(make());
    expect(load).toThrow(/^Digit classifier weights are missing or corrupt: /);
    expect(load).toThrow(detail);
  });
});

describe('trainDigitClassifier', () => {
  it('learns (seeded) from a few hundred digits in a couple of epochs', async () => {
    const { train, heldOut } = splitDigits(digits);
    const small = selectDigits(
      train,
      Array.from({ length: 640 }, (_, i) => i * 12),
    );
    const arch = { conv1: 4, conv2: 8, hidden: 16 };
    const options = { seed: 4, epochs: 2, batch: 64, lr: 1e-2, shift: 1, arch };
    const a = await trainDigitClassifier(small, options);
    const b = await trainDigitClassifier(small, options);
    expect(Buffer.from(await a.toBytes()).equals(Buffer.from(await b.toBytes()))).toBe(true);
    const sample = selectDigits(
      heldOut,
      Array.from({ length: 500 }, (_, i) => i),
    );
    // Chance is 10 %; 20 steps of Adam already do far better, even with this tiny network.
    expect(await classifierAccuracy(a, sample)).toBeGreaterThan(0.5);
    a.dispose();
    b.dispose();
  });
});

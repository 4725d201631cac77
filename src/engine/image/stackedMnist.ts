/**
 * Stacked MNIST (VEEGAN/PacGAN; R3GAN §2.4): three random MNIST digits in the R, G and B channels
 * of one 28×28×3 image (no padding to 32×32). Its mode is the digit triple, index
 * 100·d_R + 10·d_G + d_B, so there are 1000 modes.
 *
 * Each channel draws its digit *class* uniformly from 0–9 and then an image of that class
 * uniformly, so the 1000 modes are exactly equally likely (the asset's classes are not equally
 * frequent: 863 fives to 1127 ones; drawing images uniformly would put the data itself ≈0.01 nats
 * from uniform). GAN training draws from all 10,000 digits (the paper protocol's pool is MNIST
 * train+test); the classifier is trained only on the `train` part of `splitDigits`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MNIST_PIXELS, type MnistDigits } from './mnist';
import { Rng } from '../core/rng';

export const STACKED_MODES = 1000;
export const STACKED_SHAPE = [28, 28, 3] as const;

/** The classifier-training / held-out split used by the shipped classifier. */
export const CLASSIFIER_SPLIT_SEED = 2024;
export const HELD_OUT_DIGITS = 2000;

export interface DigitSplit {
  /** Digits the classifier trains on. */
  train: MnistDigits;
  /** Digits the classifier never sees: its accuracy is measured here. */
  heldOut: MnistDigits;
  /** Indices into the source digits of each part. */
  trainIndices: Uint32Array;
  heldOutIndices: Uint32Array;
}

/** Copies the digits at `indices` into a new MnistDigits. */
export function selectDigits(digits: MnistDigits, indices: ArrayLike<number>): MnistDigits {
  const count = indices.length;
  const images = new Uint8Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const j = indices[i];
    images.set(digits.images.subarray(j * MNIST_PIXELS, (j + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
    labels[i] = digits.labels[j];
  }
  return { count, images, labels };
}

/**
 * A seeded random split (Fisher–Yates on the indices): `heldOut` digits for measuring the
 * classifier, the rest for training it. Disjoint, and the same for the same seed.
 */
export function splitDigits(
  digits: MnistDigits,
  seed: number = CLASSIFIER_SPLIT_SEED,
  heldOut: number = HELD_OUT_DIGITS,
): DigitSplit {
  if (!(Number.isInteger(heldOut) && heldOut >= 1 && heldOut < digits.count))
    throw new Error(`splitDigits: held-out size ${heldOut} must be in 1..${digits.count - 1}`);
  const order = new Uint32Array(digits.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const rng = new Rng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const heldOutIndices = order.slice(0, heldOut).sort();
  const trainIndices = order.slice(heldOut).sort();
  return {
    train: selectDigits(digits, trainIndices),
    heldOut: selectDigits(digits, heldOutIndices),
    trainIndices,
    heldOutIndices,
  };
}

export interface StackedSample {
  /** n × 28 × 28 × 3, NHWC, in [−1, 1] (pixel/127.5 − 1). */
  pixels: Float32Array;
  /** Mode index of each image: 100·d_R + 10·d_G + d_B. */
  triples: Uint16Array;
}

/** Byte → [−1, 1] (b/127.5 − 1), looked up rather than divided: sampling is pixel-bound. */
const TO_UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 127.5 - 1);

export class StackedMnistSampler {
  readonly digits: MnistDigits;
  private readonly rng: Rng;
  /** byClass[d] = indices of the digits labelled d. */
  private readonly byClass: Uint32Array[];

  constructor(digits: MnistDigits, rng: Rng) {
    this.digits = digits;
    this.rng = rng;
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < digits.count; i++) counts[digits.labels[i]]++;
    const missing = counts.findIndex((c) => c === 0);
    if (missing >= 0) throw new Error(`Stacked MNIST needs every digit; there is no ${missing}`);
    this.byClass = counts.map((c) => new Uint32Array(c));
    const filled = new Array<number>(10).fill(0);
    for (let i = 0; i < digits.count; i++) {
      const d = digits.labels[i];
      this.byClass[d][filled[d]++] = i;
    }
  }

  sample(n: number): StackedSample {
    const pixels = new Float32Array(n * MNIST_PIXELS * 3);
    const triples = new Uint16Array(n);
    const { images } = this.digits;
    for (let i = 0; i < n; i++) {
      let mode = 0;
      const base = i * MNIST_PIXELS * 3;
      for (let c = 0; c < 3; c++) {
        const d = this.rng.int(10);
        const pool = this.byClass[d];
        const src = pool[this.rng.int(pool.length)] * MNIST_PIXELS;
        for (let p = 0, q = base + c; p < MNIST_PIXELS; p++, q += 3)
          pixels[q] = TO_UNIT[images[src + p]];
        mode = 10 * mode + d;
      }
      triples[i] = mode;
    }
    return { pixels, triples };
  }
}

/** A batch of real Stacked MNIST images as a [n, 28, 28, 3] tensor in [−1, 1]. */
export function stackedBatch(sampler: StackedMnistSampler, n: number): tf.Tensor4D {
  return tf.tensor4d(sampler.sample(n).pixels, [n, ...STACKED_SHAPE]);
}

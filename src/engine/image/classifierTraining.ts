/**
 * Training and measuring the digit classifier (the Stacked MNIST instrument). Seeded: the same
 * seed, data and backend give the same weights. Used by `npm run train:classifier` and tests.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Optimizer } from '../core/adam';
import { DigitClassifier, DEFAULT_CLASSIFIER_ARCH, type ClassifierArch } from './digitClassifier';
import { MNIST_PIXELS, MNIST_SIDE, type MnistDigits } from './mnist';
import { Rng } from '../core/rng';

export interface ClassifierTrainingOptions {
  seed: number;
  epochs: number;
  batch: number;
  /** Peak Adam learning rate; cosine decay to 1 % of it over the run. */
  lr: number;
  /** Random translation of each training digit by up to ±shift pixels (zero fill). */
  shift: number;
  arch?: ClassifierArch;
  onEpoch?: (info: {
    epoch: number;
    loss: number;
    seconds: number;
    classifier: DigitClassifier;
  }) => void | Promise<void>;
}

export const DEFAULT_CLASSIFIER_TRAINING: ClassifierTrainingOptions = {
  seed: 1,
  epochs: 24,
  batch: 64,
  lr: 3e-3,
  shift: 2,
};

/**
 * Digits as a [n, 28, 28, 1] float tensor in [−1, 1], each shifted by (dy, dx) from `shifts`
 * (pairs, in pixels) when given; pixels moved in from outside are black (−1).
 */
export function digitsTensor(
  digits: MnistDigits,
  indices: ArrayLike<number>,
  shifts?: Int8Array,
): tf.Tensor4D {
  const n = indices.length;
  const out = new Float32Array(n * MNIST_PIXELS).fill(-1);
  for (let i = 0; i < n; i++) {
    const src = indices[i] * MNIST_PIXELS;
    const dy = shifts ? shifts[2 * i] : 0;
    const dx = shifts ? shifts[2 * i + 1] : 0;
    for (let y = 0; y < MNIST_SIDE; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= MNIST_SIDE) continue;
      for (let x = 0; x < MNIST_SIDE; x++) {
        const sx = x - dx;
        if (sx < 0 || sx >= MNIST_SIDE) continue;
        out[i * MNIST_PIXELS + y * MNIST_SIDE + x] =
          digits.images[src + sy * MNIST_SIDE + sx] / 127.5 - 1;
      }
    }
  }
  return tf.tensor4d(out, [n, MNIST_SIDE, MNIST_SIDE, 1]);
}

/** Fraction of `digits` the classifier labels correctly (batched, async readback). */
export async function classifierAccuracy(
  classifier: DigitClassifier,
  digits: MnistDigits,
  batch = 500,
): Promise<number> {
  let correct = 0;
  for (let start = 0; start < digits.count; start += batch) {
    const end = Math.min(digits.count, start + batch);
    const indices = Array.from({ length: end - start }, (_, i) => start + i);
    const x = digitsTensor(digits, indices);
    const predicted = classifier.predictDigits(x);
    x.dispose();
    const values = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < values.length; i++) if (values[i] === digits.labels[start + i]) correct++;
  }
  return correct / digits.count;
}

/** Trains a fresh classifier on `digits` with Adam and softmax cross-entropy. */
export async function trainDigitClassifier(
  digits: MnistDigits,
  options: ClassifierTrainingOptions,
): Promise<DigitClassifier> {
  const { seed, epochs, batch, lr, shift } = options;
  const rng = new Rng(seed);
  const classifier = DigitClassifier.create(rng.fork(1), options.arch ?? DEFAULT_CLASSIFIER_ARCH);
  const optimizer = new Optimizer('adam', classifier.variables);
  const dataRng = rng.fork(2);
  const stepsPerEpoch = Math.floor(digits.count / batch);
  const totalSteps = epochs * stepsPerEpoch;
  const order = new Uint32Array(digits.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const shifts = new Int8Array(2 * batch);
  let step = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      for (let i = order.length - 1; i > 0; i--) {
        const j = dataRng.int(i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      const losses: tf.Scalar[] = [];
      for (let s = 0; s < stepsPerEpoch; s++, step++) {
        const indices = order.subarray(s * batch, (s + 1) * batch);
        for (let k = 0; k < shifts.length; k++) shifts[k] = dataRng.int(2 * shift + 1) - shift;
        const x = digitsTensor(digits, indices, shifts);
        const labels = tf.tensor1d(
          Array.from(indices, (i) => digits.labels[i]),
          'int32',
        );
        const onehot = tf.oneHot(labels, 10);
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(onehot, classifier.logits(x)) as tf.Scalar,
          classifier.variables,
        );
        const progress = step / Math.max(1, totalSteps - 1);
        const stepLr = lr * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * progress)));
        optimizer.apply(grads, stepLr, 0.9, 0.999);
        tf.dispose([x, labels, onehot, grads]);
        losses.push(value);
      }
      const stacked = tf.stack(losses);
      const mean = tf.mean(stacked);
      const loss = (await mean.data())[0];
      tf.dispose([stacked, mean, losses]);
      const seconds = (performance.now() - started) / 1000;
      await options.onEpoch?.({ epoch, loss, seconds, classifier });
    }
  } finally {
    optimizer.dispose();
  }
  return classifier;
}

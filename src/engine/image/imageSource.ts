/**
 * Where an image GAN's real batches come from. The Stacked MNIST sampler (stackedMnist.ts)
 * plugs in here; tests use the synthetic source below, which needs no data files.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/rng';

export interface ImageSource {
  /** n images, NHWC [n, 28, 28, 3], values in [−1, 1]. */
  sample(n: number): tf.Tensor4D;
}

/** Builds a source that draws from the given seeded stream (the trainer's data stream). */
export type ImageSourceFactory = (rng: Rng) => ImageSource;

/**
 * A synthetic 8-mode image distribution for tests: each of the three channels shows a bright
 * square (value 1 on a −1 background) in the left or the right half, chosen independently per
 * channel, so the mode is a 3-bit code, like Stacked MNIST's digit triple with two "digits".
 */
export function syntheticImageSource(rng: Rng, size = 28): ImageSource {
  return {
    sample(n: number): tf.Tensor4D {
      const pixels = new Float32Array(n * size * size * 3).fill(-1);
      const side = Math.floor(size / 3);
      const top = Math.floor((size - side) / 2);
      for (let i = 0; i < n; i++)
        for (let c = 0; c < 3; c++) {
          const left = rng.uniform() < 0.5 ? 2 : size - side - 2;
          for (let y = top; y < top + side; y++)
            for (let x = left; x < left + side; x++)
              pixels[((i * size + y) * size + x) * 3 + c] = 1;
        }
      return tf.tensor4d(pixels, [n, size, size, 3]);
    },
  };
}

/**
 * ×2 resampling of NHWC images built only from slice, concat, reshape, stack, mul, add and mean,
 * whose gradients are correct at every order in tfjs 4.22 (tfjs-second-order.md §3). The stock
 * alternatives are unusable in a discriminator trained with R1/R2: resizeBilinear/avgPool/maxPool
 * have no second-order gradient (their *Grad kernels have none), resizeBilinear's first-order
 * gradient ignores halfPixelCenters, avgPool 'same' divides by the wrong count, depthwiseConv2d
 * fails, and tile of rank ≥ 5 has no gradient (and falls back to the CPU on WebGPU).
 *
 * The filters are R3GAN's (gan-facts.md §4.4): the binomial [1, 3, 3, 1] applied with upfirdn2d.
 * - upsample2x: zero-insert, then filter with [1,3,3,1]/4 (gain 2 per axis) = bilinear
 *   interpolation at half-pixel centres: each output pixel is 0.75·nearest + 0.25·next nearest.
 * - downsample2x: filter with [1,3,3,1]/8, keep every second pixel (the transpose of the above up
 *   to a factor 2 per axis): out[i] = (x[2i−1] + 3x[2i] + 3x[2i+1] + x[2i+2]) / 8.
 * Borders replicate the edge pixel (clamp), as half-pixel bilinear resizing does, rather than
 * upfirdn2d's zero padding, which would pull the edge of a [−1, 1] image (MNIST background −1)
 * towards 0.
 *
 * downsampleMean2x is the cheaper documented alternative: a 2×2 box (reshape + mean), 2 kernels
 * instead of ~14, but it aliases more (its frequency response has no zero at ¼ cycle/pixel).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Slice [start, start + len) of axis `axis`. */
function part(x: tf.Tensor, axis: number, start: number, len: number): tf.Tensor {
  const begin = x.shape.map(() => 0);
  const size = x.shape.map(() => -1);
  begin[axis] = start;
  size[axis] = len;
  return tf.slice(x, begin, size);
}

/*
 * Every op below stays at rank ≤ 4: tfjs-wasm's Slice, Unpack and Pack kernels have a fast path
 * only up to rank 4, and a rank-5 slice or unstack was 50–200× slower (measured: 0.2 s for a
 * 400k-element rank-5 slice). Interleaving and de-interleaving therefore fold the pair axis into
 * the next axis: rows 2i and 2i+1 of [N, H, W, C] are the two halves of row i of
 * [N, H/2, 2W, C], and columns 2j and 2j+1 are the two halves of pixel j of [N, H, W/2, 2C].
 */

/** Bilinear ×2 along one spatial axis (1 = H, 2 = W) of an NHWC tensor. */
function upsampleAxis(x: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const size = axis === 1 ? h : w;
  // Neighbours with the edge replicated: prev[i] = x[i − 1], next[i] = x[i + 1].
  const prev = size === 1 ? x : tf.concat([part(x, axis, 0, 1), part(x, axis, 0, size - 1)], axis);
  const next =
    size === 1 ? x : tf.concat([part(x, axis, 1, size - 1), part(x, axis, size - 1, 1)], axis);
  const three = tf.mul(x, 0.75);
  const even = tf.add(three, tf.mul(prev, 0.25));
  const odd = tf.add(three, tf.mul(next, 0.25));
  return axis === 1
    ? (tf.reshape(tf.concat([even, odd], 2), [n, 2 * h, w, c]) as tf.Tensor4D)
    : (tf.reshape(tf.concat([even, odd], 3), [n, h, 2 * w, c]) as tf.Tensor4D);
}

/** ×2 bilinear upsampling ([1,3,3,1] upfirdn filter) of an NHWC tensor. */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  return upsampleAxis(upsampleAxis(x, 1), 2);
}

/** [1,3,3,1]/8 filter then stride 2 along one spatial axis (its size must be even). */
function downsampleAxis(x: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const size = axis === 1 ? h : w;
  if (size % 2 !== 0) throw new Error(`downsample2x needs even sizes (got ${size}).`);
  const m = size / 2;
  // even[i] = x[2i], odd[i] = x[2i + 1], each [N, H/2, W, C] (or [N, H, W/2, C]).
  const folded = axis === 1 ? tf.reshape(x, [n, m, 2 * w, c]) : tf.reshape(x, [n, h, m, 2 * c]);
  const foldAxis = axis === 1 ? 2 : 3;
  const half = axis === 1 ? w : c;
  const even = part(folded, foldAxis, 0, half);
  const odd = part(folded, foldAxis, half, half);
  // x[2i − 1] and x[2i + 2], with the edges replicated: x[−1] = x[0], x[n] = x[n − 1].
  const before =
    m === 1 ? even : tf.concat([part(even, axis, 0, 1), part(odd, axis, 0, m - 1)], axis);
  const after =
    m === 1 ? odd : tf.concat([part(even, axis, 1, m - 1), part(odd, axis, m - 1, 1)], axis);
  return tf.add(
    tf.mul(tf.add(even, odd), 3 / 8),
    tf.mul(tf.add(before, after), 1 / 8),
  ) as tf.Tensor4D;
}

/** ×2 downsampling with R3GAN's [1,3,3,1] low-pass filter (even H and W). */
export function downsample2x(x: tf.Tensor4D): tf.Tensor4D {
  return downsampleAxis(downsampleAxis(x, 1), 2);
}

/** ×2 downsampling by 2×2 means (reshape + mean at rank ≤ 4): cheaper, more aliasing. */
export function downsampleMean2x(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (h % 2 !== 0 || w % 2 !== 0) throw new Error(`downsample needs even sizes (got ${h}×${w}).`);
  const rows = tf.mean(tf.reshape(x, [n * (h / 2), 2, w, c]), 1);
  return tf.reshape(tf.mean(tf.reshape(rows, [n * (h / 2), w / 2, 2, c]), 2), [
    n,
    h / 2,
    w / 2,
    c,
  ]) as tf.Tensor4D;
}

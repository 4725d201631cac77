/**
 * Building blocks whose second-order gradients are correct in tfjs 4.22.
 *
 * Why custom: tf.leakyRelu's gradient builds its mask with `greater`, which has no gradient, so
 * double backprop (R1/R2) throws; the stock 0.6x + 0.4|x| formula works but costs four kernels
 * forward and more backward. Here the forward is one LeakyRelu kernel and the gradient is
 * dy · step(x, α), where step(x, α) = (x > 0 ? 1 : α) is exactly the slope. Step's own gradient is
 * zero, which is the true second derivative of a piecewise-linear function almost everywhere,
 * and the gradient reads only the saved *input* (saved outputs break tfjs double backprop, see
 * tfjs-second-order.md §2.3). The finite-difference test in penalties.test.ts covers it.
 */
import * as tf from '@tensorflow/tfjs-core';

export const LEAKY_SLOPE = 0.2;

export const leakyRelu = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.leakyRelu(x, LEAKY_SLOPE),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.step(saved[0], LEAKY_SLOPE)),
  };
}) as (x: tf.Tensor) => tf.Tensor;

/** tf.customGrad with loose typing: its declared type cannot express fixed-arity functions. */
function customGrad(f: unknown): unknown {
  return tf.customGrad(f as Parameters<typeof tf.customGrad>[0]);
}

/**
 * WebGPU's default limit of storage buffers per shader stage (8); tfjs requests no higher one.
 * One of them is a kernel's output.
 */
const WEBGPU_MAX_KERNEL_INPUTS = 7;

/**
 * Σ tensors (same shape), as tf.addN in groups small enough for every backend. Why: tfjs-webgpu's
 * AddN binds one storage buffer per input and does not split long lists (its concat does), so
 * tf.addN of 8 or more tensors makes an invalid pipeline; WebGPU then drops the whole command
 * buffer it was encoded in, and everything queued with it (the D update, the diagnostics) reads
 * back as zeros with no exception. A 3-layer MLP's gradient norm summed 8 terms.
 */
export function addAll(tensors: tf.Tensor[]): tf.Tensor {
  if (tensors.length === 0) throw new Error('addAll needs at least one tensor');
  let terms = tensors;
  while (terms.length > 1) {
    const groups: tf.Tensor[] = [];
    for (let i = 0; i < terms.length; i += WEBGPU_MAX_KERNEL_INPUTS) {
      const group = terms.slice(i, i + WEBGPU_MAX_KERNEL_INPUTS);
      // eslint-disable-next-line no-restricted-syntax -- the one place groups are small enough
      groups.push(group.length === 1 ? group[0] : tf.addN(group));
    }
    terms = groups;
  }
  return terms[0];
}

/** Numerically stable softplus(x) = log(1 + eˣ); second-order safe (it saves its input). */
export const softplus = tf.softplus;

/**
 * Matrix product whose gradients, at every order, use only plain (untransposed) matMul kernels
 * on wasm. Why: tfjs's matMul gradient calls matMul with transposeA/transposeB, and the wasm
 * backend's transposed BatchMatMul is 15–20× slower than the plain one (measured here: 512×128 by
 * 128×128 takes 0.9 ms plain, 14.5 ms with transposeB, 18 ms with transposeA), which made
 * transposed products ~80 % of a double-backprop step. An explicit transpose plus a plain product
 * costs ~1.4 ms. GPU backends transpose for free inside the kernel, so they keep the flags.
 */
export const matMul = customGrad((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, [sa, sb]: tf.Tensor[]) => matMulGrads(dy, sa, sb),
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

function matMulGrads(dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor[] {
  if (tf.getBackend() === 'wasm') return [matMul(dy, tf.transpose(b)), matMul(tf.transpose(a), dy)];
  const dy2 = dy as tf.Tensor2D;
  return [
    tf.matMul(dy2, b as tf.Tensor2D, false, true),
    tf.matMul(a as tf.Tensor2D, dy2, true, false),
  ];
}

/**
 * Dense layer x·W + b: one fused kernel forward; gradients through `matMul` above, so every
 * order of differentiation stays on fast kernels.
 */
export const dense = customGrad(
  (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, w]);
    return {
      value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }),
      gradFunc: (dy: tf.Tensor, [sx, sw]: tf.Tensor[]) => [
        ...matMulGrads(dy, sx, sw),
        tf.sum(dy, 0),
      ],
    };
  },
) as (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * 2-D convolution, stride 1, 'same' padding, odd square kernel, NHWC, filter [k, k, in, out].
 *
 * Why custom: the wasm backend has no Conv2DBackpropFilter kernel, so stock tf.conv2d cannot be
 * trained in Node, and even R1's *second* backward pass on cpu/GPU needs it. Here both gradients
 * are themselves forward convolutions (this same op), so every order of differentiation uses only
 * the Conv2D forward kernel, which every backend has:
 *   dx = conv(dy, W') with W'[i,j,o,c] = W[k−1−i, k−1−j, c, o] (spatially flipped, in/out swapped);
 *   dW[i,j,c,o] = Σₙₕᵥ pad(x)[n,h+i,w+j,c]·dy[n,h,w,o], which is a 'valid' convolution of
 *     pad(x) laid out as [c, H+k−1, W+k−1, n] with dy laid out as a [H, W, n, o] filter.
 * GPU backends keep tfjs's own gradient kernels for the first order when they have them, but the
 * same formulas are used everywhere so that one finite-difference test covers all backends.
 */
export const conv2d = customGrad((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
    gradFunc: (dy: tf.Tensor, [sx, sw]: tf.Tensor[]) => conv2dGrads(dy, sx, sw),
  };
}) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;

function conv2dGrads(dy: tf.Tensor, x: tf.Tensor, w: tf.Tensor): tf.Tensor[] {
  const k = w.shape[0];
  const p = (k - 1) / 2;
  const dx = conv2d(dy as tf.Tensor4D, flippedFilter(w));
  const padded =
    p > 0
      ? tf.pad(x, [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ])
      : x;
  return [dx, filterGradient(padded, dy)];
}

/** W'[i,j,o,c] = W[k−1−i, k−1−j, c, o]: the filter of a convolution's input gradient. */
function flippedFilter(w: tf.Tensor): tf.Tensor4D {
  return tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
}

/**
 * dW[i,j,c,o] = Σₙₕᵥ x[n,h+i,w+j,c]·dy[n,h,w,o] for a 'valid' convolution of x (already padded
 * for a 'same' one): itself a 'valid' convolution of x laid out as [c, H, W, n] with dy laid out
 * as an [H', W', n, o] filter.
 */
function filterGradient(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return tf.transpose(
    validConv2d(
      tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D,
      tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D,
    ),
    [1, 2, 0, 3],
  );
}

/**
 * 'valid' convolution used for filter gradients; its own gradients are again forward
 * convolutions (a 'valid' conv's input gradient is a 'full' conv of dy with the flipped filter,
 * and its filter gradient is a 'valid' conv of the input with dy).
 */
const validConv2d = customGrad((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid'),
    gradFunc: (dy: tf.Tensor, [sx, sw]: tf.Tensor[]) => {
      const [kh, kw] = sw.shape;
      const full = tf.pad(dy, [
        [0, 0],
        [kh - 1, kh - 1],
        [kw - 1, kw - 1],
        [0, 0],
      ]) as tf.Tensor4D;
      return [validConv2d(full, flippedFilter(sw)), filterGradient(sx, dy)];
    },
  };
}) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;

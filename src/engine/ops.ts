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
import * as tf from '@tensorflow/tfjs';

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

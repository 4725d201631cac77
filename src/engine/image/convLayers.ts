/**
 * Convolutional building blocks for 28×28 image GANs, every one safe for double backprop (R1/R2)
 * on every backend, wasm included: 3×3 convs go through `conv2d` (ops.ts: stride 1, 'same',
 * gradients at every order are forward convolutions, no Conv2DBackpropFilter), 1×1 convs are a
 * reshape plus one matMul (`dense`/`matMul` in ops.ts: faster than a conv kernel and on the
 * wasm-friendly gradient path), activations are ops.ts's `leakyRelu`, resampling is resample.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv2d, dense, LEAKY_SLOPE, leakyRelu, matMul } from '../core/ops';
import type { Rng } from '../core/rng';

/** He gain for leaky ReLU 0.2: √(2 / (1 + 0.2²)) ≈ 1.387. */
export const LEAKY_GAIN = Math.sqrt(2 / (1 + LEAKY_SLOPE ** 2));

/** Creates named variables with seeded initial values and remembers them in order. */
export class ParamStore {
  readonly variables: tf.Variable[] = [];

  constructor(
    readonly prefix: string,
    private readonly rng: Rng,
  ) {}

  /** N(0, std²) entries; std 0 gives zeros (fix-up's zero-initialised last conv). */
  normal(name: string, shape: number[], std: number): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = std === 0 ? new Float32Array(size) : this.rng.normals(size, std);
    return this.add(name, tf.tensor(values, shape));
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape));
  }

  ones(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.ones(shape));
  }

  private add(name: string, value: tf.Tensor): tf.Variable {
    const v = tf.variable(value, true, `${this.prefix}/${name}`);
    value.dispose();
    this.variables.push(v);
    return v;
  }

  get parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

/** 1×1 convolution x·W (+ b) as one matMul over the N·H·W pixels. W: [Cin, Cout]. */
export function conv1x1(x: tf.Tensor4D, w: tf.Tensor, b?: tf.Tensor): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const flat = tf.reshape(x, [n * h * wd, c]);
  const y = b ? dense(flat, w, b) : matMul(flat, w);
  return tf.reshape(y, [n, h, wd, w.shape[1] as number]);
}

/** 3×3 (any odd k) 'same' convolution, W: [k, k, Cin, Cout]. */
export function conv3x3(x: tf.Tensor4D, w: tf.Tensor): tf.Tensor4D {
  return conv2d(x, w as tf.Tensor4D);
}

/** leakyRelu(x + b): a learned per-channel bias before the activation (R3GAN). */
export function biasAct(x: tf.Tensor, b: tf.Tensor): tf.Tensor4D {
  return leakyRelu(tf.add(x, b)) as tf.Tensor4D;
}

/**
 * How a grouped 3×3 convolution is emulated (tfjs has no `groups`):
 * - 'split': split the input channels into G slices, one conv per group, concat the outputs;
 *   G dispatches of 1/G the work each;
 * - 'blockdiag': assemble a dense [3,3,Cin,Cout] block-diagonal filter (pad + concat of the
 *   group filters) and run one conv: one dispatch, G× the arithmetic.
 * Both use the same parameters ([3, 3, Cin/G, Cout]) and give identical results.
 */
export type GroupedConvMode = 'split' | 'blockdiag';

/**
 * Grouped 3×3 conv: W is [3, 3, Cin/G, Cout]; group g maps input channels [g·Cin/G, (g+1)·Cin/G)
 * to output channels [g·Cout/G, (g+1)·Cout/G).
 */
export function groupedConv3x3(
  x: tf.Tensor4D,
  w: tf.Tensor,
  groups: number,
  mode: GroupedConvMode,
): tf.Tensor4D {
  if (groups === 1) return conv3x3(x, w);
  const [k, , cinG, cout] = w.shape;
  const coutG = cout / groups;
  const filterOf = (g: number) => tf.slice(w, [0, 0, 0, g * coutG], [k, k, cinG, coutG]);
  if (mode === 'split') {
    const parts = tf.split(x, groups, 3);
    return tf.concat(
      parts.map((p, g) => conv3x3(p as tf.Tensor4D, filterOf(g))),
      3,
    ) as tf.Tensor4D;
  }
  const cin = cinG * groups;
  const dense = tf.concat(
    Array.from({ length: groups }, (_, g) =>
      tf.pad(filterOf(g), [
        [0, 0],
        [0, 0],
        [g * cinG, cin - (g + 1) * cinG],
        [0, 0],
      ]),
    ),
    3,
  );
  return conv3x3(x, dense);
}

/**
 * Minibatch standard deviation (ProGAN, gan-facts.md §6.1): within groups of `groupSize`
 * *consecutive* samples, the population std of every feature and pixel (+1e-8 inside the root),
 * averaged to one scalar per group, appended as one constant feature map. Consecutive groups (not
 * ProGAN's strided ones) keep the real half and the fake half of D's concatenated batch apart when
 * the batch is a multiple of the group size. It couples samples: R1/R2 from one input gradient of
 * Σ D(x) then include cross-sample terms, as in StyleGAN2, which uses the same sum trick.
 */
export function minibatchStd(x: tf.Tensor4D, groupSize = 4): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const g = Math.min(groupSize, n);
  if (n % g !== 0)
    throw new Error(`Minibatch stddev: the batch (${n}) must be a multiple of the group (${g}).`);
  // Rank 3 throughout ([groups, g, H·W·C]): wasm's kernels are slow above rank 4.
  const grouped = tf.reshape(x, [n / g, g, h * w * c]);
  const centred = tf.sub(grouped, tf.mean(grouped, 1, true));
  const std = tf.sqrt(tf.add(tf.mean(tf.square(centred), 1), 1e-8));
  const perGroup = tf.reshape(tf.mean(std, 1), [n / g, 1, 1]);
  const feature = tf.reshape(tf.mul(perGroup, tf.ones([1, g, h * w])), [n, h, w, 1]);
  return tf.concat([x, feature], 3) as tf.Tensor4D;
}

/** Batch normalisation with batch statistics (G only; no running averages). */
export function batchNorm(x: tf.Tensor4D, scale: tf.Tensor, offset: tf.Tensor): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(
    tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), scale),
    offset,
  ) as tf.Tensor4D;
}

/** a + α(b − a). */
export function lerp(a: tf.Tensor, b: tf.Tensor, alpha: number): tf.Tensor {
  if (alpha >= 1) return b;
  if (alpha <= 0) return a;
  return tf.add(a, tf.mul(tf.sub(b, a), alpha));
}

/**
 * Multilayer perceptrons for the 2-D toys: `depth` hidden layers of `width` units with leaky
 * ReLU 0.2, and a linear output (no tanh on G's output, as in R3GAN).
 *
 * Each layer is one fused matMul + bias kernel followed by one leaky-ReLU kernel (ops.ts), which
 * keeps the kernel count per step low: on wasm and WebGPU, kernel count rather than arithmetic
 * dominates small MLP steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dense, leakyRelu, LEAKY_SLOPE } from '../core/ops';
import type { Rng } from '../core/rng';

export interface MlpShape {
  inputDim: number;
  width: number;
  depth: number;
  outputDim: number;
}

export class Mlp {
  readonly weights: tf.Variable<tf.Rank.R2>[] = [];
  readonly biases: tf.Variable<tf.Rank.R1>[] = [];
  /**
   * Called before the weights are used through `variables` or `apply`. A trainer that keeps the
   * weights elsewhere while it trains (the fused GPU step's flat buffers, src/worker/fused)
   * writes them back here first, so views, snapshots and the op path always see current values.
   */
  beforeUse: (() => void) | null = null;

  constructor(
    readonly shape: MlpShape,
    rng: Rng,
    readonly name: string,
  ) {
    const sizes = [shape.inputDim, ...Array(shape.depth).fill(shape.width), shape.outputDim];
    // He-normal init with the leaky-ReLU gain; the output layer gets gain 1.
    const hiddenGain = Math.sqrt(2 / (1 + LEAKY_SLOPE ** 2));
    for (let i = 0; i < sizes.length - 1; i++) {
      const fanIn = sizes[i];
      const gain = i === sizes.length - 2 ? 1 : hiddenGain;
      const w = rng.normals(fanIn * sizes[i + 1], gain / Math.sqrt(fanIn));
      // tidy: the initial tensors go once the variables hold their data (else each leaks).
      this.weights.push(
        tf.tidy(() => tf.variable(tf.tensor2d(w, [fanIn, sizes[i + 1]]), true, `${name}/w${i}`)),
      );
      this.biases.push(tf.tidy(() => tf.variable(tf.zeros([sizes[i + 1]]), true, `${name}/b${i}`)));
    }
  }

  get variables(): tf.Variable[] {
    this.beforeUse?.();
    return this.storedVariables;
  }

  /** The variables as they are, without `beforeUse` (for the code that keeps them in sync). */
  get storedVariables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  get parameterCount(): number {
    return this.storedVariables.reduce((n, v) => n + v.size, 0);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    this.beforeUse?.();
    let h: tf.Tensor2D = x;
    const last = this.weights.length - 1;
    for (let i = 0; i <= last; i++) {
      h = dense(h, this.weights[i], this.biases[i]) as tf.Tensor2D;
      if (i < last) h = leakyRelu(h) as tf.Tensor2D;
    }
    return h;
  }

  dispose(): void {
    for (const v of this.storedVariables) v.dispose();
  }
}

/**
 * Adam and SGD written out with tfjs ops rather than tf.train.adam, because the R3GAN recipe
 * changes β2 (and the learning rate) every iteration, and because the worker must snapshot and
 * restore the optimiser state (moments and step count) after a lost GPU. Bias correction uses the
 * current β's, as PyTorch's Adam does when betas are changed between steps.
 */
import * as tf from '@tensorflow/tfjs-core';

export type OptimizerKind = 'adam' | 'sgd';

export const ADAM_EPSILON = 1e-8;

/**
 * Why one flat buffer: on wasm (and on GPUs, per dispatch) kernel count dominates small steps,
 * and Adam written per weight tensor costs ~13 kernels per tensor (~260 per iteration for two
 * 4-layer MLPs). Here the gradients are concatenated once, the moments live in two flat
 * variables, the update is a dozen kernels in all, and each weight only gets slice + sub. The
 * arithmetic per element is unchanged, so results are bit-identical to the per-tensor form.
 */
export class Optimizer {
  /** First and second moments of all params, flattened and concatenated in `params` order. */
  private readonly m: tf.Variable | null;
  private readonly v: tf.Variable | null;
  private readonly sizes: number[];
  step = 0;

  constructor(
    readonly kind: OptimizerKind,
    private readonly params: tf.Variable[],
  ) {
    this.sizes = params.map((p) => p.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    const prefix = params[0]?.name ?? 'optimizer';
    const moment = (suffix: string) =>
      kind === 'adam'
        ? tf.tidy(() => tf.variable(tf.zeros([total]), false, `${prefix}/adam-${suffix}`))
        : null;
    this.m = moment('m');
    this.v = moment('v');
  }

  /** Applies one update. `grads` maps variable names to gradients (as tf.variableGrads returns). */
  apply(grads: tf.NamedTensorMap, lr: number, beta1: number, beta2: number): void {
    const { stepSize, sqrtCorrection2 } = this.nextStep(lr, beta1, beta2);
    tf.tidy(() => {
      const g = tf.concat(this.params.map((p) => tf.reshape(grads[p.name], [-1])));
      let update: tf.Tensor;
      if (this.m === null || this.v === null) {
        update = tf.mul(g, lr);
      } else {
        this.m.assign(tf.add(tf.mul(this.m, beta1), tf.mul(g, 1 - beta1)));
        this.v.assign(tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const denom = tf.add(tf.div(tf.sqrt(this.v), sqrtCorrection2), ADAM_EPSILON);
        update = tf.mul(tf.div(this.m, denom), stepSize);
      }
      const parts = this.params.length === 1 ? [update] : tf.split(update, this.sizes);
      this.params.forEach((p, i) => p.assign(tf.sub(p, tf.reshape(parts[i], p.shape))));
    });
  }

  /**
   * Counts a step and returns Adam's bias-corrected step size and √(1 − β2ᵗ) for it: shared with
   * the fused GPU update (src/worker/fused), which applies the same arithmetic in one kernel.
   */
  nextStep(
    lr: number,
    beta1: number,
    beta2: number,
  ): { stepSize: number; sqrtCorrection2: number } {
    this.step++;
    return {
      stepSize: lr / (1 - beta1 ** this.step),
      sqrtCorrection2: Math.sqrt(1 - beta2 ** this.step),
    };
  }

  /** Moment variables, for snapshots. */
  get stateVariables(): tf.Variable[] {
    return this.m && this.v ? [this.m, this.v] : [];
  }

  dispose(): void {
    for (const t of this.stateVariables) t.dispose();
  }
}

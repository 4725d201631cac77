/**
 * Adam and SGD written out with tfjs ops rather than tf.train.adam, because the R3GAN recipe
 * changes β2 (and the learning rate) every iteration, and because the worker must snapshot and
 * restore the optimiser state (moments and step count) after a lost GPU. Bias correction uses the
 * current β's, as PyTorch's Adam does when betas are changed between steps.
 */
import * as tf from '@tensorflow/tfjs';

export type OptimizerKind = 'adam' | 'sgd';

export interface OptimizerSettings {
  kind: OptimizerKind;
  lr: number;
  beta1: number;
  beta2: number;
}

export const ADAM_EPSILON = 1e-8;

export class Optimizer {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  step = 0;

  constructor(
    readonly kind: OptimizerKind,
    private readonly params: tf.Variable[],
  ) {
    const moments = (suffix: string) =>
      kind === 'adam'
        ? params.map((p) => tf.variable(tf.zerosLike(p), false, `${p.name}/${suffix}`))
        : [];
    this.m = moments('m');
    this.v = moments('v');
  }

  /** Applies one update. `grads` maps variable names to gradients (as tf.variableGrads returns). */
  apply(grads: tf.NamedTensorMap, lr: number, beta1: number, beta2: number): void {
    this.step++;
    tf.tidy(() => {
      if (this.kind === 'sgd') {
        for (const p of this.params) p.assign(tf.sub(p, tf.mul(grads[p.name], lr)));
        return;
      }
      const correction1 = 1 - beta1 ** this.step;
      const correction2 = 1 - beta2 ** this.step;
      const stepSize = lr / correction1;
      const sqrtCorrection2 = Math.sqrt(correction2);
      this.params.forEach((p, i) => {
        const g = grads[p.name];
        const m = this.m[i];
        const v = this.v[i];
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const denom = tf.add(tf.div(tf.sqrt(v), sqrtCorrection2), ADAM_EPSILON);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
      });
    });
  }

  /** Moment variables, for snapshots. */
  get stateVariables(): tf.Variable[] {
    return [...this.m, ...this.v];
  }

  dispose(): void {
    for (const t of this.stateVariables) t.dispose();
  }
}

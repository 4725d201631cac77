/**
 * The baseline the engine is measured against: one toy iteration (a D step, then a G step)
 * written the obvious way with stock tfjs ops — tf.matMul with its transposed gradients, leaky
 * ReLU as 0.6x + 0.4|x|, separate D passes for real, fake and each penalty, tf.train.adam. Used
 * by `npm run bench:engine` (Node) and by the worker's `debug-profile` with `naive: true`
 * (browser bench), so the kernel and time savings of trainer.ts are visible on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GanConfig } from '../core/config';
import { makeToyDataset } from './datasets';
import { Rng } from '../core/rng';

/** The same iteration written the obvious way with stock tfjs ops (the baseline). */
export function naiveToyStep(config: GanConfig): { step: () => void; dispose: () => void } {
  const rng = new Rng(config.seed);
  const data = makeToyDataset(config.dataset);
  const layer = (i: number, o: number) => ({
    w: tf.variable(tf.tensor2d(rng.normals(i * o, Math.sqrt(2 / i)), [i, o])),
    b: tf.variable(tf.zeros([o])),
  });
  const mlp = (inp: number, width: number, depth: number, out: number) => [
    layer(inp, width),
    ...Array.from({ length: depth - 1 }, () => layer(width, width)),
    layer(width, out),
  ];
  const G = mlp(config.latentDim, config.gWidth, config.gDepth, 2);
  const D = mlp(2, config.dWidth, config.dDepth, 1);
  const apply = (net: typeof G, x: tf.Tensor) =>
    net.reduce((h, { w, b }, i) => {
      const y = tf.add(tf.matMul(h, w), b);
      return i < net.length - 1 ? tf.add(tf.mul(y, 0.6), tf.mul(tf.abs(y), 0.4)) : y;
    }, x);
  const vars = (net: typeof G) => net.flatMap(({ w, b }) => [w, b]);
  const gOpt = tf.train.adam(config.gOptimizer.lr, 0, 0.99);
  const dOpt = tf.train.adam(config.dOptimizer.lr, 0, 0.99);
  const B = config.batchSize;
  const batch = () => tf.tensor2d(data.sample(rng, B), [B, 2]);
  const latents = () => tf.tensor2d(rng.normals(B * config.latentDim), [B, config.latentDim]);
  const gradSq = (x: tf.Tensor) =>
    tf.mean(tf.sum(tf.square(tf.grad((xx: tf.Tensor) => tf.sum(apply(D, xx)))(x)), 1));
  const penalised = config.r1Gamma > 0;
  const step = () =>
    tf.tidy(() => {
      const real = batch();
      const fake = apply(G, latents());
      dOpt.minimize(
        () => {
          const r = apply(D, real);
          const f = apply(D, fake);
          let loss =
            config.loss === 'rpgan'
              ? tf.mean(tf.softplus(tf.sub(f, r)))
              : tf.mean(tf.add(tf.softplus(tf.neg(r)), tf.softplus(f)));
          if (penalised)
            loss = tf.add(loss, tf.mul(tf.add(gradSq(real), gradSq(fake)), config.r1Gamma / 2));
          return loss as tf.Scalar;
        },
        false,
        vars(D),
      );
      const real2 = batch();
      const z = latents();
      gOpt.minimize(
        () => {
          const f = apply(D, apply(G, z));
          return (
            config.loss === 'rpgan'
              ? tf.mean(tf.softplus(tf.sub(apply(D, real2), f)))
              : tf.mean(tf.softplus(tf.neg(f)))
          ) as tf.Scalar;
        },
        false,
        vars(G),
      );
    });
  return { step, dispose: () => tf.dispose([...vars(G), ...vars(D)]) };
}

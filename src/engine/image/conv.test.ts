/**
 * The custom stride-1 conv (ops.ts) against tfjs's own conv2d gradients (cpu, first order) and
 * against finite differences of the R1 functional (double backprop) on every Node backend —
 * including wasm, which has no Conv2DBackpropFilter kernel of its own.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useNodeBackend } from '../core/backend';
import { conv2d, leakyRelu } from '../core/ops';
import { Rng } from '../core/rng';

function tinyConvNet(rng: Rng, kernel: number) {
  const w1 = tf.variable(
    tf.tensor4d(rng.normals(kernel * kernel * 2 * 4, 0.4), [kernel, kernel, 2, 4]),
  );
  const w2 = tf.variable(tf.tensor4d(rng.normals(3 * 3 * 4 * 3, 0.4), [3, 3, 4, 3]));
  const head = tf.linspace(-1, 1, 3);
  const apply = (x: tf.Tensor, conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D) =>
    tf.sum(
      tf.mul(conv(leakyRelu(conv(x as tf.Tensor4D, w1)) as tf.Tensor4D, w2), head),
    ) as tf.Scalar;
  return { vars: [w1, w2], apply, dispose: () => tf.dispose([w1, w2, head]) };
}

const stockConv = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w, 1, 'same');

describe('conv2d (stride 1, same) gradients', () => {
  it.each([1, 3, 5])('matches tfjs conv2d gradients on cpu for a %i×%i kernel', async (kernel) => {
    await useNodeBackend('cpu');
    const rng = new Rng(kernel);
    const net = tinyConvNet(rng, kernel);
    const x = tf.tensor4d(rng.normals(2 * 6 * 6 * 2), [2, 6, 6, 2]);
    const ours = tf.variableGrads(() => net.apply(x, conv2d), net.vars);
    const stock = tf.variableGrads(() => net.apply(x, stockConv), net.vars);
    for (const v of net.vars) {
      const diff = await tf.max(tf.abs(tf.sub(ours.grads[v.name], stock.grads[v.name]))).data();
      expect(diff[0]).toBeLessThan(1e-4);
    }
    const dxOurs = tf.grad((xx: tf.Tensor) => net.apply(xx, conv2d))(x);
    const dxStock = tf.grad((xx: tf.Tensor) => net.apply(xx, stockConv))(x);
    expect((await tf.max(tf.abs(tf.sub(dxOurs, dxStock))).data())[0]).toBeLessThan(1e-4);
    net.dispose();
  });

  describe.each(NODE_BACKENDS)('R1 weight gradient vs finite differences on %s', (backend) => {
    beforeAll(async () => {
      await useNodeBackend(backend);
    });
    it('agrees to < 1e-2 relative', async () => {
      const rng = new Rng(3);
      const net = tinyConvNet(rng, 3);
      const x = tf.tensor4d(rng.normals(2 * 6 * 6 * 2), [2, 6, 6, 2]);
      const r1 = () =>
        tf.sum(tf.square(tf.grad((xx: tf.Tensor) => net.apply(xx, conv2d))(x))) as tf.Scalar;
      const { grads } = tf.variableGrads(r1, net.vars);
      const dirs = net.vars.map((v) => tf.tensor(rng.normals(v.size, 0.1), v.shape));
      let analytic = 0;
      for (let i = 0; i < net.vars.length; i++)
        analytic += (await tf.sum(tf.mul(grads[net.vars[i].name], dirs[i])).data())[0];
      const originals = net.vars.map((v) => tf.clone(v));
      const at = async (eps: number) => {
        net.vars.forEach((v, i) => v.assign(tf.add(originals[i], tf.mul(dirs[i], eps))));
        return (await r1().data())[0];
      };
      const eps = 1e-3;
      const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
      expect(Math.abs(numeric - analytic) / Math.abs(analytic)).toBeLessThan(1e-2);
      net.dispose();
    });
  });
});

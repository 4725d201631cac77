/**
 * Shapes, parameter counts, initialisation and growth of the convolutional models, and the
 * grouped-conv emulations against each other and against a dense conv with a block-diagonal mask.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../core/backend';
import { stackedMnistDefaults } from '../core/config';
import { groupedConv3x3, minibatchStd } from './convLayers';
import {
  makeDiscriminator,
  makeGenerator,
  realsAtGrowth,
  type ConvArch,
  type ConvModelSpec,
} from './convModels';
import { modelSpecs } from './imageTrainer';
import { conv2d } from '../core/ops';
import { upsample2x } from './resample';
import { Rng } from '../core/rng';

function tiny(arch: ConvArch, options: Partial<ConvModelSpec> = {}): ConvModelSpec {
  return {
    arch,
    latentDim: 8,
    baseSize: 7,
    channels: [8, 8, 4],
    blocks: 1,
    groupSize: 4,
    expansion: 2,
    mbstd: false,
    progressive: false,
    groupedConv: 'split',
    ...options,
  };
}

async function maxAbs(t: tf.Tensor): Promise<number> {
  return (await tf.max(tf.abs(t)).data())[0];
}

describe('convolutional G and D', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });

  it.each(['dcgan', 'resnet'] as const)('%s: G makes 28×28×3 images, D one logit each', (arch) => {
    const rng = new Rng(1);
    const spec = tiny(arch, { mbstd: true });
    // (mbstd groups: min(4, N) = 2 samples here)
    const g = makeGenerator(spec, rng, `shape-${arch}-G`);
    const d = makeDiscriminator(spec, rng, `shape-${arch}-D`);
    const images = g.apply(tf.randomNormal([2, 8]));
    expect(images.shape).toEqual([2, 28, 28, 3]);
    expect(d.apply(images).shape).toEqual([2, 1]);
    g.dispose();
    d.dispose();
  });

  it.each(['dcgan', 'resnet'] as const)(
    '%s: progressive stages work at 7, 14, 28 pixels; α → 0 is the previous stage upsampled',
    async (arch) => {
      const rng = new Rng(2);
      const spec = tiny(arch, { progressive: true });
      const g = makeGenerator(spec, rng, `grow-${arch}-G`);
      const d = makeDiscriminator(spec, rng, `grow-${arch}-D`);
      const z = tf.randomNormal([2, 8]) as tf.Tensor2D;
      for (const [stage, size] of [
        [0, 7],
        [1, 14],
        [2, 28],
      ] as const) {
        const img = g.apply(z, { stage, alpha: 0.5 });
        expect(img.shape).toEqual([2, size, size, 3]);
        expect(d.apply(img, { stage, alpha: 0.5 }).shape).toEqual([2, 1]);
      }
      // α → 0 at stage 1 is the 7×7 output upsampled.
      const faded = g.apply(z, { stage: 1, alpha: 1e-9 });
      const previous = upsample2x(g.apply(z, { stage: 0, alpha: 1 }));
      expect(await maxAbs(tf.sub(faded, previous))).toBeLessThan(1e-4);
      expect(() =>
        makeGenerator(tiny(arch), rng, `grow-${arch}-x`).apply(z, { stage: 1, alpha: 1 }),
      ).toThrow(/progressive/);
      g.dispose();
      d.dispose();
    },
  );

  it('resnet fix-up init: every block starts as the identity (last conv zero)', async () => {
    const rng = new Rng(3);
    const g = makeGenerator(tiny('resnet', { blocks: 2 }), rng, 'fixup-G');
    const projections = g.variables.filter((v) => v.name.endsWith('/project'));
    expect(projections).toHaveLength(6);
    for (const p of projections) expect(await maxAbs(p)).toBe(0);
    const expands = g.variables.filter((v) => v.name.endsWith('/expand'));
    // He std √(2/1.04)/√C × L^(−1/4), L = 6 blocks.
    const std = Math.sqrt((await tf.moments(expands[0]).variance.data())[0]);
    const expected = (Math.sqrt(2 / 1.04) / Math.sqrt(8)) * 6 ** -0.25;
    expect(std).toBeGreaterThan(0.8 * expected);
    expect(std).toBeLessThan(1.2 * expected);
    g.dispose();
  });

  it('parameter counts follow the architecture (R3GAN block: C·EC + EC + 9·g·EC + EC + EC·C)', () => {
    const rng = new Rng(4);
    const spec = tiny('resnet', { channels: [16, 16, 16] });
    const d = makeDiscriminator(spec, rng, 'count-D');
    const C = 16;
    const E = 2 * C;
    const block = C * E + E + 9 * 4 * E + E + E * C;
    // fromRGB 3·C, 3 blocks, 2 transitions C·C, head depthwise 49·C, dense C + 1.
    expect(d.parameterCount).toBe(3 * C + 3 * block + 2 * C * C + 49 * C + C + 1);
    d.dispose();
  });

  it('the default Stacked MNIST models have the documented sizes', () => {
    const counts: Record<string, [number, number]> = {};
    for (const arch of ['dcgan', 'resnet'] as const) {
      const specs = modelSpecs({ ...stackedMnistDefaults(), arch });
      const rng = new Rng(5);
      const g = makeGenerator(specs.generator, rng, `default-${arch}-G`);
      const d = makeDiscriminator(specs.discriminator, rng, `default-${arch}-D`);
      counts[arch] = [g.parameterCount, d.parameterCount];
      g.dispose();
      d.dispose();
    }
    expect(counts).toEqual({ dcgan: [282691, 81777], resnet: [83683, 79649] });
  });

  it('grouped conv: split and block-diagonal agree with a dense conv whose filter is masked', async () => {
    const rng = new Rng(6);
    const x = tf.tensor4d(rng.normals(2 * 5 * 5 * 8), [2, 5, 5, 8]);
    const w = tf.tensor4d(rng.normals(3 * 3 * 2 * 8), [3, 3, 2, 8]); // 4 groups of 2
    const split = groupedConv3x3(x, w, 4, 'split');
    const blockdiag = groupedConv3x3(x, w, 4, 'blockdiag');
    // Reference: build the [3,3,8,8] filter in JS; input channel i feeds output o iff same group.
    const wv = (await w.array()) as number[][][][];
    const dense = Array.from({ length: 3 }, (_, a) =>
      Array.from({ length: 3 }, (_, b) =>
        Array.from({ length: 8 }, (_, i) =>
          Array.from({ length: 8 }, (_, o) =>
            Math.floor(i / 2) === Math.floor(o / 2) ? wv[a][b][i % 2][o] : 0,
          ),
        ),
      ),
    );
    const reference = conv2d(x, tf.tensor4d(dense));
    expect(await maxAbs(tf.sub(split, reference))).toBeLessThan(1e-4);
    expect(await maxAbs(tf.sub(blockdiag, reference))).toBeLessThan(1e-4);
  });

  it('minibatch stddev: one extra map holding each group’s mean std (groups of 4 consecutive)', async () => {
    const x = tf.concat([
      tf.fill([4, 2, 2, 3], 0),
      tf.tensor4d(new Rng(7).normals(4 * 12), [4, 2, 2, 3]),
    ]);
    const y = minibatchStd(x as tf.Tensor4D);
    expect(y.shape).toEqual([8, 2, 2, 4]);
    const extra = await tf.slice(y, [0, 0, 0, 3], [8, 2, 2, 1]).data();
    expect(extra[0]).toBeCloseTo(1e-4, 6); // √(0 + 1e-8)
    const std = tf.mean(
      tf.sqrt(tf.add(tf.moments(tf.slice(x, [4, 0, 0, 0], [4, 2, 2, 3]), 0).variance, 1e-8)),
    );
    expect(extra[31]).toBeCloseTo((await std.data())[0], 5);
    expect(() => minibatchStd(tf.zeros([6, 2, 2, 1]) as tf.Tensor4D)).toThrow(/multiple/);
  });

  it('real images at a growth stage: 7×7 and 14×14 copies, blended while fading', () => {
    const x = tf.randomUniform([2, 28, 28, 3], -1, 1) as tf.Tensor4D;
    expect(realsAtGrowth(x, { stage: 0, alpha: 1 }).shape).toEqual([2, 7, 7, 3]);
    expect(realsAtGrowth(x, { stage: 1, alpha: 0.3 }).shape).toEqual([2, 14, 14, 3]);
    expect(realsAtGrowth(x, { stage: 2, alpha: 1 })).toBe(x);
  });
});

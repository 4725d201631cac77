/**
 * The GAN trainer for 28×28×3 images (Stacked MNIST). The loop, the updates, logging, live
 * settings and the snapshot surface are GanTrainer's (trainer.ts), shared with the toy trainer,
 * so the worker and the CLI drive either the same way.
 *
 * Image-specific: the models are convModels.ts's DCGAN or R3GAN-style ResNet; real batches come
 * from an ImageSource; with progressive growing, `growth()` says which stage is trained and how
 * far it has faded in, real images are brought to that stage (realsAtGrowth), and variables that
 * the current stage does not use get zero gradients (Adam with β1 = 0 then leaves them alone).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageGanConfig } from '../core/config';
import {
  FULL_GROWTH,
  makeDiscriminator,
  makeGenerator,
  realsAtGrowth,
  toFullSize,
  type ConvModelSpec,
  type Growth,
  type ImageDiscriminator,
  type ImageGenerator,
} from './convModels';
import type { GroupedConvMode } from './convLayers';
import type { ImageSource, ImageSourceFactory } from './imageSource';
import type { Rng } from '../core/rng';
import { GanTrainer, rebuildNeeded } from '../core/trainer';

/**
 * Grouped 3×3 conv emulation. 'split' measured faster than 'blockdiag' on wasm at our widths
 * (README, "Stacked MNIST models"); the two give identical results.
 */
export const DEFAULT_GROUPED_CONV: GroupedConvMode = 'split';

/** Settings fixed at construction (the rest can change live, as in the toy trainer). */
const REBUILD_KEYS = [
  'seed',
  'dataset',
  'arch',
  'latentDim',
  'latentDist',
  'gChannels',
  'dChannels',
  'resBlocks',
  'groupSize',
  'expansion',
  'mbstd',
  'progressive',
] as const;

export function needsImageRebuild(a: ImageGanConfig, b: ImageGanConfig): boolean {
  return rebuildNeeded(a, b, REBUILD_KEYS);
}

/**
 * ProGAN's schedule by iteration, `fadeSteps` per phase: 7×7; fade in 14×14 (α 0 → 1); 14×14;
 * fade in 28×28; then 28×28 for the rest of the run. Without progressive growing: 28×28 always.
 */
export function growthAt(t: number, progressive: boolean, fadeSteps: number): Growth {
  if (!progressive) return FULL_GROWTH;
  const phase = Math.floor(t / fadeSteps);
  const alpha = (t - phase * fadeSteps) / fadeSteps;
  if (phase === 0) return { stage: 0, alpha: 1 };
  if (phase === 1) return { stage: 1, alpha };
  if (phase === 2) return { stage: 1, alpha: 1 };
  if (phase === 3) return { stage: 2, alpha };
  return FULL_GROWTH;
}

export function modelSpecs(
  c: ImageGanConfig,
  groupedConv: GroupedConvMode = DEFAULT_GROUPED_CONV,
): { generator: ConvModelSpec; discriminator: ConvModelSpec } {
  const common = {
    arch: c.arch,
    latentDim: c.latentDim,
    baseSize: 7,
    blocks: c.resBlocks,
    groupSize: c.groupSize,
    expansion: c.expansion,
    progressive: c.progressive,
    groupedConv,
  };
  return {
    generator: { ...common, channels: c.gChannels, mbstd: false },
    discriminator: { ...common, channels: c.dChannels, mbstd: c.mbstd },
  };
}

let trainerCount = 0;

export class ImageGanTrainer extends GanTrainer<
  ImageGanConfig,
  ImageGenerator,
  ImageDiscriminator
> {
  readonly source: ImageSource;

  constructor(
    config: ImageGanConfig,
    makeSource: ImageSourceFactory,
    logEvery = 10,
    readonly namePrefix = `image${++trainerCount}/`,
    groupedConv: GroupedConvMode = DEFAULT_GROUPED_CONV,
  ) {
    super(config, logEvery, (initRng) => {
      const specs = modelSpecs(config, groupedConv);
      const generator = makeGenerator(specs.generator, initRng, `${namePrefix}G`);
      const discriminator = makeDiscriminator(specs.discriminator, initRng, `${namePrefix}D`);
      const emaGenerator =
        config.emaHalfLife > 0
          ? makeGenerator(specs.generator, initRng, `${namePrefix}Gema`)
          : null;
      return { generator, discriminator, emaGenerator };
    });
    try {
      this.source = makeSource(this.dataRng);
    } catch (error) {
      this.dispose(); // the networks exist already: free them
      throw error;
    }
  }

  /** The progressive-growing stage and fade-in α at iteration t. */
  growth(t = this.iteration): Growth {
    return growthAt(t, this.config.progressive, this.config.fadeSteps);
  }

  /**
   * Real images at the current stage's resolution (with progressive growing; the variables of
   * stages not yet reached get zero gradients in the updates).
   */
  realBatch(n = this.config.batchSize, growth = this.growth()): tf.Tensor4D {
    const full = this.source.sample(n);
    if (growth.stage === 2 && growth.alpha >= 1) return full;
    const out = tf.tidy(() => realsAtGrowth(full, growth));
    full.dispose();
    return out;
  }

  protected generate(latents: tf.Tensor2D): tf.Tensor {
    return this.generator.apply(latents, this.growth());
  }

  protected discriminate(x: tf.Tensor): tf.Tensor {
    return this.discriminator.apply(x as tf.Tensor4D, this.growth());
  }

  protected needsRebuild(a: ImageGanConfig, b: ImageGanConfig): boolean {
    return needsImageRebuild(a, b);
  }

  /**
   * Generated 28×28×3 images from fresh latents of `rng` (EMA generator when enabled); while
   * growing, the current stage's output upsampled to 28×28.
   */
  sample(n: number, rng: Rng, useEma = true): tf.Tensor4D {
    return this.render(this.latentBatch(n, rng), useEma);
  }

  /** G (EMA copy when enabled) on the given latents, at 28×28 (disposes `latents`). */
  render(latents: tf.Tensor2D, useEma = true): tf.Tensor4D {
    const g = useEma && this.emaGenerator ? this.emaGenerator : this.generator;
    const growth = this.growth();
    const out = tf.tidy(() => toFullSize(g.apply(latents, growth)));
    latents.dispose();
    return out;
  }

  get parameterCounts(): { generator: number; discriminator: number } {
    return {
      generator: this.generator.parameterCount,
      discriminator: this.discriminator.parameterCount,
    };
  }
}

/**
 * The GAN training loop for 28×28×3 images (Stacked MNIST), mirroring ToyGanTrainer (trainer.ts)
 * so the worker and the CLI can drive either through the same surface: step(), flushLogs(),
 * sample(), scheduled(), applyLiveSettings(), variables, dispose(), the same LOG_FIELDS and
 * DivergenceError. It shares the toy trainer's pieces: discriminatorObjective (one D pass over
 * [real; fake] whose input gradient gives R1 and R2 and whose logits feed the loss), the losses,
 * Adam with per-step lr/β2, R3GAN's burn-in schedule, the EMA of G, lazy regularisation, and no
 * readback during a step.
 *
 * Image-specific: the models are convModels.ts's DCGAN or R3GAN-style ResNet; real batches come
 * from an ImageSource; with progressive growing, `growth()` says which stage is trained and how
 * far it has faded in, real images are brought to that stage (realsAtGrowth), and variables that
 * the current stage does not use get zero gradients (Adam with β1 = 0 then leaves them alone).
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageGanConfig } from './config';
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
import { LOSSES, type AdversarialLoss } from './losses';
import { Optimizer } from './adam';
import { Rng } from './rng';
import {
  discriminatorUpdate,
  generatorUpdate,
  stackDiagnostics,
  type UpdateParts,
} from './ganUpdates';
import {
  readLogRows,
  type PendingLog,
  scheduledValues,
  updateEmaWeights,
  type LogRow,
  type ScheduledValues,
} from './trainer';

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
  'gChannels',
  'dChannels',
  'resBlocks',
  'groupSize',
  'expansion',
  'mbstd',
  'progressive',
] as const;

export function needsImageRebuild(a: ImageGanConfig, b: ImageGanConfig): boolean {
  return (
    REBUILD_KEYS.some((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])) ||
    a.gOptimizer.kind !== b.gOptimizer.kind ||
    a.dOptimizer.kind !== b.dOptimizer.kind ||
    a.emaHalfLife > 0 !== b.emaHalfLife > 0
  );
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

export class ImageGanTrainer {
  readonly generator: ImageGenerator;
  readonly discriminator: ImageDiscriminator;
  readonly emaGenerator: ImageGenerator | null;
  readonly source: ImageSource;
  private loss: AdversarialLoss;
  private readonly gOptimizer: Optimizer;
  private readonly dOptimizer: Optimizer;
  private readonly latentRng: Rng;
  private readonly mixRng: Rng;
  iteration = 0;
  private dUpdates = 0;
  private pendingLogs: PendingLog[] = [];
  private currentConfig: ImageGanConfig;

  constructor(
    config: ImageGanConfig,
    makeSource: ImageSourceFactory,
    readonly logEvery = 10,
    readonly namePrefix = `image${++trainerCount}/`,
    groupedConv: GroupedConvMode = DEFAULT_GROUPED_CONV,
  ) {
    this.currentConfig = config;
    // The same stream layout as the toy trainer: init, data, latents, mixing.
    const rng = new Rng(config.seed);
    const initRng = rng.fork(1);
    this.source = makeSource(rng.fork(2));
    this.latentRng = rng.fork(3);
    this.mixRng = rng.fork(4);
    this.loss = LOSSES[config.loss];
    const specs = modelSpecs(config, groupedConv);
    this.generator = makeGenerator(specs.generator, initRng, `${namePrefix}G`);
    this.discriminator = makeDiscriminator(specs.discriminator, initRng, `${namePrefix}D`);
    this.emaGenerator = null;
    if (config.emaHalfLife > 0) {
      this.emaGenerator = makeGenerator(specs.generator, initRng, `${namePrefix}Gema`);
      this.emaGenerator.variables.forEach((v, i) => v.assign(this.generator.variables[i]));
    }
    this.gOptimizer = new Optimizer(config.gOptimizer.kind, this.generator.variables);
    this.dOptimizer = new Optimizer(config.dOptimizer.kind, this.discriminator.variables);
  }

  get config(): ImageGanConfig {
    return this.currentConfig;
  }

  /** Changes settings that need no rebuild (false, and nothing changes, otherwise). */
  applyLiveSettings(next: ImageGanConfig): boolean {
    if (needsImageRebuild(this.currentConfig, next)) return false;
    this.currentConfig = next;
    this.loss = LOSSES[next.loss];
    return true;
  }

  scheduled(t = this.iteration): ScheduledValues {
    return scheduledValues(this.config, t);
  }

  /** The progressive-growing stage and fade-in α at iteration t. */
  growth(t = this.iteration): Growth {
    return growthAt(t, this.config.progressive, this.config.fadeSteps);
  }

  /** Real images at the current stage's resolution. */
  realBatch(n = this.config.batchSize, growth = this.growth()): tf.Tensor4D {
    const full = this.source.sample(n);
    if (growth.stage === 2 && growth.alpha >= 1) return full;
    const out = tf.tidy(() => realsAtGrowth(full, growth));
    full.dispose();
    return out;
  }

  latentBatch(n = this.config.batchSize, rng = this.latentRng): tf.Tensor2D {
    return tf.tensor2d(rng.normals(n * this.config.latentDim), [n, this.config.latentDim]);
  }

  /** One iteration: dSteps D updates, one G update, the EMA update. */
  step(): void {
    const log = (this.iteration + 1) % this.logEvery === 0 || this.iteration === 0;
    const s = this.scheduled();
    const growth = this.growth();
    let dDiag: tf.Tensor[] = [];
    for (let k = 0; k < this.config.dSteps; k++) {
      const diag = this.discriminatorStep(s, log && k === this.config.dSteps - 1, growth);
      if (diag) dDiag = diag;
    }
    const gDiag = this.generatorStep(s, log, growth);
    this.updateEma(s.emaBeta);
    this.iteration++;
    if (log && gDiag) {
      this.pendingLogs.push({ step: this.iteration, values: stackDiagnostics(dDiag, gDiag) });
    }
  }

  /** One D update (ganUpdates.ts); diagnostics as in ToyGanTrainer.discriminatorStep. */
  discriminatorStep(
    s: ScheduledValues,
    diagnose: boolean,
    growth = this.growth(),
  ): tf.Tensor[] | null {
    return discriminatorUpdate(this.updateParts(growth), s, ++this.dUpdates, diagnose);
  }

  /** One G update (ganUpdates.ts); [gLoss, ‖∇θG‖] when `diagnose` is set. */
  generatorStep(s: ScheduledValues, diagnose: boolean, growth = this.growth()): tf.Tensor[] | null {
    return generatorUpdate(this.updateParts(growth), s, diagnose);
  }

  /**
   * The networks, optimisers and data streams at one growth stage, as the shared updates see
   * them: real images are brought to the stage's resolution, and the variables of stages not
   * yet reached get zero gradients.
   */
  private updateParts(growth: Growth): UpdateParts {
    const c = this.config;
    return {
      config: c,
      loss: this.loss,
      generate: (z) => this.generator.apply(z, growth),
      discriminate: (x) => this.discriminator.apply(x as tf.Tensor4D, growth),
      generatorVariables: this.generator.variables,
      discriminatorVariables: this.discriminator.variables,
      gOptimizer: this.gOptimizer,
      dOptimizer: this.dOptimizer,
      realBatch: () => this.realBatch(c.batchSize, growth),
      latentBatch: () => this.latentBatch(),
      mixWeights: (n) => Float32Array.from({ length: n }, () => this.mixRng.uniform()),
    };
  }

  private updateEma(beta: number): void {
    if (!this.emaGenerator) return;
    const source = this.generator.variables;
    updateEmaWeights(this.emaGenerator.variables, source, beta);
  }

  /** Reads back the diagnostics recorded since the last flush (one await per flush). */
  async flushLogs(): Promise<LogRow[]> {
    const pending = this.pendingLogs;
    this.pendingLogs = [];
    return readLogRows(pending);
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

  get optimizerSteps(): [number, number] {
    return [this.gOptimizer.step, this.dOptimizer.step];
  }

  set optimizerSteps([g, d]: [number, number]) {
    this.gOptimizer.step = g;
    this.dOptimizer.step = d;
  }

  get variables(): tf.Variable[] {
    return [
      ...this.generator.variables,
      ...this.discriminator.variables,
      ...(this.emaGenerator?.variables ?? []),
      ...this.gOptimizer.stateVariables,
      ...this.dOptimizer.stateVariables,
    ];
  }

  dispose(): void {
    tf.dispose(this.pendingLogs.map((p) => p.values));
    this.pendingLogs = [];
    this.generator.dispose();
    this.discriminator.dispose();
    this.emaGenerator?.dispose();
    this.gOptimizer.dispose();
    this.dOptimizer.dispose();
  }
}

/**
 * Stacked MNIST runs (ImageGanTrainer): the digits and the shipped digit classifier (loaded on
 * first use through the runtime's `loadAsset`), the sample grid of fixed latents and the grid of
 * real images, latent interpolation strips, and the 1000-mode evaluation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isImageConfig, type AnyGanConfig, type ImageGanConfig } from '../../engine/core/config';
import { DigitClassifier } from '../../engine/image/digitClassifier';
import { EVAL_LATENT_STREAM } from '../../engine/toy/evaluate';
import { ImageGanTrainer, needsImageRebuild } from '../../engine/image/imageTrainer';
import {
  gridColumns,
  imageGridPixels,
  imageViewLatents,
  interpolateLatents,
} from '../../engine/image/imageViews';
import {
  CLASSIFIER_ASSET_PATH,
  MNIST_ASSET_PATH,
  parseMnistAsset,
  type MnistDigits,
} from '../../engine/image/mnist';
import { Rng } from '../../engine/core/rng';
import type { AnyTrainer } from '../../engine/core/snapshot';
import { evaluateStackedMnist } from '../../engine/image/stackedMetrics';
import { StackedMnistSampler, stackedBatch } from '../../engine/image/stackedMnist';
import { VIEW_REAL_STREAM, type ViewBatch, type ViewBounds } from '../../engine/toy/views';
import type { ImageEvaluation, ImageGrid, StreamOptions } from '../../protocol';
import { errorMessage } from '../../errors';
import { CommandError, trainerOf, type Run, type RunContext } from '../run';
import type { InterpolationRequest, RunKindDriver, ViewRequest } from './driver';

/** Largest image grid (tiles): the grid is one readback of 28×28×3 floats per tile. */
const MAX_GRID_IMAGES = 100;
/** Generated images per classifier batch in an evaluation. */
const EVAL_BATCH = 250;

export interface ImageDriverContext extends RunContext {
  /** The bytes of an app asset (RuntimeHooks.loadAsset), where this runtime can load them. */
  loadAsset?(path: string): Promise<Uint8Array>;
}

function imageConfig(config: AnyGanConfig): ImageGanConfig {
  if (!isImageConfig(config)) throw new Error('a toy config reached the image driver');
  return config;
}

function imageTrainer(trainer: AnyTrainer): ImageGanTrainer {
  if (!(trainer instanceof ImageGanTrainer)) throw new Error('a toy run reached the image driver');
  return trainer;
}

export class ImageDriver implements RunKindDriver {
  readonly kind = 'image';
  /** Stacked MNIST digits, loaded by the first image run. */
  private digits: MnistDigits | null = null;
  private digitsLoading: Promise<MnistDigits> | null = null;
  private classifierBytes: Uint8Array | null = null;
  /** Lives on the current backend: dropped when the device is lost. */
  private digitClassifier: DigitClassifier | null = null;

  constructor(private readonly context: ImageDriverContext) {}

  /** Loads the digits before the first image trainer can be built. */
  async prepare(): Promise<void> {
    if (this.digits) return;
    this.digitsLoading ??= this.loadAsset(MNIST_ASSET_PATH).then(parseMnistAsset);
    try {
      this.digits = await this.digitsLoading;
    } catch (error) {
      this.digitsLoading = null;
      throw new CommandError(`Stacked MNIST data: ${errorMessage(error)}`);
    }
  }

  private async loadAsset(path: string): Promise<Uint8Array> {
    if (!this.context.loadAsset) throw new CommandError(`this worker cannot load ${path}`);
    return this.context.loadAsset(path);
  }

  /**
   * Drops what lives on the backend that is going away (its device was lost): the classifier's
   * weights would otherwise be read from a dead device by the next evaluation. The bytes stay,
   * so the next evaluation rebuilds it on the new backend without fetching again.
   */
  releaseBackendState(): void {
    try {
      this.digitClassifier?.dispose();
    } catch {
      // The device is gone; its buffers go with it.
    }
    this.digitClassifier = null;
  }

  /** The shipped digit classifier on the current backend (rebuilt after a backend change). */
  private async classifier(): Promise<DigitClassifier> {
    if (this.digitClassifier) return this.digitClassifier;
    this.classifierBytes ??= await this.loadAsset(CLASSIFIER_ASSET_PATH);
    this.digitClassifier = DigitClassifier.fromBytes(this.classifierBytes);
    return this.digitClassifier;
  }

  build(config: AnyGanConfig, logEvery: number, prefix: string): AnyTrainer {
    const digits = this.digits;
    if (!digits) throw new CommandError('the Stacked MNIST digits are not loaded');
    return new ImageGanTrainer(
      imageConfig(config),
      (rng: Rng) => {
        const sampler = new StackedMnistSampler(digits, rng);
        return { sample: (n: number) => stackedBatch(sampler, n) };
      },
      logEvery,
      prefix,
    );
  }

  viewCount(_config: AnyGanConfig, stream: StreamOptions): number {
    return Math.min(stream.sampleCount, MAX_GRID_IMAGES);
  }

  viewBatch(trainer: AnyTrainer, stream: StreamOptions): ViewBatch {
    const { seed, latentDim, latentDist } = imageTrainer(trainer).config;
    const count = this.viewCount(trainer.config, stream);
    return {
      count,
      latentDim,
      latents: imageViewLatents(seed, latentDim, count, latentDist),
      real: new Float32Array(0),
    };
  }

  viewBounds(): ViewBounds {
    return { xMin: 0, xMax: 1, yMin: 0, yMax: 1 };
  }

  /** Real Stacked MNIST images (a fixed draw of the seed) in the sample grid's layout. */
  realImages(run: Run): ImageGrid | null {
    if (!this.digits) return null;
    const count = run.view.count;
    const sampler = new StackedMnistSampler(
      this.digits,
      new Rng(run.config.seed).fork(VIEW_REAL_STREAM),
    );
    return imageGridPixels(sampler.sample(count).pixels, count, gridColumns(count));
  }

  /** Image runs have one view, the sample grid; a heatmap asked for with it is not made. */
  async sendViews(run: Run, what: ViewRequest, requestId?: number): Promise<void> {
    const trainer = imageTrainer(trainerOf(run));
    if (what.samples) await this.sendImageSamples(run, trainer, requestId);
  }

  heatmap(): never {
    throw new CommandError('heatmaps are for 2-D runs only');
  }

  /** G (EMA copy if any) on the fixed grid latents, as one RGBA grid: one readback. */
  private async sendImageSamples(
    run: Run,
    trainer: ImageGanTrainer,
    requestId: number | undefined,
  ): Promise<void> {
    const { count, latents, latentDim } = run.view;
    const images = await this.renderImages(trainer, latents, latentDim);
    this.context.countReadback(run);
    const grid = imageGridPixels(images, count, gridColumns(count));
    this.context.post(
      { type: 'image-samples', requestId, runId: run.id, iteration: trainer.iteration, grid },
      [grid.pixels.buffer],
    );
  }

  /** Images of G for the given latents, read back (asynchronously) as NHWC floats. */
  private async renderImages(
    trainer: ImageGanTrainer,
    latents: Float32Array,
    latentDim: number,
  ): Promise<Float32Array> {
    const n = latents.length / latentDim;
    const images = trainer.render(tf.tensor2d(latents, [n, latentDim]));
    try {
      return (await this.context.guard(images.data())) as Float32Array;
    } finally {
      images.dispose();
    }
  }

  /** The `interpolate` command: G along lerp or slerp between two of the grid's latents. */
  async interpolate(
    run: Run,
    command: InterpolationRequest,
    requestId: number | undefined,
  ): Promise<void> {
    const trainer = imageTrainer(trainerOf(run));
    const { count, latents, latentDim } = run.view;
    for (const index of [command.from, command.to]) {
      if (index >= count) throw new CommandError(`sample ${index} is not in the grid of ${count}`);
    }
    const at = (i: number) => latents.subarray(i * latentDim, (i + 1) * latentDim);
    const path = interpolateLatents(at(command.from), at(command.to), command.steps, command.mode);
    const images = await this.renderImages(trainer, path, latentDim);
    this.context.countReadback(run);
    const strip = imageGridPixels(images, command.steps, command.steps);
    this.context.post(
      {
        type: 'interpolation',
        requestId,
        runId: run.id,
        iteration: trainer.iteration,
        from: command.from,
        to: command.to,
        mode: command.mode,
        strip,
      },
      [strip.pixels.buffer],
    );
  }

  async evaluate(run: Run, n: number): Promise<void> {
    const trainer = imageTrainer(trainerOf(run));
    const classifier = await this.classifier();
    // The same latents at every evaluation, so the curve reflects G rather than the draw.
    const rng = new Rng(trainer.config.seed).fork(EVAL_LATENT_STREAM);
    const batches = Math.ceil(n / EVAL_BATCH);
    const coverage = await this.context.guard(
      evaluateStackedMnist((b) => trainer.sample(b, rng), classifier, n, EVAL_BATCH),
    );
    this.context.countReadback(run, batches);
    const evaluation: ImageEvaluation = {
      kind: 'image',
      step: trainer.iteration,
      modesCovered: coverage.modesCovered,
      totalModes: coverage.totalModes,
      reverseKL: coverage.reverseKL,
      klFloor: coverage.klFloor,
      evalSamples: coverage.evalSamples,
      modeCounts: Array.from(coverage.histogram),
      confidentShare: coverage.confidentShare,
      confidentModesCovered: coverage.confidentModesCovered,
      confidentModeCounts: Array.from(coverage.confidentHistogram),
    };
    this.context.post({ type: 'eval', runId: run.id, evaluation });
  }

  needsNewModel(a: AnyGanConfig, b: AnyGanConfig): boolean {
    return needsImageRebuild(imageConfig(a), imageConfig(b));
  }

  applyLive(trainer: AnyTrainer, config: AnyGanConfig): void {
    if (trainer instanceof ImageGanTrainer && isImageConfig(config)) {
      trainer.applyLiveSettings(config);
    }
  }

  naiveStep(run: Run): never {
    trainerOf(run);
    throw new CommandError('the naive baseline exists for 2-D runs only');
  }
}

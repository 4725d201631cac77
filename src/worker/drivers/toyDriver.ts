/**
 * The 2-D toy runs (ToyGanTrainer, or FusedToyTrainer on GPU backends): point clouds with
 * transport vectors and the generator manifold, D's heatmap, all packed into one tensor so they
 * cost a single readback; the mode-coverage evaluation; the naive baseline for profiling.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isImageConfig, type AnyGanConfig, type GanConfig } from '../../engine/core/config';
import { evaluate } from '../../engine/toy/evaluate';
import { naiveToyStep } from '../../engine/toy/naive';
import type { AnyTrainer } from '../../engine/core/snapshot';
import { needsRebuild, ToyGanTrainer } from '../../engine/core/trainer';
import {
  defaultViewBounds,
  makeViewBatch,
  manifoldLatents,
  viewTensors,
  type ViewBatch,
  type ViewBounds,
  type ViewInputs,
} from '../../engine/toy/views';
import type { BackendName, StreamOptions } from '../../protocol';
import { FusedToyTrainer } from '../fused/fusedTrainer';
import { isFusedBackend } from '../fused/kernels';
import { CommandError, trainerOf, type Run, type RunContext } from '../run';
import type { HeatmapRequest, RunKindDriver, ViewRequest } from './driver';

function toyConfig(config: AnyGanConfig): GanConfig {
  if (isImageConfig(config)) throw new Error('an image config reached the toy driver');
  return config;
}

function toyTrainer(trainer: AnyTrainer): ToyGanTrainer {
  if (!(trainer instanceof ToyGanTrainer)) throw new Error('an image run reached the toy driver');
  return trainer;
}

export class ToyDriver implements RunKindDriver {
  readonly kind = 'toy';

  constructor(private readonly context: RunContext) {}

  async prepare(): Promise<void> {
    // Toy datasets are generated: nothing to load.
  }

  build(
    config: AnyGanConfig,
    logEvery: number,
    prefix: string,
    backend: BackendName | null,
  ): AnyTrainer {
    // On GPU backends, toy runs train with the fused kernels (src/worker/fused) where they can.
    return backend && isFusedBackend(backend)
      ? new FusedToyTrainer(toyConfig(config), logEvery, prefix, backend)
      : new ToyGanTrainer(toyConfig(config), logEvery, prefix);
  }

  viewCount(_config: AnyGanConfig, stream: StreamOptions): number {
    return stream.sampleCount;
  }

  viewBatch(trainer: AnyTrainer, stream: StreamOptions): ViewBatch {
    return makeViewBatch(toyTrainer(trainer), stream.sampleCount);
  }

  viewBounds(trainer: AnyTrainer): ViewBounds {
    const toy = toyTrainer(trainer);
    return defaultViewBounds(toy.dataset, toy.config.seed);
  }

  realImages(): null {
    return null;
  }

  /**
   * Samples (with transport vectors if the stream asks) and/or the heatmap, packed into one
   * tensor so they cost a single readback.
   */
  async sendViews(run: Run, what: ViewRequest, requestId?: number): Promise<void> {
    const trainer = toyTrainer(trainerOf(run));
    const n = run.view.count;
    const transport = what.samples && run.stream.transport;
    const resolution = what.heatmap?.resolution ?? run.stream.heatmapResolution;
    const bounds = what.heatmap?.bounds ?? run.bounds;
    const iteration = trainer.iteration;
    const manifold = what.samples ? this.manifoldGrid(run, trainer) : null;
    const inputs: ViewInputs = {
      batch: run.view,
      samples: what.samples,
      transport,
      manifold,
      grid: what.heatmap ? { bounds, resolution } : null,
    };
    const packed = tf.tidy(() => {
      // The fused kernels when the run steps on them (10–21 dispatches, not 81–136).
      const views =
        (trainer instanceof FusedToyTrainer ? trainer.fusedViews(inputs) : null) ??
        viewTensors(trainer, inputs);
      // In the order the reads below take them.
      const parts = [views.points, views.transport, views.manifold, views.logits]
        .filter((t) => t !== undefined)
        .map((t) => tf.reshape(t, [-1]));
      return parts.length === 1 ? parts[0] : tf.concat(parts);
    });
    let data: Float32Array;
    try {
      data = (await this.context.guard(packed.data())) as Float32Array;
    } finally {
      packed.dispose();
    }
    this.context.countReadback(run);
    let offset = 0;
    const take = (length: number) => data.slice(offset, (offset += length));
    if (what.samples) {
      const points = take(2 * n);
      const vectors = transport ? take(2 * n) : null;
      const mesh = manifold ? take((2 * manifold.length) / trainer.config.latentDim) : null;
      this.context.post(
        {
          type: 'samples',
          requestId,
          runId: run.id,
          iteration,
          points,
          transport: vectors,
          manifold: mesh,
        },
        [points, vectors, mesh].filter((a) => a !== null).map((a) => a.buffer),
      );
    }
    if (what.heatmap) {
      const logits = take(resolution * resolution);
      this.context.post(
        { type: 'heatmap', requestId, runId: run.id, iteration, resolution, bounds, logits },
        [logits.buffer],
      );
    }
  }

  heatmap(run: Run, request: HeatmapRequest, requestId: number | undefined): Promise<void> {
    return this.sendViews(run, { samples: false, heatmap: request }, requestId);
  }

  interpolate(run: Run): never {
    trainerOf(run);
    throw new CommandError('latent interpolation is for image runs (Stacked MNIST)');
  }

  /**
   * The latent grid of the manifold view, or null when the stream does not ask for it; cached on
   * the run because it depends only on the seed, the latent size and the resolution.
   */
  private manifoldGrid(run: Run, trainer: ToyGanTrainer): Float32Array | null {
    const resolution = run.stream.manifoldResolution;
    if (resolution === 0) return null;
    const { seed, latentDim } = trainer.config;
    // The same plane for either noise (the UI animates from it): ±2 along two fixed directions.
    const key = `${seed}/${latentDim}/${resolution}`;
    if (run.manifold?.key !== key) {
      run.manifold = { key, latents: manifoldLatents(seed, latentDim, resolution) };
    }
    return run.manifold.latents;
  }

  async evaluate(run: Run, n: number): Promise<void> {
    const trainer = toyTrainer(trainerOf(run));
    const evaluation = await this.context.guard(evaluate(trainer, n));
    this.context.countReadback(run);
    this.context.post({ type: 'eval', runId: run.id, evaluation });
  }

  needsNewModel(a: AnyGanConfig, b: AnyGanConfig): boolean {
    return needsRebuild(toyConfig(a), toyConfig(b));
  }

  applyLive(trainer: AnyTrainer, config: AnyGanConfig): void {
    if (trainer instanceof ToyGanTrainer && !isImageConfig(config)) {
      trainer.applyLiveSettings(config);
    }
  }

  naiveStep(run: Run): { step: () => void; dispose: () => void } {
    return naiveToyStep(toyTrainer(trainerOf(run)).config);
  }
}

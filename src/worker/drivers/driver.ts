/**
 * What differs between the kinds of run, behind one interface, so the RunManager's queue,
 * dispatch and run lifecycle never ask which kind a run is. A driver owns a kind's assets, how
 * its trainer is built, its views (the toy's packed point cloud / heatmap / manifold readback;
 * the image grids and latent interpolation), its evaluation and which settings changes need new
 * networks. `drivers/index.ts` picks the driver from a run's config.
 */
import type { AnyGanConfig } from '../../engine/core/config';
import type { AnyTrainer } from '../../engine/core/snapshot';
import type { ViewBatch, ViewBounds } from '../../engine/toy/views';
import type { BackendName, ImageGrid, RunKind, StreamOptions } from '../../protocol';
import type { Run } from '../run';

/** A heatmap of D's logits; unset fields take the run's stream resolution and view bounds. */
export interface HeatmapRequest {
  resolution?: number;
  bounds?: ViewBounds;
}

/** The views to read back together (one readback where the kind allows). */
export interface ViewRequest {
  samples: boolean;
  heatmap: HeatmapRequest | null;
}

export interface InterpolationRequest {
  from: number;
  to: number;
  steps: number;
  mode: 'lerp' | 'slerp';
}

export interface RunKindDriver {
  readonly kind: RunKind;
  /** Loads what a config needs before its trainer can be built (the digits, for images). */
  prepare(config: AnyGanConfig): Promise<void>;
  /**
   * A new trainer (after `prepare`) for the backend trainers are built for; synchronous so
   * snapshots can be restored with it.
   */
  build(
    config: AnyGanConfig,
    logEvery: number,
    prefix: string,
    backend: BackendName | null,
  ): AnyTrainer;
  /** Points of a toy's cloud, or tiles of an image run's grid. */
  viewCount(config: AnyGanConfig, stream: StreamOptions): number;
  /** The fixed latents of the run's views (and, for toys, the real reference cloud). */
  viewBatch(trainer: AnyTrainer, stream: StreamOptions): ViewBatch;
  viewBounds(trainer: AnyTrainer): ViewBounds;
  /** Real images in the sample grid's layout, for the `created` event (null for toys). */
  realImages(run: Run): ImageGrid | null;
  /** Posts the periodic or requested views. */
  sendViews(run: Run, what: ViewRequest, requestId?: number): Promise<void>;
  /** The `request-heatmap` command (2-D runs only). */
  heatmap(run: Run, request: HeatmapRequest, requestId: number | undefined): Promise<void>;
  /** The `interpolate` command (image runs only). */
  interpolate(
    run: Run,
    request: InterpolationRequest,
    requestId: number | undefined,
  ): Promise<void>;
  /** Posts an evaluation of `n` generated samples. */
  evaluate(run: Run, n: number): Promise<void>;
  /** Whether going from settings a to b (both of this kind) needs new models. */
  needsNewModel(a: AnyGanConfig, b: AnyGanConfig): boolean;
  /** Applies settings that need no rebuild (the caller checked with needsNewModel). */
  applyLive(trainer: AnyTrainer, config: AnyGanConfig): void;
  /** The naive baseline's step on the run's config (debug-profile naive; 2-D runs only). */
  naiveStep(run: Run): { step: () => void; dispose: () => void };
}

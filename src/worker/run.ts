/**
 * One run's state in the worker and what every part of the worker shares to act on it: the
 * event channel, the clock, readback accounting and the phase. The RunManager owns the runs;
 * the run-kind drivers, pacing, diagnostics and device-loss recovery read and update them through
 * this module, so none of them needs the manager itself.
 */
import { runKindOf, type AnyGanConfig } from '../engine/core/config';
import type { AnyTrainer, TrainerSnapshot } from '../engine/core/snapshot';
import type { LogRow } from '../engine/core/trainer';
import type { ViewBatch, ViewBounds } from '../engine/toy/views';
import type { ImageGrid, RunPhase, StreamOptions, WorkerEvent } from '../protocol';
import { RateMeter } from './rateMeter';

export type PostEvent = (event: WorkerEvent, transfer?: Transferable[]) => void;

export interface Run {
  id: string;
  config: AnyGanConfig;
  stream: StreamOptions;
  /** Null only while a lost device is being replaced. */
  trainer: AnyTrainer | null;
  view: ViewBatch;
  /** Latent grid of the generator-manifold view, for the key seed/latentDim/resolution. */
  manifold?: { key: string; latents: Float32Array };
  bounds: ViewBounds;
  playing: boolean;
  phase: RunPhase;
  /** A readback has completed since this trainer was built on this backend (kernels compiled). */
  warm: boolean;
  playStartedAt: number;
  /** Why the run diverged (it cannot play until reset or rebuilt). */
  diverged: string | null;
  pendingRows: LogRow[];
  lastMetricsAt: number;
  rate: RateMeter;
  snapshot: TrainerSnapshot | null;
  /** The weights changed since the last snapshot. */
  dirty: boolean;
  readbacks: number;
  /** Iterations of training after which at least one readback waited for the device. */
  syncPoints: number;
  /** Last point where the CPU waited for the device, and the device's time per iteration. */
  sync: { iteration: number; at: number; msPerStep: number | null } | null;
}

/** What the worker's parts share to act on a run (implemented by the RunManager). */
export interface RunContext {
  readonly post: PostEvent;
  now(): number;
  /** Races a readback with device loss (deviceLoss.ts), so a lost device cannot hang a readback. */
  guard<T>(promise: Promise<T>): Promise<T>;
  /** Counts `count` GPU→CPU readbacks for the run and for the worker (pacing.ts). */
  countReadback(run: Run, count?: number): void;
  setPhase(run: Run, phase: RunPhase, compileMs?: number, force?: boolean): void;
}

export const RESET_HINT = 'Reset the run (or change a setting that rebuilds it) to train again.';

/** A problem with the command itself (unknown run, wrong state): reported, never retried. */
export class CommandError extends Error {}

export function trainerOf(run: Run): AnyTrainer {
  if (!run.trainer) throw new CommandError(`run "${run.id}" has no trainer (no backend)`);
  return run.trainer;
}

/** A new run at rest (paused, no snapshot yet) around a freshly built or restored trainer. */
export function newRun(
  id: string,
  config: AnyGanConfig,
  stream: StreamOptions,
  trainer: AnyTrainer,
  view: ViewBatch,
  bounds: ViewBounds,
): Run {
  return {
    id,
    config,
    stream,
    trainer,
    view,
    bounds,
    playing: false,
    phase: 'paused',
    warm: false,
    playStartedAt: 0,
    diverged: null,
    pendingRows: [],
    lastMetricsAt: -Infinity,
    rate: new RateMeter(),
    snapshot: null,
    dirty: true,
    readbacks: 0,
    syncPoints: 0,
    sync: null,
  };
}

/** Gives the run new networks (iteration 0): nothing read back, diverged or saved yet. */
export function startOver(run: Run, trainer: AnyTrainer, view: ViewBatch, bounds: ViewBounds) {
  run.trainer = trainer;
  run.view = view;
  run.bounds = bounds;
  if (run.manifold) delete run.manifold;
  run.warm = false;
  run.diverged = null;
  run.pendingRows = [];
  run.snapshot = null;
  run.dirty = true;
  run.sync = null;
  run.rate.reset();
}

export function setPhase(
  post: PostEvent,
  run: Run,
  phase: RunPhase,
  compileMs?: number,
  force = false,
): void {
  if (run.phase === phase && !force) return;
  run.phase = phase;
  post({ type: 'phase', runId: run.id, phase, compileMs });
}

/** The `created` event: the run's settings, reference data and network sizes. */
export function postCreated(
  post: PostEvent,
  run: Run,
  realImages: ImageGrid | null,
  requestId: number | undefined,
): void {
  const trainer = trainerOf(run);
  const realSamples = run.view.real.slice();
  post(
    {
      type: 'created',
      requestId,
      runId: run.id,
      kind: runKindOf(run.config),
      config: run.config,
      stream: run.stream,
      bounds: run.bounds,
      realSamples,
      ...(realImages ? { realImages } : {}),
      parameterCounts: {
        generator: trainer.generator.parameterCount,
        discriminator: trainer.discriminator.parameterCount,
      },
    },
    realImages ? [realSamples.buffer, realImages.pixels.buffer] : [realSamples.buffer],
  );
}

/**
 * The run store: what the worker reports about the playground's run — phase, counters, the
 * latest views (point clouds, D's heatmap, transport vectors; for Stacked MNIST the sample grid,
 * the real-image grid, the 1000-mode evaluation and the latent interpolation strip) and bounded
 * chart histories. `applyRunEvent` is a pure reducer (unit-tested); the training session feeds it.
 */
import { createStore } from 'zustand/vanilla';

import type {
  BackendChoice,
  BackendName,
  Evaluation,
  ImageEvaluation,
  ImageGrid,
  LogRow,
  RunKind,
  RunPhase,
  ToyEvaluation,
  ViewBounds,
  WorkerEvent,
  WorkerEventOf,
  WorkerRestartedEvent,
  BackendChangedEvent,
} from '../protocol';
import { listInSentence, settingLabel } from './settingLabels';
import {
  appendBounded,
  emptyHistory,
  truncateHistory,
  type BoundedHistory,
  type HistoryPoint,
} from './downsample';

/** Points kept per chart history (each a mean of equally many logged rows). */
export const HISTORY_POINTS = 600;

export type MetricPoint = HistoryPoint & LogRow;
/** One evaluation on the charts; a field that does not apply to the run's kind is null. */
export type EvalPoint = HistoryPoint & {
  modesCovered: number | null;
  highQuality: number | null;
  reverseKL: number | null;
  slicedWasserstein: number | null;
  /** Image runs: the reverse KL a perfect generator would score on as many samples. */
  klFloor?: number | null;
  /** Image runs: modes covered by confident samples (each digit p ≥ 0.9), and their share in %. */
  confidentModesCovered?: number | null;
  confidentPercent?: number | null;
};

/** An image grid and the iteration it shows. */
export type ImageFrame = ImageGrid & { iteration: number };

/** G along a latent path between two samples of the grid (the `interpolation` event). */
export interface InterpolationView {
  pixels: Uint8ClampedArray;
  width: number;
  height: number;
  /** Images in the strip. */
  steps: number;
  mode: 'lerp' | 'slerp';
  from: number;
  to: number;
  iteration: number;
}

export interface HeatmapView {
  resolution: number;
  bounds: ViewBounds;
  logits: Float32Array;
}

export interface RunFrame {
  bounds: ViewBounds | null;
  real: Float32Array | null;
  fake: Float32Array | null;
  transport: Float32Array | null;
  /** G on the latent-plane grid (see StreamOptions.manifoldResolution), or null. */
  manifold: Float32Array | null;
  heatmap: HeatmapView | null;
  /** Iteration of the fake points. */
  iteration: number;
  /** Image runs: G on the fixed latents, and a grid of real images of the same size. */
  images: ImageFrame | null;
  realImages: ImageFrame | null;
}

/** `action: 'reset'` offers a Reset button beside the text (after a divergence). */
export type Notice = { kind: 'info' | 'error'; text: string; action?: 'reset' };

/** The diagnostics a divergence can name, as the charts call them. */
const QUANTITY_NAMES: Record<string, string> = {
  dLoss: 'the D loss',
  gLoss: 'the G loss',
  r1: 'the R1 penalty',
  r2: 'the R2 penalty',
  dReal: 'D on real data',
  dFake: 'D on generated data',
  gradSqReal: 'E‖∇D‖² on real data',
  gradSqFake: 'E‖∇D‖² on generated data',
  dGradNorm: "D's gradient norm",
  gGradNorm: "G's gradient norm",
};

/** Which quantity blew up, by which step, and what to do about it. */
export function divergedNotice(field: string, step: number): string {
  const quantity = QUANTITY_NAMES[field] ?? field;
  return (
    `Training diverged: ${quantity} (${field}) became NaN or infinite by step ${step}, so the ` +
    'run was paused. Reset it to start again, or first lower the learning rate or raise γ.'
  );
}

export interface RunState {
  backend: BackendName | null;
  fallbackReasons: string[];
  /** How Automatic measured and chose the backend (null for a manual choice). */
  backendChoice: BackendChoice | null;
  /** Threads of the WASM backend's pool (null when it has not started). */
  wasmThreads: number | null;
  created: boolean;
  /** What the worker built: a 2-D toy or a Stacked MNIST image GAN. */
  kind: RunKind;
  phase: RunPhase;
  /** The UI steps the run on a timer (slow motion). */
  slowMotion: boolean;
  iteration: number;
  stepsPerSecond: number;
  compileMs: number | null;
  parameterCounts: { generator: number; discriminator: number } | null;
  latest: LogRow | null;
  evaluation: ToyEvaluation | null;
  /** Latest evaluation of an image run (1000-mode coverage, reverse KL, counts per mode). */
  imageEvaluation: ImageEvaluation | null;
  /** Latest interpolation strip (image runs). */
  interpolation: InterpolationView | null;
  metrics: BoundedHistory<MetricPoint>;
  evals: BoundedHistory<EvalPoint>;
  frame: RunFrame;
  /** Latest news about the run (a restart, divergence, a rejected command). */
  notice: Notice | null;
}

export function initialRunState(): RunState {
  return {
    backend: null,
    fallbackReasons: [],
    backendChoice: null,
    wasmThreads: null,
    created: false,
    kind: 'toy',
    phase: 'paused',
    slowMotion: false,
    iteration: 0,
    stepsPerSecond: 0,
    compileMs: null,
    parameterCounts: null,
    latest: null,
    evaluation: null,
    imageEvaluation: null,
    interpolation: null,
    metrics: emptyHistory(),
    evals: emptyHistory(),
    frame: {
      bounds: null,
      real: null,
      fake: null,
      transport: null,
      manifold: null,
      heatmap: null,
      iteration: 0,
      images: null,
      realImages: null,
    },
    notice: null,
  };
}

/**
 * "Restarted from step 0: …" after a change that needed new networks, naming the settings by
 * their labels. A new dataset changes everything (switching to Stacked MNIST changes every
 * setting): it is named alone.
 */
export function restartNotice(changed: string[]): string {
  if (changed.length === 0) return 'Reset: training restarts from step 0 with fresh networks.';
  if (changed.includes('dataset'))
    return 'Restarted from step 0: a new dataset needs new networks.';
  const names = listInSentence(changed.map((c) => settingLabel([c])));
  return `Restarted from step 0: changing ${names} needs new networks.`;
}

export function workerRestartedNotice(
  reason: string,
  run: WorkerRestartedEvent['runs'][number],
): string {
  const from =
    run.restoredFrom === 'snapshot'
      ? `resumed from its last snapshot at step ${run.iteration}` +
        (run.lostIterations > 0 ? ` (${run.lostIterations} steps are redone)` : '')
      : 'restarted from step 0 (there was no snapshot yet)';
  return `The training worker stopped (${reason}); a new one took over and the run ${from}. The charts keep their history.`;
}

export function deviceLostNotice(
  event: BackendChangedEvent,
  run: BackendChangedEvent['runs'][number],
): string {
  const from =
    run.restoredFrom === 'snapshot'
      ? `from its last snapshot at step ${run.iteration}` +
        (run.lostIterations > 0 ? ` (${run.lostIterations} steps redone)` : '')
      : 'from step 0 (there was no snapshot yet)';
  return `The ${event.previous} device was lost; the run continues on ${event.backend} ${from}.`;
}

/** The run goes on from `iteration` (a snapshot): the history after it will be redone. */
function resumedFrom(state: RunState, iteration: number): Partial<RunState> {
  return {
    iteration,
    metrics: truncateHistory(state.metrics, iteration),
    evals: truncateHistory(state.evals, iteration),
  };
}

export function isImageEvaluation(e: Evaluation): e is ImageEvaluation {
  return 'kind' in e && e.kind === 'image';
}

export function evalPoint(e: Evaluation): EvalPoint {
  if (isImageEvaluation(e)) {
    return {
      step: e.step,
      modesCovered: e.modesCovered,
      highQuality: null,
      reverseKL: e.reverseKL,
      slicedWasserstein: null,
      klFloor: e.klFloor,
      confidentModesCovered: e.confidentModesCovered ?? null,
      confidentPercent: e.confidentShare === undefined ? null : 100 * e.confidentShare,
    };
  }
  return {
    step: e.step,
    modesCovered: e.modesCovered,
    highQuality: e.highQuality === null ? null : 100 * e.highQuality,
    reverseKL: e.reverseKL,
    slicedWasserstein: e.slicedWasserstein,
  };
}

/** Metric rows (batched by the session) into the history. */
export function appendRows(state: RunState, rows: LogRow[]): Partial<RunState> {
  if (rows.length === 0) return {};
  return {
    metrics: appendBounded(state.metrics, rows as MetricPoint[], HISTORY_POINTS),
    latest: rows[rows.length - 1],
  };
}

/**
 * What an event for the run (or the worker) changes. Metric rows are not appended here: the
 * session batches them (see appendRows) so that charts re-render at a bounded rate.
 */
/** What the `ready` event tells about the backend. */
export function readyState(event: WorkerEventOf<'ready'>): Partial<RunState> {
  return {
    backend: event.backend,
    fallbackReasons: event.fallbackReasons,
    backendChoice: event.choice ?? null,
    wasmThreads: event.wasmThreads ?? null,
  };
}

export function applyRunEvent(
  state: RunState,
  event: WorkerEvent,
  runId?: string,
): Partial<RunState> {
  switch (event.type) {
    case 'ready':
      return readyState(event);
    case 'backend-changed': {
      const backend = {
        backend: event.backend,
        fallbackReasons: [
          `${event.previous} device lost, continued from the last snapshot`,
          ...event.fallbackReasons,
        ],
      };
      const restored = event.runs.find((r) => r.runId === runId);
      if (!restored) return backend;
      // As after a worker crash: the run continues from its snapshot, so the chart points it
      // will redo go (else the lines would draw back to the snapshot's step).
      return {
        ...backend,
        ...resumedFrom(state, restored.iteration),
        notice: { kind: 'info', text: deviceLostNotice(event, restored) },
      };
    }
    case 'created':
      return {
        created: true,
        // A new trainer: its first steps compile again.
        compileMs: null,
        kind: event.kind,
        parameterCounts: event.parameterCounts,
        ...(event.kind !== state.kind ? { evaluation: null, imageEvaluation: null } : {}),
        interpolation: null,
        frame: {
          ...state.frame,
          bounds: event.bounds,
          real: event.realSamples,
          fake: null,
          transport: null,
          manifold: null,
          heatmap: null,
          images: null,
          realImages: event.realImages ? { ...event.realImages, iteration: 0 } : null,
        },
      };
    case 'rebuilt':
      return {
        iteration: 0,
        latest: null,
        evaluation: null,
        imageEvaluation: null,
        interpolation: null,
        metrics: emptyHistory(),
        evals: emptyHistory(),
        notice: { kind: 'info', text: restartNotice(event.changed) },
      };
    case 'metrics':
      return { iteration: event.iteration, stepsPerSecond: event.stepsPerSecond };
    case 'samples':
      return {
        frame: {
          ...state.frame,
          fake: event.points,
          transport: event.transport,
          manifold: event.manifold,
          iteration: event.iteration,
        },
      };
    case 'heatmap':
      return {
        frame: {
          ...state.frame,
          heatmap: { resolution: event.resolution, bounds: event.bounds, logits: event.logits },
        },
      };
    case 'image-samples':
      return { frame: { ...state.frame, images: { ...event.grid, iteration: event.iteration } } };
    case 'interpolation':
      return {
        interpolation: {
          pixels: event.strip.pixels,
          width: event.strip.width,
          height: event.strip.height,
          steps: event.strip.columns * event.strip.rows,
          mode: event.mode,
          from: event.from,
          to: event.to,
          iteration: event.iteration,
        },
      };
    case 'eval': {
      const evals = appendBounded(state.evals, [evalPoint(event.evaluation)], HISTORY_POINTS);
      return isImageEvaluation(event.evaluation)
        ? { imageEvaluation: event.evaluation, evals }
        : { evaluation: event.evaluation, evals };
    }
    case 'phase':
      return {
        phase: event.phase,
        compileMs: event.compileMs ?? state.compileMs,
        ...(event.phase === 'compiling' ? { compileMs: null } : {}),
      };
    case 'diverged':
      return {
        notice: { kind: 'error', text: divergedNotice(event.field, event.step), action: 'reset' },
      };
    case 'error':
      return event.runId === undefined ? {} : { notice: { kind: 'error', text: event.message } };
    case 'worker-restarted': {
      const restored = event.runs.find((r) => r.runId === runId);
      if (!restored) return {};
      // The run continues from its snapshot: drop the chart points it will redo.
      return {
        ...resumedFrom(state, restored.iteration),
        notice: { kind: 'info', text: workerRestartedNotice(event.reason, restored) },
      };
    }
    case 'ack':
    case 'snapshot':
    case 'device-lost':
    case 'stats':
    case 'profile':
    case 'gradcheck':
    case 'fused-check':
      return {};
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

export function createRunStore() {
  return createStore<RunState>()(() => initialRunState());
}

export type RunStoreApi = ReturnType<typeof createRunStore>;

/**
 * Messages between the UI (main thread) and the training worker, typed both ways.
 *
 * Both directions are discriminated unions on `type`. To add a message: add a member to the
 * union; the compiler then flags every place that must learn about it — the `never` checks in the
 * worker's command switch and the UI's event switches, the command schemas (worker/commands.ts)
 * and the event guard table below.
 *
 * This module is imported by the UI, so it only imports types from the engine: the engine's
 * runtime modules pull in tfjs, which must stay in the worker.
 *
 * Models: a run is a 2-D toy GAN (`kind: 'toy'`, MLPs, point clouds and heatmaps) or an image
 * GAN on Stacked MNIST (`kind: 'image'`, conv nets, image grids, 1000-mode evaluations). The
 * run-level commands (play, pause, step, …) are model-agnostic.
 */
import type { AnyGanConfig, GanConfig, ImageGanConfig } from './engine/core/config';
import type { ToyEvaluation } from './engine/toy/evaluate';
import type { ImageGrid } from './engine/image/imageViews';
import type { TrainerSnapshot } from './engine/core/snapshot';
import type { LogRow } from './engine/core/trainer';
import type { ViewBounds } from './engine/toy/views';

export type {
  ImageGrid,
  AnyGanConfig,
  GanConfig,
  ImageGanConfig,
  LogRow,
  ToyEvaluation,
  TrainerSnapshot,
  ViewBounds,
};

/** Which model a config trains: `kind` always agrees with `config.dataset`. */
export type RunSpec =
  { kind: 'toy'; config: GanConfig } | { kind: 'image'; config: ImageGanConfig };
export type RunKind = RunSpec['kind'];

/**
 * Evaluation of an image run: the digit triples of `evalSamples` generated images, read by the
 * shipped classifier (gan-facts.md §2.3). `modeCounts` has 1000 entries, index 100·dR + 10·dG + dB.
 */
export interface ImageEvaluation {
  kind: 'image';
  step: number;
  modesCovered: number;
  totalModes: number;
  reverseKL: number;
  /** E[KL] of a perfect generator scored on as many samples: (K − 1)/(2N). */
  klFloor: number;
  evalSamples: number;
  modeCounts: number[];
  /**
   * The confident measure (engine/image/stackedMetrics.ts): share of samples whose three digits are
   * each classified with p ≥ 0.9, the modes they cover and their counts per mode. Optional:
   * runs saved before it existed carry none.
   */
  confidentShare?: number;
  confidentModesCovered?: number;
  confidentModeCounts?: number[];
}

export type Evaluation = ToyEvaluation | ImageEvaluation;

/** tfjs backends the app knows about, in the order the worker tries them by default. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(x: unknown): x is BackendName {
  return typeof x === 'string' && (BACKEND_NAMES as readonly string[]).includes(x);
}

/**
 * How much a run streams back, and how often. "Every k" counts iterations; 0 turns a periodic
 * view off (it can still be requested). Each item costs one GPU→CPU readback when it fires
 * (samples, transport and heatmap fired together share one).
 */
export interface StreamOptions {
  /** Diagnostics row recorded every this many iterations (applies from the next (re)build). */
  logEvery: number;
  /** Losses are read back (asynchronously) every this many iterations. */
  readbackEvery: number;
  /** Point cloud of the fixed latent batch every this many iterations. */
  samplesEvery: number;
  /** Size of the fixed latent batch (and of the real reference cloud). */
  sampleCount: number;
  /** Send transport vectors (−∇ₓ of G's loss at each fake point) with the samples. */
  transport: boolean;
  /** D's heatmap every this many iterations (0: only on request). */
  heatmapEvery: number;
  /** Heatmap cells per side. */
  heatmapResolution: number;
  /**
   * Lines per side of the generator-manifold mesh sent with the samples: G applied to a square
   * grid on a fixed 2-D plane of latent space (0: off).
   */
  manifoldResolution: number;
  /** Evaluation (modes, %HQ, reverse KL, sliced Wasserstein) every this many iterations. */
  evalEvery: number;
  evalSamples: number;
  /**
   * Before the first `evalEvery`, also evaluate every this many iterations (0: not) on
   * `earlyEvalSamples` samples: an early, cheaper look (worker/evalSchedule.ts).
   */
  earlyEvalEvery: number;
  earlyEvalSamples: number;
  /** CPU snapshot of weights and optimiser state every this many iterations (and on pause). */
  snapshotEvery: number;
  /**
   * Send every snapshot to the UI as well (a `snapshot` event, values transferred), so the UI can
   * restore the run in a new worker if this one crashes.
   */
  streamSnapshots: boolean;
  /**
   * Toy runs on webgpu/webgl: 'auto' trains with the fused GPU kernels (src/worker/fused) when
   * the settings allow, except for models above 1 MFLOP per iteration on a software WebGL
   * renderer (SwiftShader), where tfjs's packed ops were measured faster (fused/auto.ts); 'on'
   * uses them there too; 'off' keeps the standard tfjs ops (for comparison, e.g. in the bench).
   */
  fusedStep: FusedStepChoice;
}

export const FUSED_STEP_CHOICES = ['auto', 'on', 'off'] as const;
export type FusedStepChoice = (typeof FUSED_STEP_CHOICES)[number];

export const DEFAULT_STREAM: StreamOptions = {
  logEvery: 10,
  readbackEvery: 10,
  samplesEvery: 20,
  sampleCount: 512,
  transport: false,
  heatmapEvery: 0,
  heatmapResolution: 48,
  manifoldResolution: 0,
  evalEvery: 500,
  evalSamples: 2000,
  earlyEvalEvery: 0,
  earlyEvalSamples: 1000,
  snapshotEvery: 200,
  streamSnapshots: false,
  fusedStep: 'auto',
};

/** 'compiling': playing, but the first steps on this backend (shader compilation) are not done. */
export type RunPhase = 'paused' | 'compiling' | 'training';

/** Which part of an iteration a manual step runs. */
export type StepPart = 'both' | 'discriminator' | 'generator';

// ---------------------------------------------------------------------------------------------
// UI -> worker. `requestId` (optional, on every command) is echoed by the events that answer
// the command and by a final `ack` (or an `error`), which lets the client return promises.

interface CommandBase {
  requestId?: number;
}

export interface InitCommand extends CommandBase {
  type: 'init';
  /** Try this backend first (e.g. from `?backend=cpu`); the others follow in default order. */
  preferredBackend?: BackendName;
  /**
   * Automatic (no preferredBackend): measure the candidates on a burst of this run's training
   * (worker/backendChoice.ts), unless one of `remembered` was measured on this device for a
   * model of this size. Without it, Automatic takes the first backend that works.
   */
  auto?: AutoBackendRequest;
  /**
   * How long each backend may take to start (default 45 s, for SwiftShader's slow compiles). A
   * switch of backend asks for less: a GPU still busy with the old worker's queued work can hold
   * a new context back for a minute; the next backend is better than a disabled Play button.
   */
  timeoutMs?: number;
}

export interface AutoBackendRequest {
  config: AnyGanConfig;
  /** Earlier measurements the UI kept (from `ready.choice`). */
  remembered?: BackendChoice[];
  /** Measure software adapters (SwiftShader) too instead of skipping them (`?measure=all`). */
  includeSoftware?: boolean;
}

/** A candidate backend's measured training speed. */
export interface BackendRate {
  backend: BackendName;
  /** Iterations per second over the timed burst, synchronised with the device. */
  stepsPerSecond: number;
  /** The first iteration (shader compilation), not counted in the rate. */
  warmupMs: number;
  /** Iterations timed. */
  steps: number;
}

export interface SkippedBackend {
  backend: BackendName;
  /** e.g. "a software adapter (swiftshader)", or why it failed to start. */
  reason: string;
}

/** How Automatic chose its backend. */
export interface BackendChoice {
  /** Device × model size × candidates: what the measurement is valid for. */
  key: string;
  backend: BackendName;
  /** Measured candidates (empty when there was only one: nothing to compare). */
  rates: BackendRate[];
  skipped: SkippedBackend[];
  /** Date.now() of the measurement. */
  measuredAt: number;
  /** Taken from `remembered` instead of measured now. */
  fromCache: boolean;
}

export type CreateCommand = CommandBase & {
  type: 'create';
  runId: string;
  stream?: Partial<StreamOptions>;
} & RunSpec;

/**
 * New settings; a change that needs new models (or another kind of model) rebuilds the run (see
 * `rebuilt`).
 */
export type ConfigureCommand = CommandBase & { type: 'configure'; runId: string } & RunSpec;

/** G on the path between two of the grid's fixed latents (image runs): an `interpolation` event. */
export interface InterpolateCommand extends CommandBase {
  type: 'interpolate';
  runId: string;
  /** Indices into the fixed latent batch of the sample grid. */
  from: number;
  to: number;
  steps: number;
  /** Straight line, or great circle (keeps the norm where Gaussian latents live). */
  mode: 'lerp' | 'slerp';
}

export interface SetStreamCommand extends CommandBase {
  type: 'set-stream';
  runId: string;
  stream: Partial<StreamOptions>;
}

export interface RunCommand<T extends string> extends CommandBase {
  type: T;
  runId: string;
}

/** Pauses the run if it plays, then runs exactly `n` iterations (or n D-only / G-only updates). */
export interface StepCommand extends CommandBase {
  type: 'step';
  runId: string;
  n: number;
  part?: StepPart;
}

export interface RequestHeatmapCommand extends CommandBase {
  type: 'request-heatmap';
  runId: string;
  /** Defaults: the run's stream resolution and view bounds. */
  resolution?: number;
  bounds?: ViewBounds;
}

/**
 * Runs one ordinary (non-logging) training iteration under tf.profile and reports the kernels it
 * dispatched. Pauses the run; advances it by one or two iterations.
 */
export interface DebugProfileCommand extends CommandBase {
  type: 'debug-profile';
  runId: string;
  /**
   * Profile the naive baseline (engine/toy/naive.ts) on this run's config instead of the run's own
   * iteration; the run's state is untouched.
   */
  naive?: boolean;
}

/**
 * Trains two fresh toy runs of `config` side by side on the active backend, one on the op path
 * and one on the fused GPU step, and compares them after the iterations in `at` (a
 * `fused-check` event). Leaves no run behind.
 */
export interface DebugFusedCheckCommand extends CommandBase {
  type: 'debug-fused-check';
  config: GanConfig;
  /** Iterations (from 1, ascending) after which weights and diagnostics are compared. */
  at: number[];
}

/**
 * Creates a run in the state of a snapshot (its config, weights, optimiser state and iteration):
 * how the UI resumes its runs in a new worker after a crash. Answered like `create`.
 */
export interface RestoreCommand extends CommandBase {
  type: 'restore';
  runId: string;
  kind: RunKind;
  snapshot: TrainerSnapshot;
  /** Live settings changed since the snapshot (rejected if they would need a rebuild). */
  config?: AnyGanConfig;
  stream?: Partial<StreamOptions>;
}

export type WorkerCommand =
  | InitCommand
  | CreateCommand
  | RestoreCommand
  /** Takes a snapshot now (once pending work is read) and answers with a `snapshot` event. */
  | RunCommand<'snapshot'>
  /** Liveness check: answered with an `ack` at once, ahead of queued commands. */
  | (CommandBase & { type: 'ping' })
  | ConfigureCommand
  | SetStreamCommand
  | RunCommand<'play'>
  | RunCommand<'pause'>
  | StepCommand
  | RunCommand<'reset'>
  /** Sends the point cloud (and transport vectors if enabled) now. */
  | RunCommand<'sample'>
  | RequestHeatmapCommand
  | InterpolateCommand
  | RunCommand<'dispose'>
  /** Destroys the WebGPU device, to exercise device-loss recovery. */
  | (CommandBase & { type: 'debug-lose-device' })
  /** Reports tf.memory() and readback counters (a `stats` event). */
  | (CommandBase & { type: 'debug-stats' })
  /** Runs the finite-difference R1/R2/GP gradient self-test on the active backend. */
  /**
   * Finite-difference check of D's R1/R2/GP weight gradients on this backend: the MLP cases
   * ('toy', default) or a conv set covering every op of the image discriminators ('conv').
   */
  | (CommandBase & { type: 'debug-gradcheck'; suite?: 'toy' | 'conv' | 'fused' })
  | DebugProfileCommand
  | DebugFusedCheckCommand;

export type WorkerCommandType = WorkerCommand['type'];

/** Commands without their requestId (what callers of the client write). */
export type WorkerCommandBody = DistributiveOmit<WorkerCommand, 'requestId'>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

// ---------------------------------------------------------------------------------------------
// worker -> UI

interface EventBase {
  /** Set when the event answers a command that carried a requestId. */
  requestId?: number;
}

export interface WorkerReadyEvent extends EventBase {
  type: 'ready';
  /** The backend tfjs is now using, verified with a small tensor op. */
  backend: BackendName;
  /** One human-readable line per backend that was tried before `backend` and failed. */
  fallbackReasons: string[];
  /** The engine's default settings (the UI does not import the engine: it would pull in tfjs). */
  defaultConfig: GanConfig;
  defaultStream: StreamOptions;
  /** How Automatic chose (absent for a manual choice or without `init.auto`). */
  choice?: BackendChoice;
  /** Whether the worker is cross-origin isolated (SharedArrayBuffer: threaded WASM). */
  crossOriginIsolated?: boolean;
  /** Threads of the WASM backend's pool (absent unless the WASM backend was started). */
  wasmThreads?: number;
}

export interface CommandAckEvent extends EventBase {
  type: 'ack';
  requestId: number;
}

export interface WorkerErrorEvent extends EventBase {
  type: 'error';
  message: string;
  runId?: string;
  /** The worker's backend cannot compute any more (wasm aborted): the client replaces it. */
  fatal?: boolean;
}

/** Also sent after a rebuild: the reference data and view never change otherwise. */
export interface RunCreatedEvent extends EventBase {
  type: 'created';
  runId: string;
  kind: RunKind;
  config: AnyGanConfig;
  stream: StreamOptions;
  /** The square of the data plane that the views cover (toys; a unit square for images). */
  bounds: ViewBounds;
  /**
   * Real data for reference (sampleCount points, interleaved x, y); sent once per build. Empty
   * for image runs, which send `realImages` instead.
   */
  realSamples: Float32Array;
  /** A grid of real training images, the same size as the sample grid (image runs). */
  realImages?: ImageGrid;
  parameterCounts: { generator: number; discriminator: number };
}

export interface RunRebuiltEvent extends EventBase {
  type: 'rebuilt';
  runId: string;
  reason: 'config' | 'reset';
  /** The settings whose change forced the rebuild (empty for a reset). */
  changed: string[];
}

export interface MetricsEvent extends EventBase {
  type: 'metrics';
  runId: string;
  /** Diagnostics rows read back since the last metrics event (possibly none). */
  rows: LogRow[];
  /** Iterations completed (queued on the device; at most `readbackEvery` ahead of `rows`). */
  iteration: number;
  /** Over the last ~2 s of training; 0 when paused. */
  stepsPerSecond: number;
}

export interface SamplesEvent extends EventBase {
  type: 'samples';
  runId: string;
  iteration: number;
  /** G(z) for the run's fixed latents, interleaved x, y (transferred). */
  points: Float32Array;
  /** −∇ₓ of G's per-sample loss at each point, interleaved (when the stream asks for it). */
  transport: Float32Array | null;
  /**
   * G on the latent-plane grid (manifoldResolution² points, row-major, interleaved x, y) when the
   * stream asks for it.
   */
  manifold: Float32Array | null;
}

export interface HeatmapEvent extends EventBase {
  type: 'heatmap';
  runId: string;
  iteration: number;
  resolution: number;
  bounds: ViewBounds;
  /** D's logits at the cell centres, row 0 at the top (yMax), index row·resolution + col. */
  logits: Float32Array;
}

export interface EvalEvent extends EventBase {
  type: 'eval';
  runId: string;
  evaluation: Evaluation;
}

/** G on the run's fixed latents as an image grid (image runs; the `samples` of a toy run). */
export interface ImageSamplesEvent extends EventBase {
  type: 'image-samples';
  runId: string;
  iteration: number;
  grid: ImageGrid;
}

/** Answer to `interpolate`: one row of `steps` tiles from sample `from` to sample `to`. */
export interface InterpolationEvent extends EventBase {
  type: 'interpolation';
  runId: string;
  iteration: number;
  from: number;
  to: number;
  mode: 'lerp' | 'slerp';
  strip: ImageGrid;
}

export interface PhaseEvent extends EventBase {
  type: 'phase';
  runId: string;
  phase: RunPhase;
  /** With 'training' after 'compiling': ms from play to the first completed readback. */
  compileMs?: number;
}

export interface DivergedEvent extends EventBase {
  type: 'diverged';
  runId: string;
  step: number;
  field: string;
  message: string;
}

export interface DeviceLostEvent extends EventBase {
  type: 'device-lost';
  backend: BackendName;
  reason: string;
  message: string;
}

export interface BackendChangedEvent extends EventBase {
  type: 'backend-changed';
  backend: BackendName;
  previous: BackendName;
  /** Why the backends between `previous` and `backend` were skipped. */
  fallbackReasons: string[];
  runs: {
    runId: string;
    /** The iteration the run continues from (its last snapshot). */
    iteration: number;
    /** Iterations done since that snapshot, which are lost. */
    lostIterations: number;
    restoredFrom: 'snapshot' | 'scratch';
  }[];
}

/** A CPU copy of a run's trainer state (periodic with `streamSnapshots`, or on request). */
export interface SnapshotEvent extends EventBase {
  type: 'snapshot';
  runId: string;
  iteration: number;
  /** `snapshot.values` is transferred. */
  snapshot: TrainerSnapshot;
}

/**
 * Sent by the client, not the worker: the worker stopped answering (crashed, or was killed) and
 * a new one took over, each run restored from the last snapshot the UI received.
 */
export interface WorkerRestartedEvent extends EventBase {
  type: 'worker-restarted';
  /** What gave the crash away. */
  reason: string;
  runs: {
    runId: string;
    /** The iteration the run continues from. */
    iteration: number;
    /** Iterations done since that snapshot, which are redone. */
    lostIterations: number;
    restoredFrom: 'snapshot' | 'scratch';
  }[];
}

export interface StatsEvent extends EventBase {
  type: 'stats';
  backend: BackendName | null;
  numTensors: number;
  numBytes: number;
  /**
   * The backend's own memory figures: tf.memory()'s other numeric fields (numBytesInGPU,
   * numBytesInGPUAllocated, … where the backend has them) and, on wasm, the size of the WASM heap
   * (`wasmHeapBytes`, which only grows).
   */
  backendMemory?: Record<string, number>;
  /** GPU→CPU readbacks (`await data()`) since the worker started. */
  readbacks: number;
  runs: {
    runId: string;
    iteration: number;
    phase: RunPhase;
    readbacks: number;
    /**
     * Training iterations after which the CPU waited for the device: several readbacks at the
     * same iteration (losses, then the views that fall due with them) wait once.
     */
    syncPoints: number;
    /** Toy runs: the fused GPU step or the tfjs ops, and why ops when fused was possible. */
    stepPath?: StepPath;
    stepPathReason?: string | null;
  }[];
}

export interface GradientCheckEvent extends EventBase {
  type: 'gradcheck';
  backend: BackendName | null;
  /** Relative error of the double-backprop weight gradient vs central differences, per case. */
  results: { name: string; relativeError: number }[];
}

/** Which code trains a toy run's steps: the fused GPU kernels, or the standard tfjs ops. */
export type StepPath = 'fused' | 'ops';

export interface FusedCheckEvent extends EventBase {
  type: 'fused-check';
  backend: BackendName | null;
  /** The path the fused trainer took (ops when its kernels failed: see `fallbackReason`). */
  stepPath: StepPath;
  fallbackReason: string | null;
  comparisons: {
    iteration: number;
    /** max over variables (weights, EMA, moments) of ‖fused − ops‖∞ / ‖ops‖∞. */
    weights: number;
    /** The op path's name of the variable where `weights` was measured. */
    worstVariable: string;
    /**
     * Per view part (and the evaluations' samples), the fused kernels against the ops on the
     * fused weights (‖·‖∞ ratio).
     */
    views: { part: 'points' | 'transport' | 'manifold' | 'logits' | 'sample'; relative: number }[];
    /** Per LOG_FIELDS entry: |fused − ops| / max(|ops|, 1e-6), and both values. */
    diagnostics: { field: string; fused: number; ops: number; relative: number }[];
  }[];
}

export interface ProfileEvent extends EventBase {
  type: 'profile';
  runId: string;
  backend: BackendName | null;
  /** The path the profiled iteration ran on (toy runs on webgpu/webgl can run fused kernels). */
  stepPath?: StepPath;
  /** Kernels dispatched by one training iteration. */
  kernels: number;
  /** The same, by kernel name. */
  kernelCounts: Record<string, number>;
  /** Whether the profiled iteration recorded diagnostics (only when logEvery is 1). */
  logging: boolean;
  /** The iteration profiled was the naive baseline's. */
  naive: boolean;
  wallMs: number;
}

export type WorkerEvent =
  | WorkerReadyEvent
  | CommandAckEvent
  | WorkerErrorEvent
  | RunCreatedEvent
  | RunRebuiltEvent
  | MetricsEvent
  | SamplesEvent
  | HeatmapEvent
  | EvalEvent
  | ImageSamplesEvent
  | InterpolationEvent
  | PhaseEvent
  | DivergedEvent
  | DeviceLostEvent
  | BackendChangedEvent
  | SnapshotEvent
  | WorkerRestartedEvent
  | StatsEvent
  | ProfileEvent
  | GradientCheckEvent
  | FusedCheckEvent;

export type WorkerEventType = WorkerEvent['type'];

export type WorkerEventOf<T extends WorkerEventType> = Extract<WorkerEvent, { type: T }>;

// ---------------------------------------------------------------------------------------------
// Runtime checks on the UI side. The worker is our own code, so these are cheap shape checks
// (type, ids, payload arrays) that catch a stale or foreign worker, not deep validation. The
// worker validates commands fully (worker/commands.ts).

type Fields = Record<string, unknown>;

function isImageGrid(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const g = x as Fields;
  return (
    g.pixels instanceof Uint8ClampedArray &&
    typeof g.width === 'number' &&
    typeof g.height === 'number' &&
    g.pixels.length === g.width * g.height * 4
  );
}

function isRecord(x: unknown): x is Fields {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isString = (x: unknown) => typeof x === 'string';
const isNumber = (x: unknown) => typeof x === 'number';
const hasRun = (e: Fields) => isString(e.runId);

const EVENT_CHECKS: { [T in WorkerEventType]: (e: Fields) => boolean } = {
  ready: (e) =>
    isBackendName(e.backend) &&
    Array.isArray(e.fallbackReasons) &&
    e.fallbackReasons.every(isString) &&
    isRecord(e.defaultConfig) &&
    isRecord(e.defaultStream),
  ack: (e) => isNumber(e.requestId),
  error: (e) => isString(e.message),
  created: (e) =>
    hasRun(e) && isRecord(e.config) && isRecord(e.bounds) && e.realSamples instanceof Float32Array,
  rebuilt: (e) => hasRun(e) && Array.isArray(e.changed),
  metrics: (e) => hasRun(e) && Array.isArray(e.rows) && isNumber(e.iteration),
  samples: (e) =>
    hasRun(e) &&
    e.points instanceof Float32Array &&
    (e.transport === null || e.transport instanceof Float32Array) &&
    (e.manifold === null || e.manifold instanceof Float32Array),
  heatmap: (e) => hasRun(e) && isNumber(e.resolution) && e.logits instanceof Float32Array,
  eval: (e) => hasRun(e) && isRecord(e.evaluation),
  'image-samples': (e) => hasRun(e) && isImageGrid(e.grid),
  interpolation: (e) => hasRun(e) && isImageGrid(e.strip),
  phase: (e) => hasRun(e) && ['paused', 'compiling', 'training'].includes(e.phase as string),
  diverged: (e) => hasRun(e) && isNumber(e.step) && isString(e.message),
  'device-lost': (e) => isBackendName(e.backend) && isString(e.message),
  'backend-changed': (e) =>
    isBackendName(e.backend) && isBackendName(e.previous) && Array.isArray(e.runs),
  snapshot: (e) =>
    hasRun(e) &&
    isNumber(e.iteration) &&
    isRecord(e.snapshot) &&
    (e.snapshot as Fields).values instanceof Float32Array &&
    Array.isArray((e.snapshot as Fields).shapes),
  'worker-restarted': (e) => isString(e.reason) && Array.isArray(e.runs),
  stats: (e) => isNumber(e.numTensors) && Array.isArray(e.runs),
  profile: (e) => hasRun(e) && isNumber(e.kernels),
  gradcheck: (e) => Array.isArray(e.results),
  'fused-check': (e) => Array.isArray(e.comparisons),
};

/** Checks events coming back from the worker. */
export function isWorkerEvent(x: unknown): x is WorkerEvent {
  if (!isRecord(x) || typeof x.type !== 'string' || !Object.hasOwn(EVENT_CHECKS, x.type)) {
    return false;
  }
  if (x.requestId !== undefined && !isNumber(x.requestId)) return false;
  return EVENT_CHECKS[x.type as WorkerEventType](x);
}

/** Short description of a rejected message, for error events (never echoes large payloads). */
export function describeInvalidMessage(x: unknown): string {
  if (isRecord(x)) {
    return typeof x.type === 'string'
      ? `invalid or unknown command of type ${JSON.stringify(x.type.slice(0, 40))}`
      : 'invalid command: missing string field "type"';
  }
  return `invalid command: expected an object, got ${x === null ? 'null' : typeof x}`;
}

/** Parses the `?backend=` URL parameter. */
export function parseBackendParam(search: string): { backend?: BackendName; notice?: string } {
  const raw = new URLSearchParams(search).get('backend');
  if (raw === null || raw === '') return {};
  const value = raw.trim().toLowerCase();
  if (isBackendName(value)) return { backend: value };
  return {
    notice: `Ignoring ?backend=${raw.slice(0, 40)}: expected one of ${BACKEND_NAMES.join(', ')}.`,
  };
}

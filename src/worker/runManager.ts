/**
 * The training runtime behind the worker protocol, free of `self` so it runs in Node tests:
 * hosts several runs keyed by runId, trains the playing ones round-robin in short time slices,
 * streams metrics / samples / heatmaps / evaluations back, and survives a lost GPU device by
 * continuing on a fallback backend from CPU snapshots.
 *
 * Concurrency model: one "pump" processes queued commands and training slices one at a time, so
 * no two pieces of code touch a trainer at once. It yields a macrotask after each slice (~30 ms),
 * which is when new commands arrive. `pause` also takes effect at the next step boundary, even
 * while the pump is waiting for a readback.
 *
 * Two kinds of run share all of this: 2-D toys (ToyGanTrainer; point clouds, heatmaps) and
 * Stacked MNIST (ImageGanTrainer; image grids, 1000-mode evaluations with the shipped digit
 * classifier). The digits and the classifier are loaded on first use through `loadAsset`.
 *
 * Readbacks: every GPU→CPU transfer is an `await …data()` counted in `readbacks`; the trainer's
 * losses are read every `readbackEvery` iterations (which also bounds how far the CPU can queue
 * work ahead of the GPU), and the views that fire together share one readback.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  DEFAULT_CONFIG,
  isImageConfig,
  runKindOf,
  type AnyGanConfig,
  type GanConfig,
  type ImageGanConfig,
} from '../engine/config';
import { costProblem } from '../engine/cost';
import { DigitClassifier } from '../engine/digitClassifier';
import {
  checkConvPenaltyGradients,
  checkPenaltyGradients,
  CONV_PENALTY_CASES,
} from '../engine/gradientCheck';
import { evaluate, EVAL_LATENT_STREAM } from '../engine/evaluate';
import { ImageGanTrainer, needsImageRebuild } from '../engine/imageTrainer';
import {
  gridColumns,
  imageGridPixels,
  imageViewLatents,
  interpolateLatents,
} from '../engine/imageViews';
import {
  CLASSIFIER_ASSET_PATH,
  MNIST_ASSET_PATH,
  parseMnistAsset,
  type MnistDigits,
} from '../engine/mnist';
import { naiveToyStep } from '../engine/naive';
import { Rng } from '../engine/rng';
import {
  restoreSnapshot,
  takeSnapshot,
  type AnyTrainer,
  type TrainerSnapshot,
} from '../engine/snapshot';
import { evaluateStackedMnist } from '../engine/stackedMetrics';
import { StackedMnistSampler, stackedBatch } from '../engine/stackedMnist';
import { DivergenceError, needsRebuild, ToyGanTrainer, type LogRow } from '../engine/trainer';
import {
  defaultViewBounds,
  discriminatorGrid,
  generatedPoints,
  makeViewBatch,
  transportVectors,
  manifoldLatents,
  manifoldPoints,
  VIEW_REAL_STREAM,
  type ViewBatch,
  type ViewBounds,
} from '../engine/views';
import {
  DEFAULT_STREAM,
  type FusedStepChoice,
  type AutoBackendRequest,
  type BackendChangedEvent,
  type BackendChoice,
  type BackendName,
  type ImageEvaluation,
  type ImageGrid,
  type RunPhase,
  type StreamOptions,
  type WorkerCommand,
  type WorkerEvent,
} from '../protocol';
import { choiceKey, measureBurst, measureCandidates, type BackendProbe } from './backendChoice';
import { errorMessage, selectBackend, type BackendSelection } from './backendSelection';
import { checkFusedPenaltyGradients, compareFusedWithOps } from './fused/check';
import { fusedStepUnwantedReason } from './fused/auto';
import { FusedToyTrainer } from './fused/fusedTrainer';
import { isFusedBackend, type FusedBackend } from './fused/kernels';
import { parseCommand } from './commands';
import { evalSamplesAt } from './evalSchedule';
import { RateMeter } from './rateMeter';

export type PostEvent = (event: WorkerEvent, transfer?: Transferable[]) => void;

/** What the manager needs from its environment (the browser worker, or a Node test). */
export interface RuntimeHooks {
  /** Picks and initialises the tfjs backend (called once, on the first `init`). */
  selectBackend(preferred?: BackendName, timeoutMs?: number): Promise<BackendSelection>;
  /** After the device of `lost` is gone: drop that backend and initialise the next one. */
  fallBack(lost: BackendName): Promise<BackendSelection>;
  /**
   * Why the active GPU backend is a software renderer (SwiftShader, llvmpipe), or null for real
   * hardware (and where it cannot be told).
   */
  softwareRenderer?(backend: BackendName): string | null;
  /** Destroys the GPU device (debug); throws when the backend has none. */
  loseDevice(): void;
  /**
   * Automatic: the backends worth measuring on this device and those skipped (software
   * adapters, missing APIs). Without it, Automatic takes the first backend that works.
   */
  probeBackends?(includeSoftware: boolean): Promise<BackendProbe>;
  /** Makes `name` the active backend for a measurement (rejects with why it cannot). */
  tryBackend?(name: BackendName): Promise<void>;
  /** Facts for the `ready` event: isolation and the WASM thread pool. */
  runtimeInfo?(): { crossOriginIsolated: boolean; wasmThreads?: number };
  now?(): number;
  /**
   * The bytes of an app asset (path relative to the app root, e.g. 'mnist/digits.bin'): fetched
   * in the browser, read from public/ in Node tests.
   */
  loadAsset?(path: string): Promise<Uint8Array>;
  /** Resolves in a later macrotask, so that queued messages get delivered. */
  yieldToEvents?(): Promise<void>;
}

export interface DeviceLossInfo {
  reason: string;
  message: string;
}

export const MAX_RUNS = 8;
/** Training time per slice before the pump yields to incoming messages. */
const SLICE_MS = 30;
/** At most one metrics event per run this often… */
const METRICS_INTERVAL_MS = 50;
/** …and at least one this often while training, even without new rows. */
const PROGRESS_INTERVAL_MS = 500;
/** After an unexplained error on WebGPU, wait this long for device.lost before reporting it. */
const LOSS_GRACE_MS = 1500;
/** On GPU backends, keep at most about this much work queued ahead of the device. */
const MAX_QUEUED_MS = 100;

/**
 * How many iterations may be queued on an asynchronous (GPU) backend before the CPU waits for
 * the device: as many as fit in MAX_QUEUED_MS, at least 1, at most `readbackEvery` (when the
 * loss readback syncs anyway). Without it, a slow device (software WebGPU: seconds per step)
 * would run up to `readbackEvery` steps behind the UI, and a pause would take that long.
 */
export function syncInterval(msPerStep: number | null, readbackEvery: number): number {
  if (msPerStep === null) return 1;
  return Math.max(
    1,
    Math.min(readbackEvery, Math.floor(MAX_QUEUED_MS / Math.max(msPerStep, 1e-3))),
  );
}

const RESET_HINT = 'Reset the run (or change a setting that rebuilds it) to train again.';

/** A problem with the command itself (unknown run, wrong state): reported, never retried. */
class CommandError extends Error {}

/**
 * An error after which the backend cannot be used again in this worker: the wasm module
 * aborted (Emscripten's `Aborted()`, e.g. when its heap could not grow), which leaves it dead.
 * Reported as a fatal `error`; the client then restarts the worker from the last snapshots.
 */
export function isFatalBackendError(error: unknown): boolean {
  if (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) return true;
  return /^(RuntimeError: )?Aborted\(/.test(errorMessage(error));
}

class DeviceLostError extends Error {}

interface Gate {
  promise: Promise<never>;
  open(error: Error): void;
}

function createGate(): Gate {
  let open!: (error: Error) => void;
  const promise = new Promise<never>((_, reject) => (open = reject));
  promise.catch(() => undefined); // observed here: a gate that opens with nobody waiting is fine
  return { promise, open };
}

/** Largest image grid (tiles): the grid is one readback of 28×28×3 floats per tile. */
const MAX_GRID_IMAGES = 100;
/** Generated images per classifier batch in an evaluation. */
const EVAL_BATCH = 250;

/**
 * The conv cases the browser self-test runs: between them every op of the image discriminators
 * (stride-1 conv, 1×1 conv, grouped 3×3, resampling, fade-in, minibatch stddev, the heads). All
 * ten run in Node; emulated GPUs are too slow for all ten in an e2e test.
 */
const BROWSER_CONV_CASES = CONV_PENALTY_CASES.filter((c) =>
  ['dcgan progressive 28×28 α 0.5 + mbstd', 'resnet rpgan + R1 + R2', 'resnet + mbstd'].includes(
    c.name,
  ),
);

interface Run {
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

/** Kernel counts of a tf.profile; names of nested scopes (customGrad wrappers) are not kernels. */
function profileSummary(profile: { kernels: { name: string }[] }) {
  const kernels = profile.kernels.filter((k) => /^[A-Z_]/.test(k.name));
  const kernelCounts: Record<string, number> = {};
  for (const k of kernels) kernelCounts[k.name] = (kernelCounts[k.name] ?? 0) + 1;
  return { kernels: kernels.length, kernelCounts, naive: false };
}

export class RunManager {
  private readonly runs = new Map<string, Run>();
  /** Stacked MNIST digits, loaded by the first image run. */
  private digits: MnistDigits | null = null;
  private digitsLoading: Promise<MnistDigits> | null = null;
  private classifierBytes: Uint8Array | null = null;
  /** Lives on the current backend: dropped when the device is lost. */
  private digitClassifier: DigitClassifier | null = null;
  private readonly queue: WorkerCommand[] = [];
  private pumping = false;
  private selection: Promise<BackendSelection> | null = null;
  private backend: BackendName | null = null;
  private fallbackReasons: string[] = [];
  /** The backend failed for good (failWorker): the client replaces this worker. */
  private dead = false;
  private choice: BackendChoice | undefined;
  /** The candidate Automatic is timing (before `backend` is chosen), for build and checkCost. */
  private measuring: BackendName | null = null;
  private lost: DeviceLossInfo | null = null;
  private lossGate = createGate();
  private trainerCount = 0;
  /** GPU→CPU readbacks since start. */
  readbacks = 0;
  private readonly now: () => number;
  private readonly yieldToEvents: () => Promise<void>;

  constructor(
    private readonly post: PostEvent,
    private readonly hooks: RuntimeHooks,
  ) {
    this.now = hooks.now ?? (() => performance.now());
    this.yieldToEvents =
      hooks.yieldToEvents ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  }

  /** Entry point for every message from the UI (validated here). */
  handle(message: unknown): void {
    const parsed = parseCommand(message);
    if (!parsed.ok) {
      this.post({ type: 'error', message: parsed.message, requestId: parsed.requestId });
      return;
    }
    const command = parsed.command;
    if (this.dead && command.type !== 'ping') {
      this.post({
        type: 'error',
        message: 'this training worker can no longer compute: it is being replaced',
        requestId: command.requestId,
      });
      return;
    }
    if (command.type === 'ping') {
      // Answered here, not queued: the client's crash detection must not wait for a slow step.
      if (command.requestId !== undefined) this.post({ type: 'ack', requestId: command.requestId });
      return;
    }
    // Stop at the next step boundary, even if the pump is busy awaiting a readback.
    if (command.type === 'pause' || command.type === 'step' || command.type === 'dispose') {
      const run = this.runs.get(command.runId);
      if (run) run.playing = false;
    }
    this.queue.push(command);
    this.kick();
  }

  /** Called by the environment when the GPU device is lost (device.lost resolved). */
  notifyDeviceLost(info: DeviceLossInfo): void {
    if (this.lost) return;
    this.lost = info;
    this.lossGate.open(new DeviceLostError(`GPU device lost: ${info.message}`));
    this.kick();
  }

  /** True once nothing is queued and no run plays (for tests). */
  get idle(): boolean {
    return !this.pumping && this.queue.length === 0;
  }

  // -------------------------------------------------------------------------------------------
  // The pump

  private kick(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.pump()
      .catch((error: unknown) => {
        // Not expected (each step of the pump catches its own errors); stop rather than spin.
        for (const run of this.runs.values()) run.playing = false;
        this.post({ type: 'error', message: `training loop failed: ${errorMessage(error)}` });
      })
      .finally(() => {
        this.pumping = false;
        if (this.queue.length > 0 || this.lost || this.playingRuns().length > 0) this.kick();
      });
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.lost) {
        await this.recover();
        continue;
      }
      const command = this.queue.shift();
      if (command) {
        await this.execute(command);
        continue;
      }
      const playing = this.playingRuns();
      if (playing.length === 0) return;
      await this.trainSlice(playing);
      await this.yieldToEvents();
    }
  }

  private playingRuns(): Run[] {
    return [...this.runs.values()].filter((run) => run.playing && run.trainer);
  }

  private async execute(command: WorkerCommand): Promise<void> {
    try {
      await this.dispatch(command);
      if (command.requestId !== undefined) {
        this.post({ type: 'ack', requestId: command.requestId });
      }
    } catch (error) {
      if (command.type !== 'debug-lose-device' && (await this.isDeviceLoss(error))) {
        // Run it again on the fallback backend.
        this.queue.unshift(command);
        return;
      }
      if (isFatalBackendError(error)) {
        this.failWorker(error, 'runId' in command ? command.runId : undefined, command.requestId);
        return;
      }
      this.post({
        type: 'error',
        message: errorMessage(error),
        requestId: command.requestId,
        runId: 'runId' in command ? command.runId : undefined,
      });
    }
  }

  /** Round-robin: one iteration of each playing run per round, until the slice is used up. */
  private async trainSlice(playing: Run[]): Promise<void> {
    const deadline = this.now() + SLICE_MS;
    let active = playing;
    while (active.length > 0) {
      for (const run of active) {
        if (!run.playing) continue;
        try {
          await this.advance(run, false);
        } catch (error) {
          if (await this.isDeviceLoss(error)) return;
          this.failRun(run, error);
        }
      }
      if (this.now() >= deadline || this.queue.length > 0) return;
      active = active.filter((run) => run.playing && this.runs.get(run.id) === run);
    }
  }

  /**
   * A lost device shows up first as exceptions from ops or a rejected readback; device.lost
   * may resolve a moment later. On WebGPU, give it that moment before calling it an error.
   */
  private async isDeviceLoss(error: unknown): Promise<boolean> {
    if (this.lost || error instanceof DeviceLostError) return true;
    if (this.backend !== 'webgpu') return false;
    if (error instanceof CommandError || error instanceof DivergenceError) return false;
    await Promise.race([
      this.lossGate.promise.catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, LOSS_GRACE_MS)),
    ]);
    return this.lost !== null;
  }

  private failRun(run: Run, error: unknown): void {
    run.playing = false;
    if (isFatalBackendError(error)) return this.failWorker(error, run.id);
    if (error instanceof DivergenceError) {
      run.diverged = error.message;
      this.post({
        type: 'diverged',
        runId: run.id,
        step: error.step,
        field: error.field,
        message: error.message,
      });
    } else {
      this.post({ type: 'error', runId: run.id, message: errorMessage(error) });
    }
    this.setPhase(run, 'paused');
  }

  /**
   * The backend is dead (isFatalBackendError): drop every run and say so once, as a fatal error
   * the client answers by starting a new worker (which restores the runs from their last
   * snapshots). Nothing more is computed here.
   */
  private failWorker(error: unknown, runId?: string, requestId?: number): void {
    for (const run of this.runs.values()) {
      run.playing = false;
      try {
        run.trainer?.dispose();
      } catch {
        // the backend is dead: its memory goes with the worker
      }
      run.trainer = null;
    }
    this.runs.clear();
    this.queue.length = 0;
    if (this.dead) return;
    this.dead = true;
    this.post({
      type: 'error',
      fatal: true,
      runId,
      requestId,
      message: `the ${this.backend ?? 'tfjs'} backend failed and cannot continue in this worker (${errorMessage(error).split('\n')[0].slice(0, 200)})`,
    });
  }

  /** Refuses a config that does not fit the backend (cost.ts), before any model is built. */
  private checkCost(config: AnyGanConfig): void {
    const problem = costProblem(config, this.backend ?? this.measuring ?? this.requireBackend());
    if (problem) throw new CommandError(problem);
  }

  // -------------------------------------------------------------------------------------------
  // Commands

  private async dispatch(command: WorkerCommand): Promise<void> {
    const requestId = command.requestId;
    switch (command.type) {
      case 'init': {
        if (this.backend === null) {
          const { preferredBackend, auto } = command;
          this.selection ??=
            preferredBackend === undefined && auto
              ? this.chooseAutomatically(auto)
              : this.hooks.selectBackend(preferredBackend, command.timeoutMs);
          try {
            const selection = await this.selection;
            this.backend = selection.backend;
            this.fallbackReasons = selection.fallbackReasons;
            this.choice = selection.choice;
          } catch (error) {
            this.selection = null;
            throw error;
          }
        }
        this.post({
          type: 'ready',
          requestId,
          backend: this.backend,
          fallbackReasons: this.fallbackReasons,
          defaultConfig: DEFAULT_CONFIG,
          defaultStream: DEFAULT_STREAM,
          ...(this.choice ? { choice: this.choice } : {}),
          ...this.hooks.runtimeInfo?.(),
        });
        return;
      }
      case 'create':
        return this.create(command.runId, command.config, command.stream ?? {}, requestId);
      case 'restore': {
        const { runId, snapshot, stream } = command;
        const config = command.config ?? snapshot.config;
        if (runKindOf(snapshot.config) !== command.kind || needsNewModel(snapshot.config, config)) {
          throw new CommandError('the settings need new networks: the snapshot does not fit them');
        }
        return this.create(runId, config, stream ?? {}, requestId, snapshot);
      }
      case 'ping':
        return; // answered in handle()
      case 'snapshot': {
        const run = this.getRun(command.runId);
        await this.settle(run);
        if (!run.snapshot) await this.snapshot(run); // e.g. after a divergence
        this.postSnapshot(run, requestId);
        return;
      }
      case 'configure': {
        const run = this.getRun(command.runId);
        // Before anything changes: a refused config leaves the run as it was.
        this.checkCost(command.config);
        if (needsNewModel(run.config, command.config)) {
          const changed = changedSettings(run.config, command.config);
          await this.prepare(command.config);
          run.config = command.config;
          await this.rebuild(run, 'config', changed, requestId);
        } else {
          run.config = command.config;
          applyLive(this.trainerOf(run), command.config);
          // Live settings leave the weights as they are, so the last snapshot still holds them;
          // it must carry the settings the run now trains with, or a run saved (or restored after
          // a device loss) would come back with the old loss or penalties.
          if (run.snapshot) run.snapshot = { ...run.snapshot, config: command.config };
        }
        return;
      }
      case 'set-stream': {
        const run = this.getRun(command.runId);
        run.stream = { ...run.stream, ...command.stream };
        if (run.view.count !== this.viewCount(run.config, run.stream)) {
          run.view = this.viewBatch(this.trainerOf(run), run.stream);
        }
        return;
      }
      case 'play': {
        const run = this.getRun(command.runId);
        if (run.diverged !== null) throw new CommandError(`${run.diverged} ${RESET_HINT}`);
        const trainer = this.trainerOf(run);
        if (run.playing) return;
        run.playing = true;
        run.playStartedAt = this.now();
        run.sync = null;
        run.rate.reset();
        run.rate.mark(run.playStartedAt, trainer.iteration);
        this.setPhase(run, run.warm ? 'training' : 'compiling');
        return;
      }
      case 'pause': {
        const run = this.getRun(command.runId);
        run.playing = false;
        await this.settle(run);
        this.setPhase(run, 'paused');
        return;
      }
      case 'step':
        return this.manualSteps(this.getRun(command.runId), command.n, command.part ?? 'both');
      case 'reset':
        return this.rebuild(this.getRun(command.runId), 'reset', [], requestId);
      case 'sample':
        return this.sendViews(
          this.getRun(command.runId),
          { samples: true, heatmap: null },
          requestId,
        );
      case 'interpolate':
        return this.sendInterpolation(this.getRun(command.runId), command, requestId);
      case 'request-heatmap': {
        const run = this.getRun(command.runId);
        if (isImageConfig(run.config)) throw new CommandError('heatmaps are for 2-D runs only');
        const heatmap = { resolution: command.resolution, bounds: command.bounds };
        return this.sendViews(run, { samples: false, heatmap }, requestId);
      }
      case 'dispose': {
        const run = this.getRun(command.runId);
        run.playing = false;
        this.runs.delete(run.id);
        run.trainer?.dispose();
        run.trainer = null;
        return;
      }
      case 'debug-lose-device':
        this.requireBackend();
        try {
          this.hooks.loseDevice();
        } catch (error) {
          throw new CommandError(errorMessage(error));
        }
        return;
      case 'debug-stats': {
        const memory = tf.memory();
        this.post({
          type: 'stats',
          requestId,
          backend: this.backend,
          numTensors: memory.numTensors,
          numBytes: memory.numBytes,
          backendMemory: backendMemory(memory),
          readbacks: this.readbacks,
          runs: [...this.runs.values()].map((run) => ({
            runId: run.id,
            iteration: run.trainer?.iteration ?? 0,
            phase: run.phase,
            readbacks: run.readbacks,
            syncPoints: run.syncPoints,
            ...stepPathOf(run.trainer),
          })),
        });
        return;
      }
      case 'debug-profile':
        return command.naive
          ? this.profileNaive(this.getRun(command.runId), requestId)
          : this.profile(this.getRun(command.runId), requestId);
      case 'debug-gradcheck':
        this.post({
          type: 'gradcheck',
          requestId,
          backend: this.backend,
          results:
            command.suite === 'conv'
              ? await checkConvPenaltyGradients(BROWSER_CONV_CASES)
              : command.suite === 'fused'
                ? await this.fusedOnly(() => checkFusedPenaltyGradients())
                : await checkPenaltyGradients(),
        });
        return;
      case 'debug-fused-check': {
        const backend = this.requireBackend();
        const result = await this.fusedOnly((fused) =>
          compareFusedWithOps(
            command.config,
            command.at,
            fused,
            `fused-check${++this.trainerCount}/`,
          ),
        );
        this.post({ type: 'fused-check', requestId, backend, ...result });
        return;
      }
      default: {
        const unhandled: never = command;
        throw new Error(`unhandled command ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /**
   * Automatic: a remembered measurement for this device and model size, else a burst of the run
   * on each candidate (backendChoice.ts). Software adapters are the last resort, before cpu.
   */
  private async chooseAutomatically(auto: AutoBackendRequest): Promise<BackendSelection> {
    const { probeBackends, tryBackend } = this.hooks;
    if (!probeBackends || !tryBackend) return this.hooks.selectBackend();
    const probe = await probeBackends(auto.includeSoftware ?? false);
    const key = choiceKey(probe.deviceKey, auto.config, probe.candidates);
    const choice = (
      backend: BackendName,
      rates: BackendChoice['rates'],
      failed: BackendChoice['skipped'] = [],
    ): BackendChoice => ({
      key,
      backend,
      rates,
      skipped: [...probe.skipped, ...failed],
      measuredAt: Date.now(),
      fromCache: false,
    });
    const settle = async (made: BackendChoice): Promise<BackendSelection> => {
      // Through the ordinary selection, which also watches a GPU device for loss.
      const selection = await this.hooks.selectBackend(made.backend);
      return { ...selection, choice: { ...made, backend: selection.backend } };
    };
    const known = auto.remembered?.find((c) => c.key === key);
    if (known && probe.candidates.includes(known.backend)) {
      try {
        return await settle({ ...known, fromCache: true });
      } catch {
        // e.g. the driver changed since: measure again
      }
    }
    let failed: BackendChoice['skipped'] = [];
    if (probe.candidates.length > 1) {
      try {
        const measured = await measureCandidates(probe.candidates, {
          activate: async (name) => {
            this.measuring = null;
            await tryBackend(name);
            this.measuring = name;
          },
          burst: (budgetMs) => this.measureBurstOn(auto.config, budgetMs),
        });
        return await settle(choice(measured.backend, measured.rates, measured.failed));
      } catch (error) {
        failed = [{ backend: probe.candidates[0], reason: errorMessage(error) }];
      } finally {
        this.measuring = null;
      }
    }
    // One candidate (nothing to compare) or none measured: the first that works, software
    // adapters and then cpu last.
    const order = [
      ...probe.candidates,
      ...probe.skipped.map((s) => s.backend).filter((b) => b !== 'cpu'),
      'cpu' as const,
    ];
    const picked = await selectBackend([...new Set(order)], tryBackend);
    return settle(choice(picked.backend, [], failed));
  }

  /** A burst of `config`'s training on the active backend (Automatic's measurement). */
  private async measureBurstOn(
    config: AnyGanConfig,
    budgetMs: number,
  ): Promise<{ warmupMs: number; steps: number; ms: number }> {
    await this.prepare(config);
    const trainer = this.build(config, DEFAULT_STREAM.logEvery, this.namePrefix('measure'));
    try {
      // Time the path the run will take: on GPU backends, the fused kernels once compiled.
      if (trainer instanceof FusedToyTrainer) {
        trainer.unwantedReason = fusedStepUnwantedReason(
          DEFAULT_STREAM.fusedStep,
          this.hooks.softwareRenderer?.(trainer.backendName) ?? null,
          trainer.backendName,
          trainer.config,
        );
        await trainer.checkKernels();
      }
      return await measureBurst(
        {
          step: () => trainer.step(),
          sync: async () => {
            await trainer.flushLogs();
            await trainer.generator.variables[0].data();
          },
          now: this.now,
        },
        budgetMs,
      );
    } finally {
      trainer.dispose();
    }
  }

  /** Runs a fused-kernel self-test, which exists on webgpu and webgl only. */
  private fusedOnly<T>(test: (backend: FusedBackend) => Promise<T>): Promise<T> {
    const backend = this.requireBackend();
    if (!isFusedBackend(backend)) {
      throw new CommandError(`the fused step runs on webgpu and webgl, not on ${backend}`);
    }
    return test(backend);
  }

  /**
   * Before a toy run steps on a GPU backend: applies the stream's fusedStep choice and compiles
   * the fused kernels once (during the 'compiling' phase); if one fails, the run continues on
   * the op path and the UI is told why.
   */
  private async prepareFused(run: Run): Promise<void> {
    const trainer = run.trainer;
    if (!(trainer instanceof FusedToyTrainer)) return;
    trainer.unwantedReason = fusedStepUnwantedReason(
      run.stream.fusedStep,
      this.hooks.softwareRenderer?.(trainer.backendName) ?? null,
      trainer.backendName,
      trainer.config,
    );
    if (!trainer.needsKernelCheck) return;
    const failure = await this.guard(trainer.checkKernels());
    if (failure)
      this.post({ type: 'error', runId: run.id, message: `Fused GPU step: ${failure}.` });
  }

  private requireBackend(): BackendName {
    if (this.backend === null) throw new CommandError('the worker is not initialised: send init');
    return this.backend;
  }

  private getRun(runId: string): Run {
    this.requireBackend();
    const run = this.runs.get(runId);
    if (!run) throw new CommandError(`no run "${runId}"`);
    return run;
  }

  private trainerOf(run: Run): AnyTrainer {
    if (!run.trainer) throw new CommandError(`run "${run.id}" has no trainer (no backend)`);
    return run.trainer;
  }

  /** The run's trainer when it is a 2-D toy (views such as heatmaps exist only there). */
  private toyTrainerOf(run: Run): ToyGanTrainer | null {
    const trainer = this.trainerOf(run);
    return trainer instanceof ToyGanTrainer ? trainer : null;
  }

  /** Loads what a config needs before its trainer can be built (the digits, for images). */
  private async prepare(config: AnyGanConfig): Promise<void> {
    if (!isImageConfig(config) || this.digits) return;
    this.digitsLoading ??= this.loadAsset(MNIST_ASSET_PATH).then(parseMnistAsset);
    try {
      this.digits = await this.digitsLoading;
    } catch (error) {
      this.digitsLoading = null;
      throw new CommandError(`Stacked MNIST data: ${errorMessage(error)}`);
    }
  }

  private async loadAsset(path: string): Promise<Uint8Array> {
    if (!this.hooks.loadAsset) throw new CommandError(`this worker cannot load ${path}`);
    return this.hooks.loadAsset(path);
  }

  /** The shipped digit classifier on the current backend (rebuilt after a backend change). */
  private async classifier(): Promise<DigitClassifier> {
    if (this.digitClassifier) return this.digitClassifier;
    this.classifierBytes ??= await this.loadAsset(CLASSIFIER_ASSET_PATH);
    this.digitClassifier = DigitClassifier.fromBytes(this.classifierBytes);
    return this.digitClassifier;
  }

  /** Builds a trainer (after `prepare`); synchronous so snapshots can be restored with it. */
  private readonly build = (config: AnyGanConfig, logEvery: number, prefix: string): AnyTrainer => {
    this.checkCost(config);
    if (!isImageConfig(config)) {
      // On GPU backends, toy runs train with the fused kernels (src/worker/fused) where they can.
      const backend = this.backend ?? this.measuring;
      return backend && isFusedBackend(backend)
        ? new FusedToyTrainer(config, logEvery, prefix, backend)
        : new ToyGanTrainer(config, logEvery, prefix);
    }
    const digits = this.digits;
    if (!digits) throw new CommandError('the Stacked MNIST digits are not loaded');
    return new ImageGanTrainer(
      config,
      (rng: Rng) => {
        const sampler = new StackedMnistSampler(digits, rng);
        return { sample: (n: number) => stackedBatch(sampler, n) };
      },
      logEvery,
      prefix,
    );
  };

  private buildTrainer(config: AnyGanConfig, stream: StreamOptions, runId: string): AnyTrainer {
    return this.build(config, stream.logEvery, this.namePrefix(runId));
  }

  /** Points of a toy's cloud, or tiles of an image run's grid. */
  private viewCount(config: AnyGanConfig, stream: StreamOptions): number {
    return isImageConfig(config)
      ? Math.min(stream.sampleCount, MAX_GRID_IMAGES)
      : stream.sampleCount;
  }

  /** The fixed latents of the run's views (and, for toys, the real reference cloud). */
  private viewBatch(trainer: AnyTrainer, stream: StreamOptions): ViewBatch {
    if (trainer instanceof ToyGanTrainer) return makeViewBatch(trainer, stream.sampleCount);
    const { seed, latentDim, latentDist } = trainer.config;
    const count = this.viewCount(trainer.config, stream);
    return {
      count,
      latentDim,
      latents: imageViewLatents(seed, latentDim, count, latentDist),
      real: new Float32Array(0),
    };
  }

  private viewBounds(trainer: AnyTrainer): ViewBounds {
    return trainer instanceof ToyGanTrainer
      ? defaultViewBounds(trainer.dataset, trainer.config.seed)
      : { xMin: 0, xMax: 1, yMin: 0, yMax: 1 };
  }

  /** tfjs variable names must be unique: one prefix per trainer ever built. */
  private namePrefix(runId: string): string {
    return `${runId}#${++this.trainerCount}/`;
  }

  private async create(
    runId: string,
    config: AnyGanConfig,
    streamOptions: Partial<StreamOptions>,
    requestId: number | undefined,
    snapshot?: TrainerSnapshot,
  ): Promise<void> {
    this.requireBackend();
    if (this.runs.has(runId)) throw new CommandError(`a run "${runId}" already exists`);
    if (this.runs.size >= MAX_RUNS) {
      throw new CommandError(`at most ${MAX_RUNS} runs at once: dispose one first`);
    }
    const stream = { ...DEFAULT_STREAM, ...streamOptions };
    this.checkCost(config);
    await this.prepare(config);
    let trainer: AnyTrainer;
    try {
      trainer = snapshot
        ? restoreSnapshot(snapshot, this.namePrefix(runId), this.build)
        : this.buildTrainer(config, stream, runId);
      if (snapshot) applyLive(trainer, config);
    } catch (error) {
      if (!snapshot) throw error;
      throw new CommandError(`cannot restore the snapshot: ${errorMessage(error)}`);
    }
    const run: Run = {
      id: runId,
      config,
      stream,
      trainer,
      view: this.viewBatch(trainer, stream),
      bounds: this.viewBounds(trainer),
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
    this.runs.set(runId, run);
    try {
      this.postCreated(run, requestId);
      if (snapshot) this.postMetrics(run); // the iteration it continues from
      this.setPhase(run, 'paused', undefined, true);
      await this.sendViews(run, { samples: true, heatmap: stream.heatmapEvery > 0 ? {} : null });
      await this.snapshot(run);
    } catch (error) {
      this.runs.delete(runId);
      try {
        trainer.dispose();
      } catch {
        // e.g. the device was lost meanwhile
      }
      throw error;
    }
  }

  private postCreated(run: Run, requestId: number | undefined): void {
    const trainer = this.trainerOf(run);
    const realSamples = run.view.real.slice();
    const realImages = this.realImageGrid(run);
    this.post(
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

  /** Real Stacked MNIST images (a fixed draw of the seed) in the sample grid's layout. */
  private realImageGrid(run: Run): ImageGrid | null {
    if (!isImageConfig(run.config) || !this.digits) return null;
    const count = run.view.count;
    const sampler = new StackedMnistSampler(
      this.digits,
      new Rng(run.config.seed).fork(VIEW_REAL_STREAM),
    );
    return imageGridPixels(sampler.sample(count).pixels, count, gridColumns(count));
  }

  /** New models for the run's config (iteration 0); keeps playing if it was. */
  private async rebuild(
    run: Run,
    reason: 'config' | 'reset',
    changed: string[],
    requestId: number | undefined,
  ): Promise<void> {
    run.trainer?.dispose();
    run.trainer = null;
    const trainer = this.buildTrainer(run.config, run.stream, run.id);
    run.trainer = trainer;
    run.view = this.viewBatch(trainer, run.stream);
    run.bounds = this.viewBounds(trainer);
    if (run.manifold) delete run.manifold;
    run.warm = false;
    run.diverged = null;
    run.pendingRows = [];
    run.snapshot = null;
    run.dirty = true;
    run.sync = null;
    run.rate.reset();
    this.post({ type: 'rebuilt', requestId, runId: run.id, reason, changed });
    this.postCreated(run, requestId);
    this.postMetrics(run);
    await this.sendViews(run, { samples: true, heatmap: run.stream.heatmapEvery > 0 ? {} : null });
    await this.snapshot(run);
    if (run.playing) {
      run.playStartedAt = this.now();
      run.rate.mark(run.playStartedAt, 0);
      this.setPhase(run, 'compiling');
    }
  }

  /** Exactly n iterations (or n D-only / G-only updates), then fresh metrics and views. */
  private async manualSteps(run: Run, n: number, part: 'both' | 'discriminator' | 'generator') {
    if (run.diverged !== null) throw new CommandError(`${run.diverged} ${RESET_HINT}`);
    const trainer = this.trainerOf(run);
    run.playing = false;
    try {
      for (let i = 0; i < n; i++) {
        if (part === 'both') {
          await this.advance(run, true);
        } else if (part === 'discriminator') {
          trainer.discriminatorStep(trainer.scheduled(), false);
        } else {
          trainer.generatorStep(trainer.scheduled(), false);
        }
        run.dirty = true;
      }
    } catch (error) {
      if (!(error instanceof DivergenceError)) throw error;
      this.failRun(run, error);
      return;
    }
    await this.settle(run);
    if (run.diverged !== null) return;
    await this.sendViews(run, { samples: true, heatmap: run.stream.heatmapEvery > 0 ? {} : null });
    this.setPhase(run, 'paused');
  }

  /** Reads pending losses, reports them, and snapshots: the run is at rest afterwards. */
  private async settle(run: Run): Promise<void> {
    const trainer = run.trainer;
    if (!trainer) return;
    try {
      await this.flush(run);
    } catch (error) {
      if (error instanceof DivergenceError) {
        this.failRun(run, error);
        return;
      }
      throw error;
    }
    this.postMetrics(run);
    // The snapshot's readback also waits for all queued work: the run is warm afterwards.
    if (run.dirty || !run.snapshot) await this.snapshot(run);
    run.warm = true;
  }

  private async profile(run: Run, requestId: number | undefined): Promise<void> {
    const trainer = this.trainerOf(run);
    if (run.diverged !== null) throw new CommandError(`${run.diverged} ${RESET_HINT}`);
    run.playing = false;
    // Profile an ordinary iteration: logging ones (every logEvery-th) add the diagnostics.
    const logsNext = () =>
      trainer.iteration === 0 || (trainer.iteration + 1) % trainer.logEvery === 0;
    await this.prepareFused(run);
    if (logsNext() && trainer.logEvery > 1) trainer.step();
    await this.settle(run);
    const logging = logsNext();
    const start = this.now();
    const profile = await tf.profile(() => {
      trainer.step();
    });
    run.dirty = true;
    const wallMs = this.now() - start;
    await this.settle(run);
    this.setPhase(run, 'paused');
    this.post({
      ...profileSummary(profile),
      type: 'profile',
      requestId,
      runId: run.id,
      backend: this.backend,
      logging,
      wallMs,
      stepPath: stepPathOf(trainer).stepPath,
    });
  }

  /**
   * Kernels of one iteration of the naive baseline on the run's config (after a warm-up
   * iteration), so the browser bench can show what the engine saves on this backend.
   */
  private async profileNaive(run: Run, requestId: number | undefined): Promise<void> {
    const toy = this.toyTrainerOf(run);
    if (!toy) throw new CommandError('the naive baseline exists for 2-D runs only');
    const naive = naiveToyStep(toy.config);
    try {
      naive.step();
      const start = this.now();
      const profile = await tf.profile(() => naive.step());
      const wallMs = this.now() - start;
      this.post({
        ...profileSummary(profile),
        type: 'profile',
        requestId,
        runId: run.id,
        backend: this.backend,
        logging: false,
        naive: true,
        wallMs,
      });
    } finally {
      naive.dispose();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Training and streaming

  /** One iteration of `run` plus whatever periodic readbacks and views fall due. */
  private async advance(run: Run, manual: boolean): Promise<void> {
    const trainer = this.trainerOf(run);
    const s = run.stream;
    const readbacksBefore = run.readbacks;
    await this.prepareFused(run);
    trainer.step();
    run.dirty = true;
    const it = trainer.iteration;
    if (!run.warm) {
      // The first steps on a fresh trainer/backend compile shaders: wait for them. (Without a
      // diagnostics row to read, read a weight the step wrote.)
      if ((await this.flush(run)) === 0) {
        await this.guard(trainer.lastWritten().data());
        this.countReadback(run);
      }
      run.warm = true;
      if (!manual && run.playing) {
        this.setPhase(run, 'training', this.now() - run.playStartedAt);
      }
    } else if (it % s.readbackEvery === 0) {
      await this.flush(run);
    } else if (this.queuesWork() && it - (run.sync?.iteration ?? 0) >= this.syncEvery(run)) {
      // Back-pressure without a loss row to read: wait for a weight this step wrote.
      await this.guard(trainer.lastWritten().data());
      this.countReadback(run);
    }
    if (!manual && this.now() - run.lastMetricsAt >= PROGRESS_INTERVAL_MS) this.postMetrics(run);
    const samples = s.samplesEvery > 0 && it % s.samplesEvery === 0;
    const heatmap = s.heatmapEvery > 0 && it % s.heatmapEvery === 0;
    if (samples || heatmap) await this.sendViews(run, { samples, heatmap: heatmap ? {} : null });
    const evalSamples = evalSamplesAt(it, s);
    if (evalSamples > 0) await this.sendEval(run, evalSamples);
    if (s.snapshotEvery > 0 && it % s.snapshotEvery === 0) await this.snapshot(run);
    // Any completed readback means the device has finished everything queued so far; on CPU
    // backends every step is finished when it returns.
    if (run.readbacks !== readbacksBefore) run.syncPoints++;
    if (run.readbacks !== readbacksBefore || !this.queuesWork()) this.markSync(run, it);
  }

  /** GPU backends run asynchronously: the CPU can queue steps ahead of the device. */
  private queuesWork(): boolean {
    return this.backend === 'webgpu' || this.backend === 'webgl';
  }

  private syncEvery(run: Run): number {
    return syncInterval(run.sync?.msPerStep ?? null, run.stream.readbackEvery);
  }

  /** Records that the device has caught up with `iteration`, and its time per iteration. */
  private markSync(run: Run, iteration: number): void {
    const now = this.now();
    const last = run.sync;
    let msPerStep = last?.msPerStep ?? null;
    if (last && iteration > last.iteration) {
      const ms = (now - last.at) / (iteration - last.iteration);
      msPerStep = msPerStep === null ? ms : 0.7 * msPerStep + 0.3 * ms;
    }
    run.sync = { iteration, at: now, msPerStep };
    if (run.playing) run.rate.mark(now, iteration);
  }

  /** Reads the trainer's pending diagnostics (throws DivergenceError on NaN/∞); returns the row count. */
  private async flush(run: Run): Promise<number> {
    const trainer = this.trainerOf(run);
    const rows = await this.guard(trainer.flushLogs());
    if (rows.length > 0) this.countReadback(run);
    run.pendingRows.push(...rows);
    const now = this.now();
    if (now - run.lastMetricsAt >= METRICS_INTERVAL_MS) this.postMetrics(run);
    return rows.length;
  }

  private postMetrics(run: Run): void {
    this.post({
      type: 'metrics',
      runId: run.id,
      rows: run.pendingRows,
      iteration: run.trainer?.iteration ?? 0,
      stepsPerSecond: run.playing ? run.rate.rate() : 0,
    });
    run.pendingRows = [];
    run.lastMetricsAt = this.now();
  }

  /**
   * Samples (with transport vectors if the stream asks) and/or the heatmap, packed into one
   * tensor so they cost a single readback.
   */
  private async sendViews(
    run: Run,
    what: { samples: boolean; heatmap: { resolution?: number; bounds?: ViewBounds } | null },
    requestId?: number,
  ): Promise<void> {
    const trainer = this.trainerOf(run);
    if (!(trainer instanceof ToyGanTrainer)) {
      if (what.samples) await this.sendImageSamples(run, trainer, requestId);
      return;
    }
    const n = run.view.count;
    const transport = what.samples && run.stream.transport;
    const resolution = what.heatmap?.resolution ?? run.stream.heatmapResolution;
    const bounds = what.heatmap?.bounds ?? run.bounds;
    const iteration = trainer.iteration;
    const manifold = what.samples ? this.manifoldGrid(run) : null;
    const packed = tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      if (what.samples) {
        const fake = generatedPoints(trainer, run.view);
        parts.push(tf.reshape(fake, [-1]));
        if (transport) {
          const real = tf.tensor2d(run.view.real, [n, 2]);
          parts.push(tf.reshape(transportVectors(trainer, fake, real), [-1]));
        }
        if (manifold) parts.push(tf.reshape(manifoldPoints(trainer, manifold), [-1]));
      }
      if (what.heatmap) parts.push(discriminatorGrid(trainer, bounds, resolution));
      return parts.length === 1 ? parts[0] : tf.concat(parts);
    });
    let data: Float32Array;
    try {
      data = (await this.guard(packed.data())) as Float32Array;
    } finally {
      packed.dispose();
    }
    this.countReadback(run);
    let offset = 0;
    const take = (length: number) => data.slice(offset, (offset += length));
    if (what.samples) {
      const points = take(2 * n);
      const vectors = transport ? take(2 * n) : null;
      const mesh = manifold ? take((2 * manifold.length) / trainer.config.latentDim) : null;
      this.post(
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
      this.post(
        { type: 'heatmap', requestId, runId: run.id, iteration, resolution, bounds, logits },
        [logits.buffer],
      );
    }
  }

  /**
   * The latent grid of the manifold view, or null when the stream does not ask for it; cached on
   * the run because it depends only on the seed, the latent size and the resolution.
   */
  private manifoldGrid(run: Run): Float32Array | null {
    const resolution = run.stream.manifoldResolution;
    if (resolution === 0) return null;
    const { seed, latentDim } = this.trainerOf(run).config;
    if (isImageConfig(this.trainerOf(run).config)) return null;
    // The same plane for either noise (the UI animates from it): ±2 along two fixed directions.
    const key = `${seed}/${latentDim}/${resolution}`;
    if (run.manifold?.key !== key) {
      run.manifold = { key, latents: manifoldLatents(seed, latentDim, resolution) };
    }
    return run.manifold.latents;
  }

  /** G (EMA copy if any) on the fixed grid latents, as one RGBA grid: one readback. */
  private async sendImageSamples(
    run: Run,
    trainer: ImageGanTrainer,
    requestId: number | undefined,
  ): Promise<void> {
    const { count, latents, latentDim } = run.view;
    const images = await this.renderImages(trainer, latents, latentDim);
    this.countReadback(run);
    const grid = imageGridPixels(images, count, gridColumns(count));
    this.post(
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
      return (await this.guard(images.data())) as Float32Array;
    } finally {
      images.dispose();
    }
  }

  /** The `interpolate` command: G along lerp or slerp between two of the grid's latents. */
  private async sendInterpolation(
    run: Run,
    command: { from: number; to: number; steps: number; mode: 'lerp' | 'slerp' },
    requestId: number | undefined,
  ): Promise<void> {
    const trainer = this.trainerOf(run);
    if (!(trainer instanceof ImageGanTrainer)) {
      throw new CommandError('latent interpolation is for image runs (Stacked MNIST)');
    }
    const { count, latents, latentDim } = run.view;
    for (const index of [command.from, command.to]) {
      if (index >= count) throw new CommandError(`sample ${index} is not in the grid of ${count}`);
    }
    const at = (i: number) => latents.subarray(i * latentDim, (i + 1) * latentDim);
    const path = interpolateLatents(at(command.from), at(command.to), command.steps, command.mode);
    const images = await this.renderImages(trainer, path, latentDim);
    this.countReadback(run);
    const strip = imageGridPixels(images, command.steps, command.steps);
    this.post(
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

  private async sendEval(run: Run, n: number): Promise<void> {
    const trainer = this.trainerOf(run);
    if (trainer instanceof ToyGanTrainer) {
      const evaluation = await this.guard(evaluate(trainer, n));
      this.countReadback(run);
      this.post({ type: 'eval', runId: run.id, evaluation });
      return;
    }
    const classifier = await this.classifier();
    // The same latents at every evaluation, so the curve reflects G rather than the draw.
    const rng = new Rng(trainer.config.seed).fork(EVAL_LATENT_STREAM);
    const batches = Math.ceil(n / EVAL_BATCH);
    const coverage = await this.guard(
      evaluateStackedMnist((b) => trainer.sample(b, rng), classifier, n, EVAL_BATCH),
    );
    this.readbacks += batches;
    run.readbacks += batches;
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
    this.post({ type: 'eval', runId: run.id, evaluation });
  }

  private async snapshot(run: Run): Promise<void> {
    run.snapshot = await this.guard(takeSnapshot(this.trainerOf(run)));
    run.dirty = false;
    this.countReadback(run);
    if (run.stream.streamSnapshots) this.postSnapshot(run);
  }

  /** Sends a copy of the run's last snapshot (the worker keeps its own for device loss). */
  private postSnapshot(run: Run, requestId?: number): void {
    const snapshot = run.snapshot;
    if (!snapshot) return;
    const values = snapshot.values.slice();
    this.post(
      {
        type: 'snapshot',
        requestId,
        runId: run.id,
        iteration: snapshot.iteration,
        snapshot: { ...snapshot, values },
      },
      [values.buffer],
    );
  }

  private countReadback(run: Run): void {
    this.readbacks++;
    run.readbacks++;
  }

  /** Races a readback with device loss, so a readback that never settles cannot hang us. */
  private guard<T>(promise: Promise<T>): Promise<T> {
    promise.catch(() => undefined); // if the loss wins, a later rejection is expected
    return Promise.race([promise, this.lossGate.promise]);
  }

  private setPhase(run: Run, phase: RunPhase, compileMs?: number, force = false): void {
    if (run.phase === phase && !force) return;
    run.phase = phase;
    this.post({ type: 'phase', runId: run.id, phase, compileMs });
  }

  // -------------------------------------------------------------------------------------------
  // Device loss

  /**
   * Continues every run on the fallback backend from its last snapshot. The UI keeps the metric
   * history; the iterations since the snapshot are redone.
   */
  private async recover(): Promise<void> {
    const info = this.lost!;
    const previous = this.requireBackend();
    this.post({
      type: 'device-lost',
      backend: previous,
      reason: info.reason,
      message: info.message,
    });
    const states = [...this.runs.values()].map((run) => {
      const lostAt = run.trainer?.iteration ?? run.snapshot?.iteration ?? 0;
      const resume = run.playing;
      run.playing = false;
      try {
        run.trainer?.dispose();
      } catch {
        // The device is gone; its buffers go with it.
      }
      run.trainer = null;
      return { run, lostAt, resume };
    });
    let selection: BackendSelection;
    try {
      selection = await this.hooks.fallBack(previous);
    } catch (error) {
      this.lost = null;
      this.lossGate = createGate();
      this.post({
        type: 'error',
        message: `no backend after the device loss: ${errorMessage(error)}`,
      });
      for (const { run } of states) this.setPhase(run, 'paused');
      return;
    }
    this.backend = selection.backend;
    this.fallbackReasons = [
      ...this.fallbackReasons,
      `${previous} device lost (${info.message})`,
      ...selection.fallbackReasons,
    ];
    this.lost = null;
    this.lossGate = createGate();

    const restored: BackendChangedEvent['runs'] = [];
    for (const { run, lostAt } of states) {
      try {
        const prefix = this.namePrefix(run.id);
        const trainer = run.snapshot
          ? restoreSnapshot(run.snapshot, prefix, this.build)
          : this.build(run.config, run.stream.logEvery, prefix);
        applyLive(trainer, run.config);
        run.trainer = trainer;
        run.warm = false;
        run.dirty = !run.snapshot;
        run.sync = null;
        run.pendingRows = [];
        run.rate.reset();
        restored.push({
          runId: run.id,
          iteration: trainer.iteration,
          lostIterations: Math.max(0, lostAt - trainer.iteration),
          restoredFrom: run.snapshot ? 'snapshot' : 'scratch',
        });
      } catch (error) {
        this.post({ type: 'error', runId: run.id, message: errorMessage(error) });
      }
    }
    this.post({
      type: 'backend-changed',
      backend: selection.backend,
      previous,
      fallbackReasons: selection.fallbackReasons,
      runs: restored,
    });
    for (const { run, resume } of states) {
      if (!run.trainer) continue;
      this.postMetrics(run);
      try {
        await this.sendViews(run, { samples: true, heatmap: null });
      } catch (error) {
        if (this.lost) return;
        this.post({ type: 'error', runId: run.id, message: errorMessage(error) });
      }
      if (resume) {
        run.playing = true;
        run.playStartedAt = this.now();
        run.rate.mark(run.playStartedAt, this.trainerOf(run).iteration);
        this.setPhase(run, 'compiling');
      } else {
        this.setPhase(run, 'paused');
      }
    }
  }
}

/** tf.memory()'s numeric fields beyond the counts, and the WASM heap's size on wasm. */
function backendMemory(memory: tf.MemoryInfo): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(memory)) {
    if (typeof value === 'number' && key !== 'numTensors' && key !== 'numBytes') out[key] = value;
  }
  if (tf.getBackend() === 'wasm') {
    // The emscripten module's heap (not in tfjs's typings): what the WASM backend really holds.
    const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
    if (wasm?.HEAPU8) out.wasmHeapBytes = wasm.HEAPU8.length;
  }
  return out;
}

/** Which path a toy run's steps take (absent for image runs). */
/**
 * Why a toy run on a GPU backend should not take the fused step, or null when it should:
 * 'off' asks for the op path; 'auto' avoids the fused step on a software WebGL renderer, where
 * SwiftShader ran it 15× slower than tfjs's packed ops (README, the fused GPU step), while on
 * software WebGPU it was 2.5× faster.
 */
export function fusedUnwantedReason(
  choice: FusedStepChoice,
  software: string | null,
  backend: BackendName = 'webgl',
): string | null {
  if (choice === 'off') return 'the fused step is turned off (stream option fusedStep)';
  if (choice === 'auto' && software !== null && backend === 'webgl') {
    return `the op path is faster on a software WebGL renderer (${software})`;
  }
  return null;
}

function stepPathOf(trainer: AnyTrainer | null): {
  stepPath?: 'fused' | 'ops';
  stepPathReason?: string | null;
} {
  if (trainer instanceof FusedToyTrainer) {
    return { stepPath: trainer.stepPath, stepPathReason: trainer.opsReason };
  }
  if (trainer instanceof ToyGanTrainer) {
    return { stepPath: 'ops', stepPathReason: 'the fused step runs on webgpu and webgl only' };
  }
  return {};
}

/** Top-level settings that differ (for the `rebuilt` event). */
function changedSettings(a: AnyGanConfig, b: AnyGanConfig): string[] {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]));
}

/** Whether going from settings a to b needs new models (or another kind of model). */
function needsNewModel(a: AnyGanConfig, b: AnyGanConfig): boolean {
  if (isImageConfig(a) !== isImageConfig(b)) return true;
  return isImageConfig(a)
    ? needsImageRebuild(a, b as ImageGanConfig)
    : needsRebuild(a, b as GanConfig);
}

/** Applies settings that need no rebuild (the caller checked with needsNewModel). */
function applyLive(trainer: AnyTrainer, config: AnyGanConfig): void {
  if (trainer instanceof ToyGanTrainer) {
    if (!isImageConfig(config)) trainer.applyLiveSettings(config);
  } else if (isImageConfig(config)) {
    trainer.applyLiveSettings(config);
  }
}

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
 * The manager keeps the queue, the dispatch of commands and the runs' lifecycle (create,
 * rebuild, step, settle, snapshot). Everything else has its own module:
 * - drivers/: what differs between 2-D toys and Stacked MNIST (assets, build, views, evaluation,
 *   which settings rebuild), so nothing here asks which kind a run is;
 * - pacing.ts: readbacks, sync points, back-pressure and metrics events;
 * - deviceLoss.ts: the loss gate, the readback guard and the recovery on a fallback backend;
 * - diagnostics.ts: the debug commands (profiles, stats, gradient checks);
 * - fusedChoice.ts: whether toy runs take the fused GPU step; autoBackend.ts: Automatic.
 */
import { runKindOf, type AnyGanConfig } from '../engine/core/config';
import { restoreSnapshot, type AnyTrainer, type TrainerSnapshot } from '../engine/core/snapshot';
import { DEFAULT_STREAM, type StreamOptions, type WorkerCommand } from '../protocol';
import { errorMessage } from '../errors';
import { parseCommand } from './commands';
import {
  DeviceLoss,
  isFatalBackendError,
  type DeviceLossInfo,
  type RecoveryHost,
} from './deviceLoss';
import { Diagnostics, type DiagnosticsHost } from './diagnostics';
import type { RunKindDriver } from './drivers/driver';
import { changedSettings, RunKindDrivers } from './drivers';
import { prepareFusedStep } from './fusedChoice';
import { Pacer } from './pacing';
import {
  CommandError,
  newRun,
  postCreated,
  RESET_HINT,
  setPhase,
  startOver,
  trainerOf,
  type PostEvent,
  type Run,
  type RunContext,
} from './run';
import type { RuntimeHooks } from './runtimeHooks';
import { RunStepper, type SteppingHost } from './stepping';
import { WorkerBackend } from './workerBackend';

export type { RuntimeHooks } from './runtimeHooks';

export const MAX_RUNS = 8;
/** Training time per slice before the pump yields to incoming messages. */
const SLICE_MS = 30;

export class RunManager {
  private readonly runs = new Map<string, Run>();
  private readonly queue: WorkerCommand[] = [];
  private pumping = false;
  /** The backend failed for good (failWorker): the client replaces this worker. */
  private dead = false;
  private trainerCount = 0;
  private readonly now: () => number;
  private readonly yieldToEvents: () => Promise<void>;
  private readonly loss = new DeviceLoss();
  private readonly backend: WorkerBackend;
  private readonly context: RunContext;
  private readonly host: DiagnosticsHost & RecoveryHost & SteppingHost;
  private readonly pacing: Pacer;
  private readonly drivers: RunKindDrivers;
  private readonly diagnostics: Diagnostics;
  private readonly stepper: RunStepper;
  /** Applies the stream's fused-step choice before a toy run steps on a GPU (fusedChoice.ts). */
  private readonly prepareFused = (run: Run) =>
    prepareFusedStep(run, this.context, (b) => this.hooks.softwareRenderer?.(b) ?? null);

  constructor(
    private readonly post: PostEvent,
    private readonly hooks: RuntimeHooks,
  ) {
    this.now = hooks.now ?? (() => performance.now());
    this.yieldToEvents =
      hooks.yieldToEvents ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
    this.context = {
      post,
      now: this.now,
      guard: (promise) => this.loss.guard(promise),
      countReadback: (run, count) => this.pacing.countReadback(run, count),
      setPhase: (run, phase, compileMs, force) => setPhase(post, run, phase, compileMs, force),
    };
    this.pacing = new Pacer({ ...this.context, backend: () => this.backend.name });
    this.drivers = new RunKindDrivers({
      ...this.context,
      loadAsset: hooks.loadAsset?.bind(hooks),
    });
    this.backend = new WorkerBackend(hooks, {
      now: this.now,
      softwareRenderer: (backend) => hooks.softwareRenderer?.(backend) ?? null,
      buildTrainer: async (config) => {
        await this.drivers.of(config).prepare(config);
        return this.build(config, DEFAULT_STREAM.logEvery, this.namePrefix('measure'));
      },
    });
    // What stepping, the debug commands and the device-loss recovery need from the manager.
    this.host = {
      ...this.context,
      pacing: this.pacing,
      failWorker: (error, runId) => this.failWorker(error, runId),
      backend: () => this.backend.name,
      requireBackend: () => this.backend.require(),
      getRun: (runId) => this.getRun(runId),
      runs: () => [...this.runs.values()],
      readbacks: () => this.pacing.readbacks,
      driverOf: (run) => this.driverOf(run),
      settle: (run) => this.stepper.settle(run),
      prepareFused: (run) => this.prepareFused(run),
      nextTrainerNumber: () => ++this.trainerCount,
      loseDevice: () => hooks.loseDevice(),
      fallBack: (lost) => hooks.fallBack(lost),
      releaseBackendState: () => this.drivers.releaseBackendState(),
      adoptBackend: (backend, reasons) => this.backend.adopt(backend, reasons),
      restoreTrainer: (run) => {
        const prefix = this.namePrefix(run.id);
        const trainer = run.snapshot
          ? restoreSnapshot(run.snapshot, prefix, this.build)
          : this.build(run.config, run.stream.logEvery, prefix);
        this.driverOf(run).applyLive(trainer, run.config);
        return trainer;
      },
      postMetrics: (run) => this.pacing.postMetrics(run),
      sendViews: (run, what) => this.driverOf(run).sendViews(run, what),
    };
    this.diagnostics = new Diagnostics(this.host);
    this.stepper = new RunStepper(this.host);
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
    if (this.loss.notify(info)) this.kick();
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
        if (this.queue.length > 0 || this.loss.lost || this.playingRuns().length > 0) this.kick();
      });
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.loss.lost) {
        // Every run continues on the fallback backend from its last snapshot (deviceLoss.ts).
        await this.loss.recover(this.host);
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
      if (
        command.type !== 'debug-lose-device' &&
        (await this.loss.isDeviceLoss(error, this.backend.name))
      ) {
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
          await this.stepper.advance(run, false);
        } catch (error) {
          if (await this.loss.isDeviceLoss(error, this.backend.name)) return;
          this.stepper.failRun(run, error);
        }
      }
      if (this.now() >= deadline || this.queue.length > 0) return;
      active = active.filter((run) => run.playing && this.runs.get(run.id) === run);
    }
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
      message: `the ${this.backend.name ?? 'tfjs'} backend failed and cannot continue in this worker (${errorMessage(error).split('\n')[0].slice(0, 200)})`,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Commands

  private async dispatch(command: WorkerCommand): Promise<void> {
    const requestId = command.requestId;
    switch (command.type) {
      case 'init':
        this.post(await this.backend.init(command));
        return;
      case 'create':
        return this.create(command.runId, command.config, command.stream ?? {}, requestId);
      case 'restore': {
        const { runId, snapshot, stream } = command;
        const config = command.config ?? snapshot.config;
        const sameKind = runKindOf(snapshot.config) === command.kind;
        if (!sameKind || this.drivers.needsNewModel(snapshot.config, config)) {
          throw new CommandError('the settings need new networks: the snapshot does not fit them');
        }
        return this.create(runId, config, stream ?? {}, requestId, snapshot);
      }
      case 'ping':
        return; // answered in handle()
      case 'snapshot': {
        const run = this.getRun(command.runId);
        await this.stepper.settle(run);
        if (!run.snapshot) await this.stepper.snapshot(run); // e.g. after a divergence
        this.stepper.postSnapshot(run, requestId);
        return;
      }
      case 'configure': {
        const run = this.getRun(command.runId);
        // Before anything changes: a refused config leaves the run as it was.
        this.backend.checkCost(command.config);
        if (this.drivers.needsNewModel(run.config, command.config)) {
          const changed = changedSettings(run.config, command.config);
          await this.drivers.of(command.config).prepare(command.config);
          run.config = command.config;
          await this.rebuild(run, 'config', changed, requestId);
        } else {
          run.config = command.config;
          this.driverOf(run).applyLive(trainerOf(run), command.config);
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
        const driver = this.driverOf(run);
        if (run.view.count !== driver.viewCount(run.config, run.stream)) {
          run.view = driver.viewBatch(trainerOf(run), run.stream);
        }
        return;
      }
      case 'play': {
        const run = this.getRun(command.runId);
        if (run.diverged !== null) throw new CommandError(`${run.diverged} ${RESET_HINT}`);
        const trainer = trainerOf(run);
        if (run.playing) return;
        run.playing = true;
        run.playStartedAt = this.now();
        run.sync = null;
        run.rate.reset();
        run.rate.mark(run.playStartedAt, trainer.iteration);
        this.context.setPhase(run, run.warm ? 'training' : 'compiling');
        return;
      }
      case 'pause': {
        const run = this.getRun(command.runId);
        run.playing = false;
        await this.stepper.settle(run);
        this.context.setPhase(run, 'paused');
        return;
      }
      case 'step': {
        const run = this.getRun(command.runId);
        return this.stepper.manualSteps(run, command.n, command.part ?? 'both');
      }
      case 'reset':
        return this.rebuild(this.getRun(command.runId), 'reset', [], requestId);
      case 'sample': {
        const run = this.getRun(command.runId);
        return this.driverOf(run).sendViews(run, { samples: true, heatmap: null }, requestId);
      }
      case 'interpolate': {
        const run = this.getRun(command.runId);
        return this.driverOf(run).interpolate(run, command, requestId);
      }
      case 'request-heatmap': {
        const run = this.getRun(command.runId);
        const heatmap = { resolution: command.resolution, bounds: command.bounds };
        return this.driverOf(run).heatmap(run, heatmap, requestId);
      }
      case 'dispose': {
        const run = this.getRun(command.runId);
        run.playing = false;
        this.runs.delete(run.id);
        run.trainer?.dispose();
        run.trainer = null;
        return;
      }
      default:
        // The debug commands: the type check fails here if a new command has no case.
        return this.diagnostics.handle(command);
    }
  }

  private getRun(runId: string): Run {
    this.backend.require();
    const run = this.runs.get(runId);
    if (!run) throw new CommandError(`no run "${runId}"`);
    return run;
  }

  /** The driver of the run's kind (toy or image): drivers/. */
  private driverOf(run: Run): RunKindDriver {
    return this.drivers.of(run.config);
  }

  /** Builds a trainer (after `prepare`); synchronous so snapshots can be restored with it. */
  private readonly build = (config: AnyGanConfig, logEvery: number, prefix: string): AnyTrainer => {
    this.backend.checkCost(config);
    return this.drivers.of(config).build(config, logEvery, prefix, this.backend.target);
  };

  /** tfjs variable names must be unique: one prefix per trainer ever built. */
  private namePrefix(runId: string): string {
    return `${runId}#${++this.trainerCount}/`;
  }

  // -------------------------------------------------------------------------------------------
  // Run lifecycle

  private async create(
    runId: string,
    config: AnyGanConfig,
    streamOptions: Partial<StreamOptions>,
    requestId: number | undefined,
    snapshot?: TrainerSnapshot,
  ): Promise<void> {
    this.backend.require();
    if (this.runs.has(runId)) throw new CommandError(`a run "${runId}" already exists`);
    if (this.runs.size >= MAX_RUNS) {
      throw new CommandError(`at most ${MAX_RUNS} runs at once: dispose one first`);
    }
    const stream = { ...DEFAULT_STREAM, ...streamOptions };
    this.backend.checkCost(config);
    const driver = this.drivers.of(config);
    await driver.prepare(config);
    let trainer: AnyTrainer;
    try {
      trainer = snapshot
        ? restoreSnapshot(snapshot, this.namePrefix(runId), this.build)
        : this.build(config, stream.logEvery, this.namePrefix(runId));
      if (snapshot) driver.applyLive(trainer, config);
    } catch (error) {
      if (!snapshot) throw error;
      throw new CommandError(`cannot restore the snapshot: ${errorMessage(error)}`);
    }
    const view = driver.viewBatch(trainer, stream);
    const run = newRun(runId, config, stream, trainer, view, driver.viewBounds(trainer));
    this.runs.set(runId, run);
    try {
      postCreated(this.post, run, this.driverOf(run).realImages(run), requestId);
      if (snapshot) this.pacing.postMetrics(run); // the iteration it continues from
      this.context.setPhase(run, 'paused', undefined, true);
      await this.stepper.sendAllViews(run);
      await this.stepper.snapshot(run);
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

  /** New models for the run's config (iteration 0); keeps playing if it was. */
  private async rebuild(
    run: Run,
    reason: 'config' | 'reset',
    changed: string[],
    requestId: number | undefined,
  ): Promise<void> {
    run.trainer?.dispose();
    run.trainer = null;
    const trainer = this.build(run.config, run.stream.logEvery, this.namePrefix(run.id));
    const driver = this.driverOf(run);
    startOver(run, trainer, driver.viewBatch(trainer, run.stream), driver.viewBounds(trainer));
    this.post({ type: 'rebuilt', requestId, runId: run.id, reason, changed });
    postCreated(this.post, run, this.driverOf(run).realImages(run), requestId);
    this.pacing.postMetrics(run);
    await this.stepper.sendAllViews(run);
    await this.stepper.snapshot(run);
    if (run.playing) {
      run.playStartedAt = this.now();
      run.rate.mark(run.playStartedAt, 0);
      this.context.setPhase(run, 'compiling');
    }
  }
}

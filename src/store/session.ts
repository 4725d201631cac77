/**
 * The training session: wires one worker run to the stores, without React. Worker events go
 * through the run store's reducer (metric rows batched to ≤ 10 chart updates per second); a
 * changed `config` in the settings store is sent with `configure` (the worker decides whether
 * that is a live change or a rebuild, and says so with a `rebuilt` event); the transport
 * (play, pause, step, reset, slow motion) is a set of methods the UI and shortcuts call.
 */
import { deepEqual } from '../engine/core/equal';
import { isImageConfig, runKindOf } from '../engine/core/config';
import { errorMessage } from '../errors';
import type {
  AnyGanConfig,
  LogRow,
  RunKind,
  StepPart,
  StreamOptions,
  TrainerSnapshot,
  WorkerEvent,
} from '../protocol';
import type { TrainingPort } from '../worker/client/trainingPort';
import { truncateHistory } from './downsample';
import { appendRows, applyRunEvent, type RunStoreApi } from './run';
import type { ImageSnapshot, RunContent, ToySnapshot } from './savedRuns';
import { SPEED_RATE } from './preferences';
import { activeConfig, type SettingsState, type SettingsStoreApi } from './settings';

export const MAIN_RUN_ID = 'main';
/** Chart histories take new rows at most this often. */
export const ROW_FLUSH_MS = 100;
/** Rapid edits (typing "128" is three edits) are sent together; a step or play sends at once. */
export const CONFIGURE_DEBOUNCE_MS = 400;

/** Lines per side of the generator-manifold mesh: dense enough to show folds, light to draw. */
const MANIFOLD_LINES = 21;

/** Images between the two ends of an interpolation strip, both included. */
export const INTERPOLATION_STEPS = 10;

/**
 * What an image run streams. A conv step costs far more than a toy step, so the views are rarer:
 * the grid of 64 fixed latents every 50 iterations, and every 500 iterations an evaluation of
 * 5000 generated images by the digit classifier. With N = 5000 samples over K = 1000 modes the
 * reverse KL of even a perfect generator is about (K − 1)/(2N) ≈ 0.1 (its floor, shown beside
 * it); the paper's protocol (26 000 samples, floor 0.019) is the CLI's `--eval-samples 26000`.
 * Before step 500 a quicker evaluation of 1000 images every 50 steps (floor ≈ 0.5) fills the mode
 * map early: at 0.1–1 step/s on a CPU backend, step 500 is 10–80 minutes away.
 * Heatmap, transport arrows and the manifold are 2-D views: off.
 */
/**
 * Snapshot intervals (iterations): what a device loss or a worker crash redoes at most. A toy
 * snapshot is a few small readbacks (the opening run: ~60 KB); an image iteration takes seconds
 * on wasm, so its snapshots are more frequent in iterations.
 */
export const TOY_SNAPSHOT_EVERY = 50;
export const IMAGE_SNAPSHOT_EVERY = 20;

export const IMAGE_STREAM = {
  samplesEvery: 50,
  sampleCount: 64,
  transport: false,
  heatmapEvery: 0,
  manifoldResolution: 0,
  evalEvery: 500,
  evalSamples: 5000,
  earlyEvalEvery: 50,
  earlyEvalSamples: 1000,
  snapshotEvery: IMAGE_SNAPSHOT_EVERY,
  streamSnapshots: true,
} satisfies Partial<StreamOptions>;

/** Streamed views: frequent enough to look live, rare enough not to slow training down. */
export function streamFor(
  view: SettingsState['view'],
  kind: RunKind = 'toy',
): Partial<StreamOptions> {
  if (kind === 'image') return IMAGE_STREAM;
  return {
    samplesEvery: 10,
    sampleCount: 512,
    transport: view.arrows,
    heatmapEvery: view.heatmap ? 20 : 0,
    heatmapResolution: 48,
    manifoldResolution: view.manifold ? MANIFOLD_LINES : 0,
    evalEvery: 100,
    evalSamples: 1000,
    // Set explicitly: streams merge, and an image run's early evaluations must not carry over.
    earlyEvalEvery: 0,
    // A snapshot every TOY_SNAPSHOT_EVERY steps (and at every pause) also goes to the client,
    // which resumes the run from it in a new worker if this one crashes; after a device loss
    // the worker resumes from it too. At most that many steps are redone.
    snapshotEvery: TOY_SNAPSHOT_EVERY,
    streamSnapshots: true,
  };
}

/** A run handed from one worker to the next when the backend changes (TrainingSession.carry). */
export interface CarriedRun {
  snapshot: TrainerSnapshot;
  playing: boolean;
  /** The iteration the old worker had reached (those after the snapshot are redone). */
  iteration: number;
}

const sameConfig = (a: AnyGanConfig, b: AnyGanConfig) => deepEqual(a, b);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class TrainingSession {
  private pendingRows: LogRow[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private configureTimer: ReturnType<typeof setTimeout> | null = null;
  /** The configure loop in progress (null when the worker has the settings). */
  private configuring: Promise<void> | null = null;
  /** The config the worker has (or is being sent). */
  private sent: AnyGanConfig;
  private slowLoop: Promise<void> | null = null;
  private disposed = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    readonly client: TrainingPort,
    private readonly settings: SettingsStoreApi,
    private readonly run: RunStoreApi,
    readonly runId = MAIN_RUN_ID,
  ) {
    this.sent = activeConfig(settings.getState());
    this.unsubscribe.push(client.subscribe((event) => this.onEvent(event)));
    this.unsubscribe.push(
      settings.subscribe((state, previous) => {
        if (activeConfig(state) !== activeConfig(previous)) this.scheduleConfigure();
        if (
          state.view.arrows !== previous.view.arrows ||
          state.view.heatmap !== previous.view.heatmap ||
          state.view.manifold !== previous.view.manifold
        ) {
          this.guard(client.setStream(runId, streamFor(state.view, runKindOf(this.sent))));
        }
        if (state.speed !== previous.speed) this.onSpeedChange();
      }),
    );
  }

  /**
   * Creates the run with the current settings, or — after a switch of backend — restores the run
   * the previous worker had, from its last snapshot (the chart histories stay in the run store).
   * If the worker refuses the settings (e.g. a link's settings too large for the backend), the run
   * starts from the opening preset instead, and says so.
   */
  async start(carried: CarriedRun | null = null): Promise<void> {
    if (carried && (await this.resume(carried))) return;
    const create = () => {
      const state = this.settings.getState();
      const config = activeConfig(state);
      this.sent = config;
      return this.client.create(this.runId, config, streamFor(state.view, runKindOf(config)));
    };
    try {
      await create();
    } catch (error) {
      if (workerGone(error)) return this.report(error);
      this.settings.getState().restoreDefaults();
      await this.guard(create());
      this.report(new Error(`${errorMessage(error)} The opening preset is loaded instead.`));
    }
  }

  /**
   * What a switch of backend carries to the next worker: the last snapshot the worker streamed
   * (at each pause and every few hundred iterations) and whether the run was playing.
   */
  carry(): CarriedRun | null {
    const snapshot = this.client.lastSnapshot(this.runId);
    if (!snapshot) return null;
    return { snapshot, playing: this.playing, iteration: this.run.getState().iteration };
  }

  /** Restores a carried run; false (with a notice) when the new worker refuses it. */
  private async resume({ snapshot, playing, iteration }: CarriedRun): Promise<boolean> {
    const state = this.settings.getState();
    this.sent = snapshot.config;
    try {
      await this.client.restore(
        this.runId,
        snapshot,
        streamFor(state.view, runKindOf(snapshot.config)),
      );
    } catch (error) {
      this.report(
        new Error(
          `could not continue the run on the new backend (${errorMessage(error)}); it starts again`,
        ),
      );
      return false;
    }
    // Settings changed since the snapshot (a live change such as lr) follow at once.
    if (!sameConfig(activeConfig(state), this.sent)) await this.sendConfig();
    if (playing) this.play(); // (before the notice: Play clears notices)
    const from = snapshot.iteration;
    const redone = Math.max(0, iteration - from);
    this.run.setState((s) => ({
      iteration: from,
      metrics: truncateHistory(s.metrics, from),
      evals: truncateHistory(s.evals, from),
      notice: {
        kind: 'info',
        text: `Backend switched: continued from iteration ${from}, the run's last snapshot${
          redone > 0 ? ` (${redone} iterations are redone)` : ''
        }.`,
      },
    }));
    return true;
  }

  dispose(): void {
    this.disposed = true;
    this.stopSlowMotion();
    for (const off of this.unsubscribe) off();
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    if (this.configureTimer !== null) clearTimeout(this.configureTimer);
  }

  get playing(): boolean {
    const { phase, slowMotion } = this.run.getState();
    return slowMotion || phase !== 'paused';
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  play(): void {
    this.clearNotice();
    if (this.settings.getState().speed !== 'full') {
      this.startSlowMotion();
      return;
    }
    // Answer at once: the worker may be busy for seconds (compiling the run's first views) before
    // it even reads the command. Its own phase events take over when it does.
    const { phase, compileMs } = this.run.getState();
    const optimistic = phase === 'paused';
    if (optimistic) this.run.setState({ phase: compileMs === null ? 'compiling' : 'training' });
    this.afterConfig(async () => {
      try {
        await this.client.play(this.runId);
      } catch (error) {
        if (optimistic) this.run.setState({ phase: 'paused' });
        throw error;
      }
    });
  }

  pause(): void {
    this.stopSlowMotion();
    this.guard(this.client.pause(this.runId));
  }

  /** n steps (default: one) of a part (both, D only, G only; default: the one chosen). */
  step(n = 1, part: StepPart = this.settings.getState().stepPart): void {
    this.stopSlowMotion();
    this.clearNotice();
    this.afterConfig(() => this.client.step(this.runId, n, part));
  }

  reset(): void {
    this.afterConfig(() => this.client.reset(this.runId));
  }

  /**
   * An image run's latent interpolation: G on INTERPOLATION_STEPS latents from sample `from` to
   * sample `to` of the grid; the strip arrives as an `interpolation` event (run store).
   */
  interpolate(from: number, to: number, mode: 'lerp' | 'slerp'): void {
    this.afterConfig(async () => {
      if (runKindOf(this.sent) !== 'image') return;
      await this.client.interpolate(this.runId, from, to, INTERPOLATION_STEPS, mode);
    });
  }

  /**
   * What a saved run keeps (store/savedRuns/): a snapshot of the run now — weights, optimiser
   * state, iteration — and the chart histories up to it. A playing run keeps playing.
   */
  async capture(): Promise<RunContent> {
    await this.flushConfig();
    const snapshot = await this.client.snapshot(this.runId).catch((error: unknown) => {
      // The worker is gone for good (a crash loop): the last snapshot it streamed is the run.
      const last = this.client.lastSnapshot(this.runId);
      if (last && workerGone(error)) return last;
      throw error;
    });
    // The worker reported the rows up to the snapshot before answering: chart them now.
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushRows();
    const s = this.run.getState();
    const upTo = snapshot.iteration;
    const upToSnapshot = <E extends { step: number }>(e: E | null) =>
      e !== null && e.step <= upTo ? e : null;
    const common = {
      metrics: truncateHistory(s.metrics, upTo),
      evals: truncateHistory(s.evals, upTo),
      latest: upToSnapshot(s.latest),
    };
    return isImageConfig(snapshot.config)
      ? {
          ...common,
          kind: 'image',
          snapshot: snapshot as ImageSnapshot,
          evaluation: upToSnapshot(s.imageEvaluation),
        }
      : {
          ...common,
          kind: 'toy',
          snapshot: snapshot as ToySnapshot,
          evaluation: upToSnapshot(s.evaluation),
        };
  }

  /**
   * Replaces the run with a saved one — settings, weights, optimiser state, iteration and chart
   * histories — paused, so that training continues where it stopped. If the worker refuses the
   * saved state (e.g. its weights do not fit its settings), the run is put back as it was and
   * the error is thrown.
   */
  async reopen(content: RunContent): Promise<void> {
    this.stopSlowMotion();
    await this.flushConfig();
    const previous = await this.client.snapshot(this.runId).catch(() => null);
    const stream = (snapshot: { config: AnyGanConfig }) =>
      streamFor(this.settings.getState().view, runKindOf(snapshot.config));
    await this.client.dispose(this.runId);
    try {
      await this.client.restore(this.runId, content.snapshot, stream(content.snapshot));
    } catch (error) {
      if (previous) await this.client.restore(this.runId, previous, stream(previous));
      else await this.client.create(this.runId, this.sent, stream({ config: this.sent }));
      throw error;
    }
    const { config, iteration } = content.snapshot;
    this.sent = config;
    this.settings.getState().adoptConfig(config);
    this.pendingRows = [];
    this.run.setState({
      iteration,
      metrics: content.metrics,
      evals: content.evals,
      latest: content.latest,
      ...(content.kind === 'image'
        ? { imageEvaluation: content.evaluation }
        : { evaluation: content.evaluation }),
    });
  }

  /**
   * Runs a transport command once the worker has the latest settings: a step pressed right
   * after unticking R1 must not run with R1 (settings changes are debounced).
   */
  private afterConfig(command: () => Promise<void>): void {
    this.guard(this.flushConfig().then(command));
  }

  private async flushConfig(): Promise<void> {
    if (this.configureTimer !== null) {
      clearTimeout(this.configureTimer);
      this.configureTimer = null;
      void this.sendConfig();
    }
    await this.configuring;
  }

  private clearNotice(): void {
    if (this.run.getState().notice !== null) this.run.setState({ notice: null });
  }

  private onSpeedChange(): void {
    if (!this.playing) return;
    this.pause();
    this.play();
  }

  private startSlowMotion(): void {
    if (this.slowLoop) return;
    this.run.setState({ slowMotion: true });
    this.slowLoop = (async () => {
      while (this.run.getState().slowMotion && !this.disposed) {
        const { speed, stepPart } = this.settings.getState();
        const interval = speed === 'full' ? 0 : 1000 / SPEED_RATE[speed];
        const started = performance.now();
        try {
          await this.flushConfig();
          await this.client.step(this.runId, 1, stepPart);
        } catch (error) {
          this.report(error);
          break;
        }
        await sleep(Math.max(0, interval - (performance.now() - started)));
      }
      this.run.setState({ slowMotion: false });
      this.slowLoop = null;
    })();
  }

  private stopSlowMotion(): void {
    if (this.run.getState().slowMotion) this.run.setState({ slowMotion: false });
  }

  private onEvent(event: WorkerEvent): void {
    if ('runId' in event && event.runId !== undefined && event.runId !== this.runId) return;
    if (event.type === 'metrics' && event.rows.length > 0) {
      this.pendingRows.push(...event.rows);
      this.flushTimer ??= setTimeout(() => this.flushRows(), ROW_FLUSH_MS);
    }
    if (event.type === 'rebuilt') {
      this.pendingRows = []; // rows of the old networks
    }
    if (event.type === 'created') this.adoptWorkerConfig(event.config);
    if (event.type === 'worker-restarted' || event.type === 'backend-changed') {
      // Rows of the iterations that the run redoes from its snapshot.
      const restored = event.runs.find((r) => r.runId === this.runId);
      if (restored) this.pendingRows = this.pendingRows.filter((r) => r.step <= restored.iteration);
    }
    const patch = applyRunEvent(this.run.getState(), event, this.runId);
    if (Object.keys(patch).length > 0) this.run.setState(patch);
  }

  private flushRows(): void {
    this.flushTimer = null;
    const rows = this.pendingRows;
    this.pendingRows = [];
    this.run.setState((state) => appendRows(state, rows));
  }

  /**
   * The worker's config wins when it was changed from outside the UI (the debug client in e2e
   * tests), unless the user has a change of their own on the way.
   */
  private adoptWorkerConfig(config: AnyGanConfig): void {
    const local = activeConfig(this.settings.getState());
    if (sameConfig(local, config) || !sameConfig(local, this.sent)) return;
    if (this.configuring !== null || this.configureTimer !== null) return;
    this.sent = config;
    this.settings.getState().adoptConfig(config);
  }

  private scheduleConfigure(): void {
    if (this.configureTimer !== null) clearTimeout(this.configureTimer);
    this.configureTimer = setTimeout(() => {
      this.configureTimer = null;
      void this.sendConfig();
    }, CONFIGURE_DEBOUNCE_MS);
  }

  private sendConfig(): Promise<void> {
    if (this.configuring !== null || this.disposed) return this.configuring ?? Promise.resolve();
    const loop = async () => {
      while (!this.disposed) {
        const state = this.settings.getState();
        const config = activeConfig(state);
        if (sameConfig(config, this.sent)) break;
        const kind = runKindOf(config);
        const previous = this.sent;
        const switching = kind !== runKindOf(previous);
        this.sent = config;
        try {
          // Another kind of run streams other views: the new stream first, so that the rebuilt
          // run's first frames already follow it.
          if (switching) await this.client.setStream(this.runId, streamFor(state.view, kind));
          await this.client.configure(this.runId, config);
        } catch (error) {
          this.report(error);
          if (!workerGone(error)) {
            // Refused (e.g. too large for the backend): the run keeps its settings, and so do
            // the controls, so that they show what trains.
            this.sent = previous;
            if (switching)
              await this.guard(
                this.client.setStream(this.runId, streamFor(state.view, runKindOf(previous))),
              );
            this.settings.getState().adoptConfig(previous);
          }
          break;
        }
      }
    };
    // Cleared in a later microtask, so never before it is set (the loop may finish at once).
    const running: Promise<void> = loop().finally(() => {
      if (this.configuring === running) this.configuring = null;
    });
    this.configuring = running;
    return running;
  }

  private guard<T>(promise: Promise<T>): Promise<T | undefined> {
    return promise.catch((error: unknown) => {
      this.report(error);
      return undefined;
    });
  }

  private report(error: unknown): void {
    if (this.disposed) return;
    if (this.client.stopped) {
      // Play, Step, … after a crash loop: say why nothing happens.
      this.run.setState({ notice: { kind: 'error', text: STOPPED_NOTICE } });
      return;
    }
    // A crashed worker is reported once, by the client's `worker-restarted` event.
    if (workerGone(error)) return;
    this.run.setState({ notice: { kind: 'error', text: errorMessage(error) } });
  }
}

const STOPPED_NOTICE =
  'Training is stopped: the training worker kept crashing. The run can still be saved (Saved runs → Save current run); reload the page to train again.';

/** The command failed because the worker died or was replaced, not because it was refused. */
function workerGone(error: unknown): boolean {
  return /terminated|crashed/.test(errorMessage(error));
}

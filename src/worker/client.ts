/**
 * Main-thread side of the training worker: starts it, checks what it sends back, and wraps the
 * protocol in a small typed API. Commands return promises that settle when the worker
 * acknowledges them (or reports an error for them: client/rpc.ts); streaming events go to
 * subscribers. The stores see it through TrainingPort (client/trainingPort.ts).
 *
 * Crash recovery: the client pings the worker every second; when a ping goes unanswered for too
 * long (client/heartbeat.ts: longer while kernels compile or a run's single iteration is slow),
 * or the worker reports a fatal error (a worker-level exception, or a backend that can no longer
 * compute: `fatal` error events), it starts a new worker, restores every run from the last
 * snapshot the worker streamed (`streamSnapshots`) with its latest settings and stream options
 * (client/runJournal.ts, client/recovery.ts), resumes the runs that were playing, and emits
 * `worker-restarted`.
 */
import { errorMessage } from '../errors';
import {
  isWorkerEvent,
  type AutoBackendRequest,
  type BackendName,
  type AnyGanConfig,
  type GanConfig,
  type StepPart,
  type StreamOptions,
  type TrainerSnapshot,
  type ViewBounds,
  type WorkerCommand,
  type WorkerCommandBody,
  type WorkerEvent,
  type WorkerEventOf,
} from '../protocol';
import {
  COMPILE_TIMEOUT_MS,
  HEARTBEAT_MS,
  HEARTBEAT_TIMEOUT_MS,
  silenceAllowance,
  SilenceWatchdog,
} from './client/heartbeat';
import { restoreRuns, RestartBudget, stoppedNotice } from './client/recovery';
import { answer, PendingRequests, runSpec } from './client/rpc';
import { RunJournal } from './client/runJournal';
import type { TrainingPort } from './client/trainingPort';

/** The part of a Worker the client uses (a fake one in unit tests). */
export interface WorkerEndpoint {
  postMessage(message: WorkerCommand): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<unknown>) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate(): void;
}

export type EventListener = (event: WorkerEvent) => void;

export interface ClientOptions {
  /** Starts a replacement worker after a crash; without it a crash is only reported. */
  restart?: () => WorkerEndpoint;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  compileTimeoutMs?: number;
  /** Restarts allowed within five minutes before the client gives up (a crash loop). */
  maxRestarts?: number;
}

export class TrainingClient implements TrainingPort {
  private readonly listeners = new Set<EventListener>();
  private readonly requests = new PendingRequests();
  private terminated = false;
  private worker: WorkerEndpoint;
  private readonly journal = new RunJournal();
  private preferredBackend: BackendName | undefined;
  /** The worker has answered `init` (crash detection starts then). */
  private ready = false;
  private readonly watchdog: SilenceWatchdog;
  /** Set while a new worker is being brought up; other requests wait for it. */
  private recovery: Promise<void> | null = null;
  private readonly restarts: RestartBudget;

  constructor(
    worker: WorkerEndpoint,
    private readonly options: ClientOptions = {},
  ) {
    this.worker = worker;
    this.restarts = new RestartBudget(options.maxRestarts ?? 3);
    this.watchdog = new SilenceWatchdog({
      watching: () => !this.terminated && !this.recovery && this.ready && !!options.restart,
      // Compiling kernels blocks a worker for seconds (WebGL compiles shaders synchronously),
      // and so can a command we are waiting for (a new model's first pass, a gradient check):
      // give both the compile allowance rather than mistake them for a crash.
      allowanceMs: () =>
        silenceAllowance({
          baseMs: options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS,
          compileMs: options.compileTimeoutMs ?? COMPILE_TIMEOUT_MS,
          busy: this.requests.busy,
          ...this.journal.activity(),
        }),
      pingId: () => this.requests.nextRequestId(),
      sendPing: (requestId) => this.worker.postMessage({ type: 'ping', requestId }),
      silent: (reason) => void this.recover(reason),
    });
    this.attach(worker);
    if (options.restart) this.watchdog.start(options.heartbeatMs ?? HEARTBEAT_MS);
  }

  /** Starts the module worker (and a new one whenever it crashes). */
  static start(): TrainingClient {
    const spawn = () =>
      new Worker(new URL('./training.worker.ts', import.meta.url), {
        type: 'module',
        name: 'training',
      });
    return new TrainingClient(spawn(), { restart: spawn });
  }

  private attach(worker: WorkerEndpoint): void {
    worker.addEventListener('message', (e) => {
      if (worker !== this.worker) return; // a worker we have replaced
      this.watchdog.heard();
      if (isWorkerEvent(e.data)) {
        this.receive(e.data);
      } else {
        this.emit({ type: 'error', message: 'the training worker sent a malformed message' });
      }
    });
    worker.addEventListener('error', (e) => {
      // Fired when the worker script fails to load or throws at top level.
      e.preventDefault();
      if (worker !== this.worker) return;
      const message = `training worker failed: ${e.message || 'unknown error'}`;
      if (this.ready && this.options.restart) {
        // It may still be alive (an uncaught error does not end a worker): ask it at once.
        this.emit({ type: 'error', message });
        this.watchdog.check();
      } else {
        this.failAll(message);
      }
    });
  }

  /** Every event, in order; returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Sends a command; resolves with the events that answered it (those carrying its requestId)
   * once the worker acknowledges it, or rejects with the worker's error message.
   */
  request(body: WorkerCommandBody): Promise<WorkerEvent[]> {
    if (this.terminated) return Promise.reject(new Error('the training worker was terminated'));
    if (this.recovery) return this.recovery.then(() => this.request(body));
    return this.send(body);
  }

  private send(body: WorkerCommandBody): Promise<WorkerEvent[]> {
    // What the client must remember of a command to replay it in a new worker.
    if (body.type === 'init' && !this.ready) this.preferredBackend = body.preferredBackend;
    this.journal.track(body);
    return this.requests.open(body.type, (requestId) =>
      this.worker.postMessage({ ...body, requestId } as WorkerCommand),
    );
  }

  /** Picks the backend; resolves with the `ready` event (backend, reasons, default settings). */
  async init(
    preferredBackend?: BackendName,
    auto?: AutoBackendRequest,
    timeoutMs?: number,
  ): Promise<WorkerEventOf<'ready'>> {
    return answer(await this.request({ type: 'init', preferredBackend, auto, timeoutMs }), 'ready');
  }

  /** A toy or an image run, by the config's dataset. */
  async create(
    runId: string,
    config: AnyGanConfig,
    stream?: Partial<StreamOptions>,
  ): Promise<WorkerEventOf<'created'>> {
    return answer(
      await this.request({ type: 'create', runId, stream, ...runSpec(config) }),
      'created',
    );
  }

  /**
   * Resolves with true when the change needed new models (the run restarted at iteration 0), as
   * a change between a toy and an image dataset always does.
   */
  async configure(runId: string, config: AnyGanConfig): Promise<boolean> {
    const events = await this.request({ type: 'configure', runId, ...runSpec(config) });
    return events.some((e) => e.type === 'rebuilt');
  }

  /** G along the path between two samples of an image run's grid (an `interpolation` event). */
  async interpolate(
    runId: string,
    from: number,
    to: number,
    steps: number,
    mode: 'lerp' | 'slerp',
  ): Promise<WorkerEventOf<'interpolation'>> {
    return answer(
      await this.request({ type: 'interpolate', runId, from, to, steps, mode }),
      'interpolation',
    );
  }

  async setStream(runId: string, stream: Partial<StreamOptions>): Promise<void> {
    await this.request({ type: 'set-stream', runId, stream });
  }

  async play(runId: string): Promise<void> {
    await this.request({ type: 'play', runId });
  }

  /** Resolves once the run is at rest (losses read, snapshot taken). */
  async pause(runId: string): Promise<void> {
    await this.request({ type: 'pause', runId });
  }

  /** Exactly n iterations (or D-only / G-only updates); resolves after the fresh metrics. */
  async step(runId: string, n = 1, part: StepPart = 'both'): Promise<void> {
    await this.request({ type: 'step', runId, n, part });
  }

  async reset(runId: string): Promise<void> {
    await this.request({ type: 'reset', runId });
  }

  async sample(runId: string): Promise<WorkerEventOf<'samples'>> {
    return answer(await this.request({ type: 'sample', runId }), 'samples');
  }

  async requestHeatmap(
    runId: string,
    options: { resolution?: number; bounds?: ViewBounds } = {},
  ): Promise<WorkerEventOf<'heatmap'>> {
    return answer(await this.request({ type: 'request-heatmap', runId, ...options }), 'heatmap');
  }

  async dispose(runId: string): Promise<void> {
    await this.request({ type: 'dispose', runId });
  }

  /** The run's state now (weights, optimiser state, iteration), once pending work is read. */
  async snapshot(runId: string): Promise<TrainerSnapshot> {
    return answer(await this.request({ type: 'snapshot', runId }), 'snapshot').snapshot;
  }

  /** Creates a run in the state of a snapshot (paused); answered like `create`. */
  async restore(
    runId: string,
    snapshot: TrainerSnapshot,
    stream?: Partial<StreamOptions>,
  ): Promise<WorkerEventOf<'created'>> {
    return answer(
      // The kind follows the snapshot's settings: a toy's or Stacked MNIST's.
      await this.request({
        type: 'restore',
        runId,
        kind: runSpec(snapshot.config).kind,
        snapshot,
        stream,
      }),
      'created',
    );
  }

  /** Destroys the WebGPU device; watch for `device-lost` and `backend-changed` events. */
  async debugLoseDevice(): Promise<void> {
    await this.request({ type: 'debug-lose-device' });
  }

  async debugStats(): Promise<WorkerEventOf<'stats'>> {
    return answer(await this.request({ type: 'debug-stats' }), 'stats');
  }

  async debugGradientCheck(
    suite: 'toy' | 'conv' | 'fused' = 'toy',
  ): Promise<WorkerEventOf<'gradcheck'>> {
    return answer(await this.request({ type: 'debug-gradcheck', suite }), 'gradcheck');
  }

  /** The fused GPU step against the op path on `config` (see DebugFusedCheckCommand). */
  async debugFusedCheck(config: GanConfig, at: number[]): Promise<WorkerEventOf<'fused-check'>> {
    return answer(await this.request({ type: 'debug-fused-check', config, at }), 'fused-check');
  }

  /** Kernels of one iteration of the run, or of the naive baseline on its config. */
  async debugProfile(runId: string, naive = false): Promise<WorkerEventOf<'profile'>> {
    return answer(await this.request({ type: 'debug-profile', runId, naive }), 'profile');
  }

  /** True once the client has given up on its worker (terminate, or a crash loop). */
  get stopped(): boolean {
    return this.terminated;
  }

  /**
   * The last snapshot the worker streamed for a run (null before the first). Kept on the main
   * thread, so it outlives the worker: after a crash loop it is what can still be saved.
   */
  lastSnapshot(runId: string): TrainerSnapshot | null {
    return this.journal.lastSnapshot(runId);
  }

  /**
   * Kills the worker without telling anyone, as the browser would when it runs out of memory:
   * the crash detection has to notice. For e2e tests.
   */
  debugKillWorker(): void {
    this.worker.terminate();
  }

  terminate(): void {
    this.stop('the training worker was terminated');
    this.emit({ type: 'error', message: 'the training worker was terminated' });
  }

  /** Ends the worker for good; pending requests fail with `message` (and so do later ones). */
  private stop(message: string): void {
    this.terminated = true;
    this.watchdog.stop();
    this.worker.terminate();
    this.requests.failAll(message);
  }

  // -------------------------------------------------------------------------------------------
  // Crash recovery

  /** A new worker, every run restored from its last snapshot; then `worker-restarted`. */
  private recover(reason: string): Promise<void> {
    if (this.recovery) return this.recovery;
    const restart = this.options.restart!;
    if (!this.restarts.take()) {
      this.stop('the training worker was terminated after repeated crashes');
      // Each run says what it is now (stopped, not training) and what is left of it: the last
      // snapshot, which the client keeps (lastSnapshot) so the run can still be saved. Without
      // runs, the worker-level error says it.
      const runs = this.journal.entries();
      if (runs.length === 0)
        this.emit({
          type: 'error',
          message: `the training worker keeps crashing (${reason}); reload the page to try again`,
        });
      for (const [runId, run] of runs) {
        run.playing = false;
        this.emit({ type: 'phase', runId, phase: 'paused' });
        this.emit({ type: 'error', runId, message: stoppedNotice(reason, run.snapshot) });
      }
      return Promise.resolve();
    }
    const run = async () => {
      try {
        this.worker.terminate();
      } catch {
        // already gone
      }
      this.requests.failAll(`the training worker crashed (${reason}); restarting it`);
      this.ready = false;
      const worker = restart();
      this.worker = worker;
      this.watchdog.restart();
      this.attach(worker);
      await this.send({ type: 'init', preferredBackend: this.preferredBackend });
      const runs = await restoreRuns(
        this.journal.entries(),
        (body) => this.send(body),
        (event) => this.emit(event),
      );
      this.emit({ type: 'worker-restarted', reason, runs });
    };
    this.recovery = run()
      .catch((error: unknown) => {
        this.emit({
          type: 'error',
          message: `could not restart the training worker: ${errorMessage(error)}`,
        });
      })
      .finally(() => {
        this.recovery = null;
      });
    return this.recovery;
  }

  private receive(event: WorkerEvent): void {
    if (this.watchdog.isPingAnswer(event.requestId)) return; // a heartbeat answer: nobody's news
    if (event.type === 'ready') {
      this.ready = true;
      // A replacement worker starts on the backend this one ended up on.
      this.preferredBackend = event.backend;
    }
    this.journal.observe(event);
    if (this.requests.settle(event)) return; // an acknowledgement: the command's promise settles
    this.emit(event);
    // The backend died inside a live worker (wasm `Aborted()`): nothing it computes can be
    // trusted, so it is replaced like a crashed one.
    if (event.type === 'error' && event.fatal && this.options.restart && this.ready) {
      void this.recover(event.message);
    }
  }

  private emit(event: WorkerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private failAll(message: string): void {
    this.requests.failAll(message);
    this.emit({ type: 'error', message });
  }
}

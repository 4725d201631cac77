/**
 * Main-thread side of the training worker: starts it, checks what it sends back, and wraps the
 * protocol in a small typed API. Commands return promises that settle when the worker
 * acknowledges them (or reports an error for them); streaming events go to subscribers.
 *
 * Crash recovery: a worker can die without a word (killed for memory, a crashed GPU process
 * taking it along, a bug). The client pings it every second; when a ping goes unanswered for
 * HEARTBEAT_TIMEOUT_MS (COMPILE_TIMEOUT_MS while kernels compile, which can block a worker for
 * seconds; longer still while it trains a run whose single iteration is slow: `silenceAllowance`),
 * or the worker reports a fatal error (a worker-level exception, or a backend that can no longer
 * compute: `fatal` error events), it starts a new worker, restores every run from
 * the last snapshot the worker streamed (`streamSnapshots`) with its latest settings and stream
 * options, resumes the runs that were playing, and emits `worker-restarted`.
 */
import { errorMessage } from '../errors';
import {
  isWorkerEvent,
  type AutoBackendRequest,
  type BackendName,
  type AnyGanConfig,
  type GanConfig,
  type RunSpec,
  type StepPart,
  type StreamOptions,
  type TrainerSnapshot,
  type ViewBounds,
  type WorkerCommand,
  type WorkerCommandBody,
  type WorkerEvent,
  type WorkerEventOf,
  type WorkerEventType,
} from '../protocol';

/** The part of a Worker the client uses (a fake one in unit tests). */
export interface WorkerEndpoint {
  postMessage(message: WorkerCommand): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<unknown>) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate(): void;
}

export type EventListener = (event: WorkerEvent) => void;

interface Pending {
  /** The command's type (some may block the worker for a while: SLOW_COMMANDS). */
  type: WorkerCommandBody['type'];
  resolve(events: WorkerEvent[]): void;
  reject(error: Error): void;
  events: WorkerEvent[];
}

export interface ClientOptions {
  /** Starts a replacement worker after a crash; without it a crash is only reported. */
  restart?: () => WorkerEndpoint;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  compileTimeoutMs?: number;
  /** Restarts allowed within RESTART_WINDOW_MS before the client gives up (a crash loop). */
  maxRestarts?: number;
}

const HEARTBEAT_MS = 1000;
const HEARTBEAT_TIMEOUT_MS = 10_000;
const COMPILE_TIMEOUT_MS = 60_000;
/** Commands that build models or run many new kernels, which compile first. */
const SLOW_COMMANDS = new Set<WorkerCommandBody['type']>([
  'create',
  'configure',
  'restore',
  'reset',
  'step',
  'interpolate',
  'debug-gradcheck',
  'debug-profile',
  'debug-fused-check',
]);
const RESTART_WINDOW_MS = 5 * 60_000;
/** A training worker may be silent for this many of its slowest run's iterations. */
const STEP_ALLOWANCE = 3;

/**
 * How long the worker may leave a ping unanswered before it is taken for dead. A worker computes
 * an iteration in one go, so it cannot answer while one runs: on the pure-JS cpu backend a
 * Stacked MNIST iteration takes tens of seconds. While a run plays, the allowance is therefore
 * STEP_ALLOWANCE × its measured iteration time on top of the base; compiling kernels or a command
 * that builds a model gets the compile allowance.
 */
export function silenceAllowance(opts: {
  baseMs: number;
  compileMs: number;
  compiling: boolean;
  busy: boolean;
  /** Wall time per iteration of each playing run (null: not measured yet). */
  playingStepMs: (number | null)[];
}): number {
  const slowestStep = Math.max(0, ...opts.playingStepMs.map((ms) => ms ?? 0));
  const base = opts.compiling || opts.busy ? opts.compileMs : opts.baseMs;
  return base + STEP_ALLOWANCE * slowestStep;
}

/** What the client knows about a run, to recreate it in a new worker. */
interface RunRecord {
  config: AnyGanConfig;
  stream: Partial<StreamOptions>;
  snapshot: TrainerSnapshot | null;
  iteration: number;
  playing: boolean;
  compiling: boolean;
  /**
   * Wall time per iteration while playing, from the metrics events (first estimate: the compile
   * phase, which is the first iteration); null until known.
   */
  stepMs: number | null;
  /** When the iteration count last went up, and to what (for `stepMs`). */
  lastAdvance: { at: number; iteration: number } | null;
}

export class TrainingClient {
  private readonly listeners = new Set<EventListener>();
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  private terminated = false;
  private worker: WorkerEndpoint;
  private readonly runs = new Map<string, RunRecord>();
  private preferredBackend: BackendName | undefined;
  /** The worker has answered `init` (crash detection starts then). */
  private ready = false;
  private lastHeard = 0;
  private ping: { id: number; sentAt: number } | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  /** Set while a new worker is being brought up; other requests wait for it. */
  private recovery: Promise<void> | null = null;
  private restarts: number[] = [];

  constructor(
    worker: WorkerEndpoint,
    private readonly options: ClientOptions = {},
  ) {
    this.worker = worker;
    this.attach(worker);
    if (options.restart) {
      this.heartbeat = setInterval(
        () => this.checkHeartbeat(),
        options.heartbeatMs ?? HEARTBEAT_MS,
      );
    }
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
      this.lastHeard = now();
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
        this.checkHeartbeat();
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
    this.track(body);
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { type: body.type, resolve, reject, events: [] });
      this.worker.postMessage({ ...body, requestId } as WorkerCommand);
    });
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
    return this.runs.get(runId)?.snapshot ?? null;
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
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.worker.terminate();
    this.failPending(message);
  }

  // -------------------------------------------------------------------------------------------
  // Crash detection and recovery

  /** What the client must remember of a command to replay it in a new worker. */
  private track(body: WorkerCommandBody): void {
    switch (body.type) {
      case 'init':
        if (!this.ready) this.preferredBackend = body.preferredBackend;
        return;
      case 'create':
      case 'restore': {
        const config = body.type === 'create' ? body.config : (body.config ?? body.snapshot.config);
        const snapshot = body.type === 'restore' ? body.snapshot : null;
        this.runs.set(body.runId, {
          config,
          stream: { ...body.stream },
          snapshot,
          iteration: snapshot?.iteration ?? 0,
          playing: false,
          compiling: false,
          stepMs: null,
          lastAdvance: null,
        });
        return;
      }
      case 'configure': {
        const run = this.runs.get(body.runId);
        if (run) run.config = body.config;
        return;
      }
      case 'set-stream': {
        const run = this.runs.get(body.runId);
        if (run) run.stream = { ...run.stream, ...body.stream };
        return;
      }
      case 'dispose':
        this.runs.delete(body.runId);
        return;
      default:
        return;
    }
  }

  private observe(event: WorkerEvent): void {
    if (event.type === 'ready') {
      this.ready = true;
      // A replacement worker starts on the backend this one ended up on.
      this.preferredBackend = event.backend;
    }
    const run = 'runId' in event && event.runId ? this.runs.get(event.runId) : undefined;
    if (!run) return;
    switch (event.type) {
      case 'created':
        run.config = event.config;
        run.stream = { ...event.stream };
        return;
      case 'rebuilt':
        run.snapshot = null;
        run.iteration = 0;
        return;
      case 'snapshot':
        run.snapshot = event.snapshot;
        return;
      case 'metrics': {
        const t = now();
        const last = run.lastAdvance;
        if (run.playing && last && event.iteration > last.iteration) {
          run.stepMs = (t - last.at) / (event.iteration - last.iteration);
        }
        if (!last || event.iteration !== last.iteration) {
          run.lastAdvance = { at: t, iteration: event.iteration };
        }
        run.iteration = event.iteration;
        return;
      }
      case 'phase':
        run.playing = event.phase !== 'paused';
        run.compiling = event.phase === 'compiling';
        if (event.phase === 'training' && event.compileMs !== undefined) {
          run.stepMs = Math.max(run.stepMs ?? 0, event.compileMs);
        }
        // Measure from now: the time spent paused is not an iteration's.
        run.lastAdvance = run.playing ? { at: now(), iteration: run.iteration } : null;
        return;
      default:
        return;
    }
  }

  private checkHeartbeat(): void {
    if (this.terminated || this.recovery || !this.ready || !this.options.restart) return;
    const t = now();
    if (this.ping !== null) {
      if (this.lastHeard >= this.ping.sentAt) {
        this.ping = null;
      } else {
        // Compiling kernels blocks a worker for seconds (WebGL compiles shaders synchronously),
        // and so can a command we are waiting for (a new model's first pass, a gradient check):
        // give both the compile allowance rather than mistake them for a crash.
        const runs = [...this.runs.values()];
        const limit = silenceAllowance({
          baseMs: this.options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS,
          compileMs: this.options.compileTimeoutMs ?? COMPILE_TIMEOUT_MS,
          compiling: runs.some((r) => r.compiling),
          busy: [...this.pending.values()].some((p) => SLOW_COMMANDS.has(p.type)),
          playingStepMs: runs.filter((r) => r.playing).map((r) => r.stepMs),
        });
        if (t - this.ping.sentAt > limit) {
          void this.recover(`no answer for ${((t - this.ping.sentAt) / 1000).toFixed(1)} s`);
        }
        return;
      }
    }
    const id = this.nextRequestId++;
    this.ping = { id, sentAt: t };
    this.worker.postMessage({ type: 'ping', requestId: id });
  }

  /** A new worker, every run restored from its last snapshot; then `worker-restarted`. */
  private recover(reason: string): Promise<void> {
    if (this.recovery) return this.recovery;
    const restart = this.options.restart!;
    const t = now();
    this.restarts = this.restarts.filter((at) => t - at < RESTART_WINDOW_MS);
    if (this.restarts.length >= (this.options.maxRestarts ?? 3)) {
      this.stop('the training worker was terminated after repeated crashes');
      // Each run says what it is now (stopped, not training) and what is left of it: the last
      // snapshot, which the client keeps (lastSnapshot) so the run can still be saved. Without
      // runs, the worker-level error says it.
      if (this.runs.size === 0)
        this.emit({
          type: 'error',
          message: `the training worker keeps crashing (${reason}); reload the page to try again`,
        });
      for (const [runId, run] of this.runs) {
        run.playing = false;
        this.emit({ type: 'phase', runId, phase: 'paused' });
        this.emit({ type: 'error', runId, message: stoppedNotice(reason, run.snapshot) });
      }
      return Promise.resolve();
    }
    this.restarts.push(t);
    const run = async () => {
      try {
        this.worker.terminate();
      } catch {
        // already gone
      }
      this.failPending(`the training worker crashed (${reason}); restarting it`);
      this.ping = null;
      this.ready = false;
      const worker = restart();
      this.worker = worker;
      this.lastHeard = now();
      this.attach(worker);
      await this.send({ type: 'init', preferredBackend: this.preferredBackend });
      const restored: WorkerEventOf<'worker-restarted'>['runs'] = [];
      for (const [runId, record] of [...this.runs]) {
        const { snapshot, stream, config, playing, iteration } = record;
        let from: 'snapshot' | 'scratch' = 'scratch';
        if (snapshot) {
          try {
            await this.send({
              type: 'restore',
              runId,
              kind: runSpec(config).kind,
              snapshot,
              config,
              stream,
            });
            from = 'snapshot';
          } catch {
            // e.g. the settings changed architecture after the snapshot: start from scratch
          }
        }
        try {
          if (from === 'scratch')
            await this.send({ type: 'create', runId, stream, ...runSpec(config) });
          const start = from === 'snapshot' ? snapshot!.iteration : 0;
          restored.push({
            runId,
            iteration: start,
            lostIterations: Math.max(0, iteration - start),
            restoredFrom: from,
          });
          if (playing) await this.send({ type: 'play', runId });
        } catch (error) {
          this.emit({
            type: 'error',
            runId,
            message: `could not restore the run after a worker crash: ${errorMessage(error)}`,
          });
        }
      }
      this.emit({ type: 'worker-restarted', reason, runs: restored });
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
    const id = event.requestId;
    if (this.ping !== null && id === this.ping.id) return; // a heartbeat answer: nobody's news
    this.observe(event);
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (pending && id !== undefined) {
      if (event.type === 'ack') {
        this.pending.delete(id);
        pending.resolve(pending.events);
        return;
      }
      if (event.type === 'error') {
        this.pending.delete(id);
        pending.reject(new Error(event.message));
        // Also shown to listeners: an error is news even when a promise handles it.
      } else {
        pending.events.push(event);
      }
    }
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
    this.failPending(message);
    this.emit({ type: 'error', message });
  }

  private failPending(message: string): void {
    for (const pending of this.pending.values()) pending.reject(new Error(message));
    this.pending.clear();
  }
}

const now = () => performance.now();

function stoppedNotice(reason: string, snapshot: TrainerSnapshot | null): string {
  const kept = snapshot
    ? ` Its last snapshot, at step ${snapshot.iteration}, can still be saved (Saved runs → Save current run) and exported from there.`
    : '';
  return `Training stopped: the training worker keeps crashing (${reason}).${kept} Reload the page to train again.`;
}

function answer<T extends WorkerEventType>(events: WorkerEvent[], type: T): WorkerEventOf<T> {
  const found = events.find((e): e is WorkerEventOf<T> => e.type === type);
  if (!found) throw new Error(`the worker acknowledged without a ${type} event`);
  return found;
}

/** `kind` from the config's dataset (the protocol requires them to agree). */
function runSpec(config: AnyGanConfig): RunSpec {
  return config.dataset === 'stacked-mnist'
    ? { kind: 'image', config: config as Extract<RunSpec, { kind: 'image' }>['config'] }
    : { kind: 'toy', config: config as Extract<RunSpec, { kind: 'toy' }>['config'] };
}

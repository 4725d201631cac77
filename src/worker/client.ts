/**
 * Main-thread side of the training worker: starts it, checks what it sends back, and wraps the
 * protocol in a small typed API. Commands return promises that settle when the worker
 * acknowledges them (or reports an error for them); streaming events go to subscribers.
 */
import {
  isWorkerEvent,
  type BackendName,
  type GanConfig,
  type StepPart,
  type StreamOptions,
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
  resolve(events: WorkerEvent[]): void;
  reject(error: Error): void;
  events: WorkerEvent[];
}

export class TrainingClient {
  private readonly listeners = new Set<EventListener>();
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  private terminated = false;

  constructor(private readonly worker: WorkerEndpoint) {
    worker.addEventListener('message', (e) => {
      if (isWorkerEvent(e.data)) {
        this.receive(e.data);
      } else {
        this.emit({ type: 'error', message: 'the training worker sent a malformed message' });
      }
    });
    worker.addEventListener('error', (e) => {
      // Fired when the worker script fails to load or throws at top level.
      e.preventDefault();
      this.failAll(`training worker failed: ${e.message || 'unknown error'}`);
    });
  }

  /** Starts the module worker. */
  static start(): TrainingClient {
    const worker = new Worker(new URL('./training.worker.ts', import.meta.url), {
      type: 'module',
      name: 'training',
    });
    return new TrainingClient(worker);
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
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject, events: [] });
      this.worker.postMessage({ ...body, requestId } as WorkerCommand);
    });
  }

  /** Picks the backend; resolves with the `ready` event (backend, reasons, default settings). */
  async init(preferredBackend?: BackendName): Promise<WorkerEventOf<'ready'>> {
    return answer(await this.request({ type: 'init', preferredBackend }), 'ready');
  }

  async create(
    runId: string,
    config: GanConfig,
    stream?: Partial<StreamOptions>,
  ): Promise<WorkerEventOf<'created'>> {
    return answer(
      await this.request({ type: 'create', runId, kind: 'toy', config, stream }),
      'created',
    );
  }

  /** Resolves with true when the change needed new models (the run restarted at iteration 0). */
  async configure(runId: string, config: GanConfig): Promise<boolean> {
    const events = await this.request({ type: 'configure', runId, kind: 'toy', config });
    return events.some((e) => e.type === 'rebuilt');
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

  /** Destroys the WebGPU device; watch for `device-lost` and `backend-changed` events. */
  async debugLoseDevice(): Promise<void> {
    await this.request({ type: 'debug-lose-device' });
  }

  async debugStats(): Promise<WorkerEventOf<'stats'>> {
    return answer(await this.request({ type: 'debug-stats' }), 'stats');
  }

  async debugGradientCheck(): Promise<WorkerEventOf<'gradcheck'>> {
    return answer(await this.request({ type: 'debug-gradcheck' }), 'gradcheck');
  }

  /** Kernels of one iteration of the run, or of the naive baseline on its config. */
  async debugProfile(runId: string, naive = false): Promise<WorkerEventOf<'profile'>> {
    return answer(await this.request({ type: 'debug-profile', runId, naive }), 'profile');
  }

  terminate(): void {
    this.terminated = true;
    this.worker.terminate();
    this.failAll('the training worker was terminated');
  }

  private receive(event: WorkerEvent): void {
    const id = event.requestId;
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
  }

  private emit(event: WorkerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private failAll(message: string): void {
    for (const pending of this.pending.values()) pending.reject(new Error(message));
    this.pending.clear();
    this.emit({ type: 'error', message });
  }
}

function answer<T extends WorkerEventType>(events: WorkerEvent[], type: T): WorkerEventOf<T> {
  const found = events.find((e): e is WorkerEventOf<T> => e.type === type);
  if (!found) throw new Error(`the worker acknowledged without a ${type} event`);
  return found;
}

/**
 * What the stores ask of the training worker (store/session.ts, store/compare.ts): the methods
 * of TrainingClient they call, so that a store takes any implementation and its tests a fake
 * without a worker. Answers no store reads are typed `unknown`.
 */
import type {
  AnyGanConfig,
  StepPart,
  StreamOptions,
  TrainerSnapshot,
  WorkerEvent,
} from '../../protocol';

export interface TrainingPort {
  /** Every event, in order; returns an unsubscribe function. */
  subscribe(listener: (event: WorkerEvent) => void): () => void;
  create(runId: string, config: AnyGanConfig, stream?: Partial<StreamOptions>): Promise<unknown>;
  /** Creates a run in the state of a snapshot (paused). */
  restore(
    runId: string,
    snapshot: TrainerSnapshot,
    stream?: Partial<StreamOptions>,
  ): Promise<unknown>;
  /** True when the change needed new models (the run restarted at iteration 0). */
  configure(runId: string, config: AnyGanConfig): Promise<boolean>;
  setStream(runId: string, stream: Partial<StreamOptions>): Promise<void>;
  play(runId: string): Promise<void>;
  /** Resolves once the run is at rest. */
  pause(runId: string): Promise<void>;
  step(runId: string, n?: number, part?: StepPart): Promise<void>;
  reset(runId: string): Promise<void>;
  /** An `interpolation` event for an image run's grid answers it. */
  interpolate(
    runId: string,
    from: number,
    to: number,
    steps: number,
    mode: 'lerp' | 'slerp',
  ): Promise<unknown>;
  dispose(runId: string): Promise<void>;
  /** The run's state now, once pending work is read. */
  snapshot(runId: string): Promise<TrainerSnapshot>;
  /** The last snapshot the worker streamed (kept after the worker is gone); null before one. */
  lastSnapshot(runId: string): TrainerSnapshot | null;
  /** True once the worker is gone for good (terminated, or a crash loop). */
  readonly stopped: boolean;
}

/**
 * What the client knows about each run, from the commands it sent and the events it got back, to
 * recreate the run in a new worker after a crash: its latest settings and stream options, the
 * last snapshot the worker streamed, whether it was playing, and how long its iterations take
 * (a slow iteration keeps the worker silent: heartbeat.ts).
 */
import type {
  AnyGanConfig,
  StreamOptions,
  TrainerSnapshot,
  WorkerCommandBody,
  WorkerEvent,
} from '../../protocol';

export interface RunRecord {
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

export class RunJournal {
  private readonly runs = new Map<string, RunRecord>();

  /** Notes what a command sent to the worker changes about a run. */
  track(body: WorkerCommandBody): void {
    switch (body.type) {
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

  /** Notes what an event from the worker says about a run. */
  observe(event: WorkerEvent): void {
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
        const t = performance.now();
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
        run.lastAdvance = run.playing ? { at: performance.now(), iteration: run.iteration } : null;
        return;
      default:
        return;
    }
  }

  lastSnapshot(runId: string): TrainerSnapshot | null {
    return this.runs.get(runId)?.snapshot ?? null;
  }

  /** The runs, in creation order (a copy: replaying them in a new worker re-records them). */
  entries(): [string, RunRecord][] {
    return [...this.runs];
  }

  /** What the heartbeat needs to know of the runs to tell a busy worker from a dead one. */
  activity(): { compiling: boolean; playingStepMs: (number | null)[] } {
    const runs = [...this.runs.values()];
    return {
      compiling: runs.some((r) => r.compiling),
      playingStepMs: runs.filter((r) => r.playing).map((r) => r.stepMs),
    };
  }
}

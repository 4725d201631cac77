/**
 * When the worker waits for the device and when it talks to the UI. Owns the readback count,
 * the reads of the trainer's pending losses, the sync points (where the CPU waited for the GPU,
 * which also measure the device's time per iteration), the back-pressure that keeps at most
 * ~100 ms of work queued on a GPU, and the pacing of `metrics` events. These decisions set both
 * the speed (every readback stalls the pipeline) and the responsiveness (how far training runs
 * ahead of the UI, how soon a pause takes effect), so they live together and apart from what a
 * step computes.
 *
 * Readbacks: every GPU→CPU transfer is an `await …data()` counted in `readbacks`; the trainer's
 * losses are read every `readbackEvery` iterations (which also bounds how far the CPU can queue
 * work ahead of the GPU), and the views that fire together share one readback.
 */
import type { BackendName } from '../protocol';
import { trainerOf, type Run, type RunContext } from './run';

/** At most one metrics event per run this often… */
const METRICS_INTERVAL_MS = 50;
/** …and at least one this often while training, even without new rows. */
const PROGRESS_INTERVAL_MS = 500;
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

/** GPU backends run asynchronously: the CPU can queue steps ahead of the device. */
export function queuesWork(backend: BackendName | null): boolean {
  return backend === 'webgpu' || backend === 'webgl';
}

/**
 * Which readback, if any, falls due right after the step that reached `iteration`: 'losses'
 * reads the pending diagnostics rows (every `readbackEvery` iterations), 'weight' waits for a
 * weight the step wrote (back-pressure on a GPU backend when the device is `syncEvery`
 * iterations behind), null lets the CPU run ahead.
 */
export function readbackDue(
  iteration: number,
  readbackEvery: number,
  asynchronous: boolean,
  lastSync: number,
  syncEvery: number,
): 'losses' | 'weight' | null {
  if (iteration % readbackEvery === 0) return 'losses';
  if (asynchronous && iteration - lastSync >= syncEvery) return 'weight';
  return null;
}

export class Pacer {
  /** GPU→CPU readbacks since start. */
  readbacks = 0;

  constructor(
    private readonly context: Omit<RunContext, 'countReadback'> & {
      backend(): BackendName | null;
    },
  ) {}

  countReadback(run: Run, count = 1): void {
    this.readbacks += count;
    run.readbacks += count;
  }

  /**
   * The readbacks that fall due after one step of a playing or stepped run: on a fresh
   * trainer the wait for its first kernels (ending the 'compiling' phase), then the loss rows or
   * the back-pressure wait; and a progress `metrics` event while playing.
   */
  async afterStep(run: Run, manual: boolean): Promise<void> {
    const trainer = trainerOf(run);
    const it = trainer.iteration;
    if (!run.warm) {
      // The first steps on a fresh trainer/backend compile shaders: wait for them. (Without a
      // diagnostics row to read, read a weight the step wrote.)
      if ((await this.flush(run)) === 0) {
        await this.context.guard(trainer.lastWritten().data());
        this.countReadback(run);
      }
      run.warm = true;
      if (!manual && run.playing) {
        this.context.setPhase(run, 'training', this.context.now() - run.playStartedAt);
      }
    } else {
      const due = readbackDue(
        it,
        run.stream.readbackEvery,
        this.queuesWork(),
        run.sync?.iteration ?? 0,
        this.syncEvery(run),
      );
      if (due === 'losses') {
        await this.flush(run);
      } else if (due === 'weight') {
        // Back-pressure without a loss row to read: wait for a weight this step wrote.
        await this.context.guard(trainer.lastWritten().data());
        this.countReadback(run);
      }
    }
    if (!manual && this.context.now() - run.lastMetricsAt >= PROGRESS_INTERVAL_MS) {
      this.postMetrics(run);
    }
  }

  /**
   * After everything a step triggered: any completed readback means the device has finished
   * everything queued so far (a sync point); on CPU backends every step is finished when it
   * returns.
   */
  endStep(run: Run, iteration: number, readbacksBefore: number): void {
    if (run.readbacks !== readbacksBefore) run.syncPoints++;
    if (run.readbacks !== readbacksBefore || !this.queuesWork()) this.markSync(run, iteration);
  }

  private queuesWork(): boolean {
    return queuesWork(this.context.backend());
  }

  private syncEvery(run: Run): number {
    return syncInterval(run.sync?.msPerStep ?? null, run.stream.readbackEvery);
  }

  /** Records that the device has caught up with `iteration`, and its time per iteration. */
  private markSync(run: Run, iteration: number): void {
    const now = this.context.now();
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
  async flush(run: Run): Promise<number> {
    const trainer = trainerOf(run);
    const rows = await this.context.guard(trainer.flushLogs());
    if (rows.length > 0) this.countReadback(run);
    run.pendingRows.push(...rows);
    const now = this.context.now();
    if (now - run.lastMetricsAt >= METRICS_INTERVAL_MS) this.postMetrics(run);
    return rows.length;
  }

  postMetrics(run: Run): void {
    this.context.post({
      type: 'metrics',
      runId: run.id,
      rows: run.pendingRows,
      iteration: run.trainer?.iteration ?? 0,
      stepsPerSecond: run.playing ? run.rate.rate() : 0,
    });
    run.pendingRows = [];
    run.lastMetricsAt = this.context.now();
  }
}

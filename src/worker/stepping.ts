/**
 * Training a run, one iteration at a time: the step itself and everything that falls due with
 * it on the stream's schedule (the readbacks pacing.ts asks for, views, evaluations, snapshots),
 * manual steps (D-only, G-only), and bringing a run to rest (settle) with its losses reported
 * and a CPU snapshot taken, which is what device-loss recovery and saved runs continue from.
 * The manager decides which run steps when (its pump and round-robin slices); this decides what
 * a step involves.
 */
import { takeSnapshot } from '../engine/core/snapshot';
import { DivergenceError } from '../engine/core/trainer';
import { errorMessage } from '../errors';
import { isFatalBackendError } from './deviceLoss';
import type { RunKindDriver } from './drivers/driver';
import { evalSamplesAt } from './evalSchedule';
import type { Pacer } from './pacing';
import { CommandError, RESET_HINT, trainerOf, type Run, type RunContext } from './run';

/** What stepping needs from the manager. */
export interface SteppingHost extends RunContext {
  readonly pacing: Pacer;
  driverOf(run: Run): RunKindDriver;
  /** Applies the fused-step choice and checks the kernels (fusedChoice.ts). */
  prepareFused(run: Run): Promise<void>;
  /** The backend is dead (deviceLoss.ts isFatalBackendError): every run stops. */
  failWorker(error: unknown, runId: string): void;
}

export class RunStepper {
  constructor(private readonly host: SteppingHost) {}

  /** One iteration of `run` plus whatever periodic readbacks and views fall due. */
  async advance(run: Run, manual: boolean): Promise<void> {
    const { host } = this;
    const trainer = trainerOf(run);
    const s = run.stream;
    const readbacksBefore = run.readbacks;
    await host.prepareFused(run);
    trainer.step();
    run.dirty = true;
    const it = trainer.iteration;
    await host.pacing.afterStep(run, manual);
    const samples = s.samplesEvery > 0 && it % s.samplesEvery === 0;
    const heatmap = s.heatmapEvery > 0 && it % s.heatmapEvery === 0;
    const driver = host.driverOf(run);
    if (samples || heatmap) await driver.sendViews(run, { samples, heatmap: heatmap ? {} : null });
    const evalSamples = evalSamplesAt(it, s);
    if (evalSamples > 0) await driver.evaluate(run, evalSamples);
    if (s.snapshotEvery > 0 && it % s.snapshotEvery === 0) await this.snapshot(run);
    host.pacing.endStep(run, it, readbacksBefore);
  }

  /** Stops the run and reports why: a divergence (it cannot play until reset) or an error. */
  failRun(run: Run, error: unknown): void {
    run.playing = false;
    if (isFatalBackendError(error)) return this.host.failWorker(error, run.id);
    if (error instanceof DivergenceError) {
      run.diverged = error.message;
      this.host.post({
        type: 'diverged',
        runId: run.id,
        step: error.step,
        field: error.field,
        message: error.message,
      });
    } else {
      this.host.post({ type: 'error', runId: run.id, message: errorMessage(error) });
    }
    this.host.setPhase(run, 'paused');
  }

  /** Exactly n iterations (or n D-only / G-only updates), then fresh metrics and views. */
  async manualSteps(run: Run, n: number, part: 'both' | 'discriminator' | 'generator') {
    if (run.diverged !== null) throw new CommandError(`${run.diverged} ${RESET_HINT}`);
    const trainer = trainerOf(run);
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
    await this.sendAllViews(run);
    this.host.setPhase(run, 'paused');
  }

  /** The samples, and the heatmap when the stream shows one (after a build or manual steps). */
  sendAllViews(run: Run): Promise<void> {
    const heatmap = run.stream.heatmapEvery > 0 ? {} : null;
    return this.host.driverOf(run).sendViews(run, { samples: true, heatmap });
  }

  /** Reads pending losses, reports them, and snapshots: the run is at rest afterwards. */
  async settle(run: Run): Promise<void> {
    const trainer = run.trainer;
    if (!trainer) return;
    try {
      await this.host.pacing.flush(run);
    } catch (error) {
      if (error instanceof DivergenceError) {
        this.failRun(run, error);
        return;
      }
      throw error;
    }
    this.host.pacing.postMetrics(run);
    // The snapshot's readback also waits for all queued work: the run is warm afterwards.
    if (run.dirty || !run.snapshot) await this.snapshot(run);
    run.warm = true;
  }

  async snapshot(run: Run): Promise<void> {
    run.snapshot = await this.host.guard(takeSnapshot(trainerOf(run)));
    run.dirty = false;
    this.host.countReadback(run);
    if (run.stream.streamSnapshots) this.postSnapshot(run);
  }

  /** Sends a copy of the run's last snapshot (the worker keeps its own for device loss). */
  postSnapshot(run: Run, requestId?: number): void {
    const snapshot = run.snapshot;
    if (!snapshot) return;
    const values = snapshot.values.slice();
    this.host.post(
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
}

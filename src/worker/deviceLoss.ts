/**
 * A lost GPU device, from the first sign to the runs training again. Owns the loss gate (a
 * promise that rejects when the device goes), the guard that races every readback with it (a
 * readback on a lost device may never settle), the judgement whether an error was the loss, and
 * the recovery: every run continues on the fallback backend from its last CPU snapshot.
 * Separate from the manager because it is one protocol of its own (device-lost →
 * backend-changed) with its own state, and the pump only needs to ask "lost?" and "recover".
 */
import { DivergenceError } from '../engine/core/trainer';
import type { AnyTrainer } from '../engine/core/snapshot';
import type { BackendChangedEvent, BackendName } from '../protocol';
import { type BackendSelection } from './backendSelection';
import { errorMessage } from '../errors';
import { CommandError, trainerOf, type Run, type RunContext } from './run';
import type { ViewRequest } from './drivers/driver';

export interface DeviceLossInfo {
  reason: string;
  message: string;
}

/** After an unexplained error on WebGPU, wait this long for device.lost before reporting it. */
const LOSS_GRACE_MS = 1500;

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

/** What recovery needs from the manager. */
export interface RecoveryHost extends RunContext {
  runs(): Run[];
  requireBackend(): BackendName;
  /** Disposes what the drivers keep on the lost backend (the digit classifier). */
  releaseBackendState(): void;
  /** After the device of `lost` is gone: drop that backend and initialise the next one. */
  fallBack(lost: BackendName): Promise<BackendSelection>;
  /** Makes `backend` the active one, adding `reasons` to the fallback reasons. */
  adoptBackend(backend: BackendName, reasons: string[]): void;
  /** The run's trainer on the new backend, from its last snapshot (or built afresh). */
  restoreTrainer(run: Run): AnyTrainer;
  postMetrics(run: Run): void;
  sendViews(run: Run, what: ViewRequest): Promise<void>;
}

export class DeviceLoss {
  /** Set from the moment the device is known lost until recovery has a new backend. */
  lost: DeviceLossInfo | null = null;
  private lossGate = createGate();

  /** The device of the active backend is gone (device.lost resolved); false if already known. */
  notify(info: DeviceLossInfo): boolean {
    if (this.lost) return false;
    this.lost = info;
    this.lossGate.open(new DeviceLostError(`GPU device lost: ${info.message}`));
    return true;
  }

  /** Races a readback with device loss, so a readback that never settles cannot hang us. */
  guard<T>(promise: Promise<T>): Promise<T> {
    promise.catch(() => undefined); // if the loss wins, a later rejection is expected
    return Promise.race([promise, this.lossGate.promise]);
  }

  /**
   * A lost device shows up first as exceptions from ops or a rejected readback; device.lost
   * may resolve a moment later. On WebGPU, give it that moment before calling it an error.
   */
  async isDeviceLoss(error: unknown, backend: BackendName | null): Promise<boolean> {
    if (this.lost || error instanceof DeviceLostError) return true;
    if (backend !== 'webgpu') return false;
    if (error instanceof CommandError || error instanceof DivergenceError) return false;
    await Promise.race([
      this.lossGate.promise.catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, LOSS_GRACE_MS)),
    ]);
    return this.lost !== null;
  }

  /** A new backend is active: the next loss is a new one. */
  private rearm(): void {
    this.lost = null;
    this.lossGate = createGate();
  }

  /**
   * Continues every run on the fallback backend from its last snapshot. The UI keeps the metric
   * history; the iterations since the snapshot are redone.
   */
  async recover(host: RecoveryHost): Promise<void> {
    const info = this.lost!;
    const previous = host.requireBackend();
    host.post({
      type: 'device-lost',
      backend: previous,
      reason: info.reason,
      message: info.message,
    });
    const states = host.runs().map((run) => {
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
    host.releaseBackendState();
    let selection: BackendSelection;
    try {
      selection = await host.fallBack(previous);
    } catch (error) {
      this.rearm();
      host.post({
        type: 'error',
        message: `no backend after the device loss: ${errorMessage(error)}`,
      });
      for (const { run } of states) host.setPhase(run, 'paused');
      return;
    }
    host.adoptBackend(selection.backend, [
      `${previous} device lost (${info.message})`,
      ...selection.fallbackReasons,
    ]);
    this.rearm();

    const restored: BackendChangedEvent['runs'] = [];
    for (const { run, lostAt } of states) {
      try {
        const trainer = host.restoreTrainer(run);
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
        host.post({ type: 'error', runId: run.id, message: errorMessage(error) });
      }
    }
    host.post({
      type: 'backend-changed',
      backend: selection.backend,
      previous,
      fallbackReasons: selection.fallbackReasons,
      runs: restored,
    });
    for (const { run, resume } of states) {
      if (!run.trainer) continue;
      host.postMetrics(run);
      try {
        await host.sendViews(run, { samples: true, heatmap: null });
      } catch (error) {
        if (this.lost) return;
        host.post({ type: 'error', runId: run.id, message: errorMessage(error) });
      }
      if (resume) {
        run.playing = true;
        run.playStartedAt = host.now();
        run.rate.mark(run.playStartedAt, trainerOf(run).iteration);
        host.setPhase(run, 'compiling');
      } else {
        host.setPhase(run, 'paused');
      }
    }
  }
}

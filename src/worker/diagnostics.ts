/**
 * The debug commands' work: kernel profiles of an ordinary iteration (and of the naive baseline,
 * so the browser bench can show what the engine saves), memory and readback statistics, the
 * second-order gradient checks (toy, conv, fused), the fused-vs-ops comparison, and losing the
 * GPU device on purpose. Nothing here runs in ordinary training: apart from the manager so the
 * run lifecycle reads without the instruments.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  checkConvPenaltyGradients,
  checkPenaltyGradients,
  CONV_PENALTY_CASES,
} from '../engine/core/gradientCheck';
import type { BackendName, ProfileEvent, WorkerCommand } from '../protocol';
import { errorMessage } from '../errors';
import type { RunKindDriver } from './drivers/driver';
import { checkFusedPenaltyGradients, compareFusedWithOps } from './fused/check';
import { isFusedBackend, type FusedBackend } from './fused/kernels';
import { stepPathOf } from './fusedChoice';
import { CommandError, RESET_HINT, trainerOf, type Run, type RunContext } from './run';

export type DebugCommand = Extract<
  WorkerCommand,
  {
    type:
      | 'debug-lose-device'
      | 'debug-stats'
      | 'debug-profile'
      | 'debug-gradcheck'
      | 'debug-fused-check';
  }
>;

/** What the debug commands need from the manager. */
export interface DiagnosticsHost extends RunContext {
  backend(): BackendName | null;
  requireBackend(): BackendName;
  getRun(runId: string): Run;
  runs(): Run[];
  /** GPU→CPU readbacks since start (pacing.ts). */
  readbacks(): number;
  driverOf(run: Run): RunKindDriver;
  /** Reads pending losses, reports them, and snapshots: the run is at rest afterwards. */
  settle(run: Run): Promise<void>;
  /** Applies the fused-step choice and checks the kernels (fusedChoice.ts). */
  prepareFused(run: Run): Promise<void>;
  /** A number no trainer built in this worker had (tfjs variable names must be unique). */
  nextTrainerNumber(): number;
  /** RuntimeHooks.loseDevice: destroys the GPU device; throws when the backend has none. */
  loseDevice(): void;
}

/**
 * The conv cases the browser self-test runs: between them every op of the image discriminators
 * (stride-1 conv, 1×1 conv, grouped 3×3, resampling, fade-in, minibatch stddev, the heads). All
 * ten run in Node; emulated GPUs are too slow for all ten in an e2e test.
 */
const BROWSER_CONV_CASES = CONV_PENALTY_CASES.filter((c) =>
  ['dcgan progressive 28×28 α 0.5 + mbstd', 'resnet rpgan + R1 + R2', 'resnet + mbstd'].includes(
    c.name,
  ),
);

/** Kernel counts of a tf.profile; names of nested scopes (customGrad wrappers) are not kernels. */
function profileSummary(profile: { kernels: { name: string }[] }) {
  const kernels = profile.kernels.filter((k) => /^[A-Z_]/.test(k.name));
  const kernelCounts: Record<string, number> = {};
  for (const k of kernels) kernelCounts[k.name] = (kernelCounts[k.name] ?? 0) + 1;
  return { kernels: kernels.length, kernelCounts, naive: false };
}

/** tf.memory()'s numeric fields beyond the counts, and the WASM heap's size on wasm. */
function backendMemory(memory: tf.MemoryInfo): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(memory)) {
    if (typeof value === 'number' && key !== 'numTensors' && key !== 'numBytes') out[key] = value;
  }
  if (tf.getBackend() === 'wasm') {
    // The emscripten module's heap (not in tfjs's typings): what the WASM backend really holds.
    const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
    if (wasm?.HEAPU8) out.wasmHeapBytes = wasm.HEAPU8.length;
  }
  return out;
}

export class Diagnostics {
  constructor(private readonly host: DiagnosticsHost) {}

  async handle(command: DebugCommand): Promise<void> {
    const { host } = this;
    const requestId = command.requestId;
    switch (command.type) {
      case 'debug-lose-device':
        host.requireBackend();
        try {
          host.loseDevice();
        } catch (error) {
          throw new CommandError(errorMessage(error));
        }
        return;
      case 'debug-stats': {
        const memory = tf.memory();
        host.post({
          type: 'stats',
          requestId,
          backend: host.backend(),
          numTensors: memory.numTensors,
          numBytes: memory.numBytes,
          backendMemory: backendMemory(memory),
          readbacks: host.readbacks(),
          runs: host.runs().map((run) => ({
            runId: run.id,
            iteration: run.trainer?.iteration ?? 0,
            phase: run.phase,
            readbacks: run.readbacks,
            syncPoints: run.syncPoints,
            ...stepPathOf(run.trainer),
          })),
        });
        return;
      }
      case 'debug-profile':
        return command.naive
          ? this.profileNaive(host.getRun(command.runId), requestId)
          : this.profile(host.getRun(command.runId), requestId);
      case 'debug-gradcheck':
        host.post({
          type: 'gradcheck',
          requestId,
          backend: host.backend(),
          results:
            command.suite === 'conv'
              ? await checkConvPenaltyGradients(BROWSER_CONV_CASES)
              : command.suite === 'fused'
                ? await this.fusedOnly(() => checkFusedPenaltyGradients())
                : await checkPenaltyGradients(),
        });
        return;
      case 'debug-fused-check': {
        const backend = host.requireBackend();
        const result = await this.fusedOnly((fused) =>
          compareFusedWithOps(
            command.config,
            command.at,
            fused,
            `fused-check${host.nextTrainerNumber()}/`,
          ),
        );
        host.post({ type: 'fused-check', requestId, backend, ...result });
        return;
      }
    }
  }

  /** Runs a fused-kernel self-test, which exists on webgpu and webgl only. */
  private fusedOnly<T>(test: (backend: FusedBackend) => Promise<T>): Promise<T> {
    const backend = this.host.requireBackend();
    if (!isFusedBackend(backend)) {
      throw new CommandError(`the fused step runs on webgpu and webgl, not on ${backend}`);
    }
    return test(backend);
  }

  private async profile(run: Run, requestId: number | undefined): Promise<void> {
    const { host } = this;
    const trainer = trainerOf(run);
    if (run.diverged !== null) throw new CommandError(`${run.diverged} ${RESET_HINT}`);
    run.playing = false;
    // Profile an ordinary iteration: logging ones (every logEvery-th) add the diagnostics.
    const logsNext = () =>
      trainer.iteration === 0 || (trainer.iteration + 1) % trainer.logEvery === 0;
    await host.prepareFused(run);
    if (logsNext() && trainer.logEvery > 1) trainer.step();
    await host.settle(run);
    const logging = logsNext();
    const start = host.now();
    const profile = await tf.profile(() => {
      trainer.step();
    });
    run.dirty = true;
    const wallMs = host.now() - start;
    await host.settle(run);
    host.setPhase(run, 'paused');
    this.postProfile(run, requestId, profile, wallMs, {
      logging,
      stepPath: stepPathOf(trainer).stepPath,
    });
  }

  /**
   * Kernels of one iteration of the naive baseline on the run's config (after a warm-up
   * iteration), so the browser bench can show what the engine saves on this backend.
   */
  private async profileNaive(run: Run, requestId: number | undefined): Promise<void> {
    const { host } = this;
    const naive = host.driverOf(run).naiveStep(run);
    try {
      naive.step();
      const start = host.now();
      const profile = await tf.profile(() => naive.step());
      this.postProfile(run, requestId, profile, host.now() - start, {
        logging: false,
        naive: true,
      });
    } finally {
      naive.dispose();
    }
  }

  /** Posts one profiled iteration's kernel counts, for the run's own step or the naive one. */
  private postProfile(
    run: Run,
    requestId: number | undefined,
    profile: { kernels: { name: string }[] },
    wallMs: number,
    extra: Pick<ProfileEvent, 'logging'> & Partial<Pick<ProfileEvent, 'naive' | 'stepPath'>>,
  ): void {
    this.host.post({
      ...profileSummary(profile),
      type: 'profile',
      requestId,
      runId: run.id,
      backend: this.host.backend(),
      wallMs,
      ...extra,
    });
  }
}

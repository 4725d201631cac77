/**
 * One toy workload's training step, timed on the active tfjs backend the same way by both step
 * benches: bench-gpu-node.ts (Node, webgpu through Dawn) and bench-step/page.ts (Chromium, webgl
 * and webgpu). No Node imports, so the page can use it; bench-gpu-node imports it only after
 * Dawn has installed `navigator.gpu`.
 *
 * The trainer (the op path, or the fused kernels, checked first) runs `warmSteps` steps (shader
 * compilation: `firstStepSeconds`), one profiled step (kernels per iteration), then steps for
 * `seconds`, draining the queue every 10 (its pending diagnostics rows and a weight read back, as
 * the app's periodic readbacks do).
 */
import * as tf from '@tensorflow/tfjs-core';

import type { GanConfig } from '../src/engine/core/config';
import { ToyGanTrainer } from '../src/engine/core/trainer';
import { FusedToyTrainer } from '../src/worker/fused/fusedTrainer';
import type { FusedBackend } from '../src/worker/fused/kernels';
import type { StepPath } from '../src/protocol';

export interface StepTiming {
  iterations: number;
  seconds: number;
  kernelsPerIteration: number;
  /** From the trainer's creation to the end of the warm-up steps (the kernel check included). */
  firstStepSeconds: number;
}

export async function timeToyStep(
  config: GanConfig,
  path: StepPath,
  backend: FusedBackend,
  o: { seconds: number; logEvery: number; warmSteps: number; prefix: string },
): Promise<StepTiming> {
  const trainer =
    path === 'fused'
      ? new FusedToyTrainer(config, o.logEvery, o.prefix, backend)
      : new ToyGanTrainer(config, o.logEvery, o.prefix);
  const drain = async () => {
    await trainer.flushLogs();
    await trainer.variables[0].data();
  };
  try {
    const created = performance.now();
    if (trainer instanceof FusedToyTrainer) {
      await trainer.checkKernels();
      if (trainer.stepPath !== 'fused') throw new Error(`no fused step: ${trainer.opsReason}`);
    }
    for (let i = 0; i < o.warmSteps; i++) trainer.step();
    await drain();
    const firstStepSeconds = (performance.now() - created) / 1000;
    const profile = await tf.profile(() => trainer.step());
    await drain();
    const start = performance.now();
    let iterations = 0;
    while (performance.now() - start < o.seconds * 1000) {
      trainer.step();
      if (++iterations % 10 === 0) await drain();
    }
    await drain();
    return {
      iterations,
      seconds: (performance.now() - start) / 1000,
      kernelsPerIteration: profile.kernels.length,
      firstStepSeconds,
    };
  } finally {
    trainer.dispose();
  }
}

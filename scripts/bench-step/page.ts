/**
 * The step bench's page (served by `vite` dev, driven by scripts/benchStep.ts): the training step
 * alone on the page's main thread, with no app around it, so what a GPU backend costs per
 * kernel can be read apart from what the app adds (streaming, views, pacing).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';

import { DEFAULT_CONFIG, type GanConfig } from '../../src/engine/core/config';
import type { StepPath } from '../../src/protocol';
import { adapterText } from '../../src/worker/backendChoice';
import { probeWebGl, probeWebGpu } from '../../src/worker/deviceProbes';
import type { FusedBackend } from '../../src/worker/fused/kernels';
import { timeToyStep } from '../stepTiming';
import { WORKLOADS } from '../workloads';

export interface DispatchFloor {
  /** Elements of the tensor each kernel of the chain writes. */
  elements: number;
  /** Wall time per kernel of a long chain of element-wise adds, between two readbacks. */
  msPerKernel: number;
}

export interface StepTiming {
  workload: string;
  path: StepPath;
  msPerIteration: number;
  iterations: number;
  kernelsPerIteration: number;
}

export interface StepBenchResult {
  backend: FusedBackend;
  renderer: string | null;
  floors: DispatchFloor[];
  steps: StepTiming[];
}

declare global {
  interface Window {
    stepBench?: (
      backend: FusedBackend,
      workloads: string[],
      seconds: number,
    ) => Promise<StepBenchResult>;
  }
}

/** ms per kernel of a chain of `kernels` adds on `elements` floats (one readback at each end). */
async function dispatchFloor(elements: number, kernels: number): Promise<DispatchFloor> {
  // tfjs runs small ops whose inputs are on the CPU on the CPU (below 1000 elements on webgpu,
  // 128 on webgl): keep the whole chain on the GPU.
  // (Both flags exist: the page imports both backends.)
  const saved = ['WEBGPU_CPU_FORWARD', 'WEBGL_CPU_FORWARD'].map(
    (flag) => [flag, tf.env().get(flag)] as const,
  );
  for (const [flag] of saved) tf.env().set(flag, false);
  try {
    return await timeChain(elements, kernels);
  } finally {
    for (const [flag, value] of saved) tf.env().set(flag, value);
  }
}

async function timeChain(elements: number, kernels: number): Promise<DispatchFloor> {
  let x = tf.zeros([elements]);
  const chain = () => {
    for (let i = 0; i < kernels; i++) {
      const next = tf.add(x, 1);
      x.dispose();
      x = next;
    }
  };
  chain(); // compiles the program
  await x.data();
  const start = performance.now();
  chain();
  await x.data();
  const msPerKernel = (performance.now() - start) / kernels;
  x.dispose();
  return { elements, msPerKernel };
}

async function timeStep(
  backend: FusedBackend,
  workloadId: string,
  path: StepPath,
  seconds: number,
): Promise<StepTiming> {
  const workload = WORKLOADS.find((w) => w.id === workloadId)!;
  const config: GanConfig = { ...DEFAULT_CONFIG, ...(workload.config as Partial<GanConfig>) };
  // Logged every 10 iterations, as in the app: the diagnostics' kernels are part of the cost.
  const timing = await timeToyStep(config, path, backend, {
    seconds,
    logEvery: 10,
    warmSteps: 3,
    prefix: `${workloadId}-${path}/`,
  });
  return {
    workload: workloadId,
    path,
    msPerIteration: (1000 * timing.seconds) / timing.iterations,
    iterations: timing.iterations,
    kernelsPerIteration: timing.kernelsPerIteration,
  };
}

/** What this page's backend runs on, as the worker's probes read it. */
async function deviceName(backend: FusedBackend): Promise<string | null> {
  if (backend === 'webgl') {
    const probe = probeWebGl();
    return 'renderer' in probe ? probe.renderer : null;
  }
  const probe = await probeWebGpu();
  return 'unavailable' in probe ? null : adapterText(probe.facts);
}

window.stepBench = async (backend, workloads, seconds) => {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not start ${backend}`);
  await tf.ready();
  const renderer = await deviceName(backend);
  // GAN Lab's rows (150), and the opening preset's hidden activations over real and fake rows.
  const floors = [await dispatchFloor(150, 200), await dispatchFloor(512 * 64, 100)];
  const steps: StepTiming[] = [];
  for (const id of workloads) {
    for (const path of ['fused', 'ops'] as const) {
      steps.push(await timeStep(backend, id, path, seconds));
    }
  }
  return { backend, renderer, floors, steps };
};

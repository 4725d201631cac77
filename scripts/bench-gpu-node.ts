/**
 * WebGPU benchmark in Node, through Dawn (the `webgpu` npm package: Chrome's WebGPU
 * implementation as a Node addon), for machines with a GPU and no browser: the `device`
 * machine (scripts/device/, docs/runtime.md "Real-GPU figures"). The browser bench (bench.ts)
 * measures the whole app in Chromium; this one measures the training step alone: the same
 * trainers (the op path and the fused kernels of src/worker/fused) on tfjs's webgpu backend,
 * for the same toy workloads (benchWorkloads.ts).
 *
 *   npm run bench:gpu-node -- [--seconds 10] [--workloads p,a,c] [--paths fused,ops]
 *                             [--check] [--out file.json]
 *
 * Dawn is not a dependency of the app: point WEBGPU_MODULE at an installed `webgpu` package
 * (scripts/device/pack.sh installs one into .device/). Per workload and path it reports
 * iterations/s (steps run for `--seconds`, the GPU drained every 10 steps and at the end, as
 * the app's readbacks do), kernels per iteration (tf.profile of one step) and the time to the
 * first finished step (shader compilation). `--check` compares the fused step with the op path
 * (weights and diagnostics at steps 1 and 100, as e2e/fused.spec.ts does in Chromium).
 *
 * The adapter is printed first: a software one (SwiftShader, llvmpipe) says nothing
 * about GPU speed.
 */
import { createRequire } from 'node:module';

import {
  checkOutputPath,
  runCommand,
  UsageError,
  writeOutput,
  type FlagSpec,
  type ParsedFlags,
} from '../src/cli/args';
import type { GanConfig } from '../src/engine/core/config';
import { errorMessage } from '../src/errors';
import { softwareAdapterReason, type AdapterFacts } from '../src/worker/backendChoice';
import { parsePaths, parseWorkloads, type StepPath } from './benchWorkloads';

const FLAGS: Record<string, FlagSpec> = {
  seconds: { type: 'number', help: 'training time measured per workload and path (default 10)' },
  workloads: {
    type: 'string',
    placeholder: 'list',
    help: 'comma-separated toy workloads of p,a,c (default all three)',
  },
  paths: {
    type: 'string',
    placeholder: 'list',
    help: 'fused, ops or both, measured one after the other (default fused,ops)',
  },
  check: { type: 'boolean', help: 'compare the fused step with the op path (steps 1 and 100)' },
  out: { type: 'string', placeholder: 'file', help: 'also write the results as JSON' },
  help: { type: 'boolean', help: 'show this help' },
};

interface Result {
  workload: string;
  path: StepPath;
  itersPerSecond: number;
  iterations: number;
  kernelsPerIteration: number;
  firstStepSeconds: number;
}

/** Installs Dawn's `navigator.gpu` and WebGPU globals; returns the adapter's description. */
async function installDawn(): Promise<AdapterFacts> {
  const modulePath = process.env.WEBGPU_MODULE ?? 'webgpu';
  const require = createRequire(import.meta.url);
  let dawn: { create(flags: string[]): GPU; globals: Record<string, unknown> };
  try {
    dawn = require(modulePath) as typeof dawn;
  } catch (error) {
    throw new UsageError(
      `cannot load Dawn's webgpu package from '${modulePath}' (set WEBGPU_MODULE; ` +
        `scripts/device/pack.sh installs it): ${errorMessage(error).split('\n')[0]}`,
    );
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  // Node 20 has no navigator; tfjs's webgpu backend looks for navigator.gpu.
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu, userAgent: 'node', hardwareConcurrency: 1 },
    configurable: true,
  });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new UsageError(
      'Dawn found no WebGPU adapter (no Vulkan driver? see docs/runtime.md, "WebGPU in Node")',
    );
  }
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: info.isFallbackAdapter ?? false,
  };
}

async function main(flags: ParsedFlags): Promise<number> {
  const seconds = (flags.seconds as number | undefined) ?? 10;
  if (!(seconds > 0)) throw new UsageError('--seconds must be above 0');
  const workloads = parseWorkloads((flags.workloads as string | undefined) ?? 'p,a,c');
  const image = workloads.find((w) => 'arch' in w.config);
  if (image) throw new UsageError(`--workloads: ${image.id} is an image workload (toys only)`);
  const paths = parsePaths((flags.paths as string | undefined) ?? 'fused,ops', false);
  if (flags.out !== undefined) checkOutputPath('out', flags.out);

  const adapter = await installDawn();
  // After navigator.gpu exists: the engine (gradients, via backend.ts) and the webgpu backend.
  const tf = await import('@tensorflow/tfjs-core');
  await import('../src/engine/core/backend');
  await import('@tensorflow/tfjs-backend-webgpu');
  const { DEFAULT_CONFIG } = await import('../src/engine/core/config');
  const { timeToyStep } = await import('./stepTiming');
  const { compareFusedWithOps } = await import('../src/worker/fused/check');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start its webgpu backend');
  await tf.ready();

  // The app's own test (Automatic skips such adapters) decides what counts as software.
  const softwareReason = softwareAdapterReason(adapter);
  const software = softwareReason !== null;
  console.log(
    `adapter: ${adapter.description || adapter.device} (${adapter.vendor ?? ''}, ${adapter.architecture ?? ''})` +
      (software ? ` — ${softwareReason}: these figures say nothing about GPU speed` : ''),
  );

  const results: Result[] = [];
  const checks: Record<string, unknown>[] = [];
  for (const workload of workloads) {
    // Image workloads were refused above.
    const config: GanConfig = { ...DEFAULT_CONFIG, ...(workload.config as Partial<GanConfig>) };
    for (const path of paths) {
      // No diagnostics (logEvery never): the step alone, the GPU drained every 10 steps.
      const timing = await timeToyStep(config, path, 'webgpu', {
        seconds,
        logEvery: Number.MAX_SAFE_INTEGER,
        warmSteps: 1,
        prefix: `${workload.id}-${path}/`,
      });
      const result: Result = {
        workload: workload.id,
        path,
        itersPerSecond: timing.iterations / timing.seconds,
        iterations: timing.iterations,
        kernelsPerIteration: timing.kernelsPerIteration,
        firstStepSeconds: timing.firstStepSeconds,
      };
      results.push(result);
      console.log(
        `${workload.id} ${path}: ${result.itersPerSecond.toFixed(1)} it/s, ` +
          `${result.kernelsPerIteration} kernels/iteration, first step ${result.firstStepSeconds.toFixed(1)} s`,
      );
    }
    if (flags.check === true) {
      const check = await compareFusedWithOps(config, [1, 100], 'webgpu', `${workload.id}-check/`);
      checks.push({ workload: workload.id, ...check });
      const worst = (values: number[]) => Math.max(...values).toExponential(1);
      const steps = check.comparisons.map((c) => c.iteration).join(' and ');
      console.log(
        `${workload.id} fused vs ops at steps ${steps}: weights within ` +
          `${worst(check.comparisons.map((c) => c.weights))} (relative), diagnostics within ` +
          `${worst(check.comparisons.flatMap((c) => c.diagnostics.map((d) => d.relative)))}`,
      );
    }
  }

  console.log('\n| workload | path | it/s | kernels/iteration | first step (s) |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.workload} | ${r.path} | ${r.itersPerSecond.toFixed(1)} | ${r.kernelsPerIteration} | ${r.firstStepSeconds.toFixed(1)} |`,
    );
  }
  if (typeof flags.out === 'string') {
    const json = { adapter, software, seconds, results, checks, date: new Date().toISOString() };
    writeOutput('out', flags.out, JSON.stringify(json, null, 2));
  }
  return 0;
}

runCommand('bench-gpu-node', 'Usage: npm run bench:gpu-node -- [flags]', FLAGS, main).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

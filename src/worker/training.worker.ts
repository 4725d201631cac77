/**
 * Training worker (module worker). Owns tfjs so that the UI thread never blocks on GPU work.
 * This file is the browser glue: backend selection (with reasons), WebGPU device-loss watching,
 * and the message port. The protocol itself is implemented by RunManager (runManager.ts).
 *
 * Rule for everything in here: read tensors back with `await tensor.data()` (or `.array()`),
 * never `dataSync()` / `arraySync()` — a synchronous readback stalls, and on WebGPU can lose,
 * the device. ESLint enforces this for src/.
 */
// First: before any zod schema is built (see zodJitless.ts).
import '../zodJitless';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core, its gradients and the four backends, explicitly: the umbrella package also bundles
// tfjs-layers, the converter and tfjs-data, which nothing here uses.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

import { errorMessage } from '../errors';
import {
  BACKEND_NAMES,
  type BackendName,
  type SkippedBackend,
  type WorkerEvent,
} from '../protocol';
import {
  adapterText,
  MEASURED_BACKENDS,
  softwareAdapterReason,
  softwareRendererReason,
  type BackendProbe,
} from './backendChoice';
import {
  backendOrder,
  selectBackend,
  withTimeout,
  type BackendSelection,
} from './backendSelection';
import { fetchAssetBytes } from '../engine/image/mnist';
import type { DeviceLossInfo } from './deviceLoss';
import { probeWebGl, probeWebGpu } from './deviceProbes';
import { RunManager } from './runManager';

/** This module runs as a dedicated worker; the WebWorker lib types `self` as any worker's scope. */
const scope: DedicatedWorkerGlobalScope = self;

// Vite emits the .wasm binaries as hashed assets; tell tfjs where each one ended up.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
});

/** Per-backend limit; SwiftShader (software WebGPU/WebGL) compiles shaders slowly. */
const BACKEND_TIMEOUT_MS = 45_000;
/** How long one of Automatic's candidates may take to start before it is skipped. */
const MEASURE_START_MS = 10_000;

function post(event: WorkerEvent): void {
  scope.postMessage(event, []);
}

/** Cheap preconditions, checked before tfjs gets involved, so the reason is specific. */
async function checkPreconditions(name: BackendName): Promise<void> {
  switch (name) {
    case 'webgpu': {
      const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
      if (!gpu) throw new Error('navigator.gpu is missing');
      const adapter = await gpu.requestAdapter();
      if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null');
      return;
    }
    case 'webgl':
      if (typeof OffscreenCanvas === 'undefined') {
        throw new Error('OffscreenCanvas is not available in this worker');
      }
      return;
    case 'wasm':
      if (typeof WebAssembly === 'undefined') throw new Error('WebAssembly is not available');
      return;
    case 'cpu':
      return;
  }
}

/**
 * tf.setBackend() swallows initialisation errors, logs them with console.warn and returns false.
 * Capture those warnings so the UI can say *why*.
 */
async function setBackendCapturingWarnings(name: BackendName): Promise<void> {
  const warnings: string[] = [];
  const originalWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(errorMessage).join(' '));
    originalWarn.apply(console, args);
  };
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } finally {
    console.warn = originalWarn;
  }
  if (!ok) {
    // The second warning is the error's stack/message; keep its first line.
    const detail = warnings
      .filter((w) => !w.startsWith('Initialization of backend'))
      .map((w) => w.split('\n')[0])
      .join(' ');
    throw new Error(`tf.setBackend('${name}') returned false${detail ? `: ${detail}` : ''}`);
  }
}

/** Runs a tiny op on the active backend and reads it back asynchronously. */
async function verifyBackend(name: BackendName): Promise<void> {
  if (tf.getBackend() !== name) {
    throw new Error(`tf.getBackend() is '${tf.getBackend()}' after selecting '${name}'`);
  }
  const sum = tf.tidy(() => tf.sum(tf.add(tf.ones([2, 2]), tf.ones([2, 2]))));
  try {
    const values = await sum.data();
    if (values[0] !== 8) throw new Error(`sanity check computed ${values[0]} instead of 8`);
  } finally {
    sum.dispose();
  }
}

async function attemptBackend(name: BackendName, timeoutMs = BACKEND_TIMEOUT_MS): Promise<void> {
  try {
    await withTimeout(
      (async () => {
        await checkPreconditions(name);
        await setBackendCapturingWarnings(name);
        await verifyBackend(name);
      })(),
      timeoutMs,
      timeoutMs < BACKEND_TIMEOUT_MS
        ? `did not start within ${timeoutMs / 1000} s (the GPU may still be busy with the previous backend's work)`
        : `timed out after ${timeoutMs / 1000} s`,
    );
  } catch (err) {
    // If tfjs created an instance for this backend (e.g. the sanity check failed), drop it so it
    // holds no device or memory while we fall back.
    if (tf.engine().registry[name] !== undefined) {
      try {
        tf.removeBackend(name);
      } catch {
        // best effort
      }
    }
    throw err;
  }
}

/** The GPUDevice of tfjs's WebGPU backend (not in its public typings). */
function webgpuDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  // The backend class is not exported with types we can import here without pulling in its
  // internals; `device` is a documented public field of WebGPUBackend.
  const backend = tf.backend() as unknown as { device?: GPUDevice };
  return backend.device ?? null;
}

/**
 * tfjs-backend-webgpu never listens to device.lost (tfjs-second-order.md §7): do it here, and
 * hand the loss to the run manager, which continues on the fallback backend.
 */
function watchDevice(): void {
  const device = webgpuDevice();
  if (!device) return;
  // Only the first fault of a device counts: it is dropped on the first one.
  let reported = false;
  const report = (info: DeviceLossInfo) => {
    if (reported) return;
    reported = true;
    manager.notifyDeviceLost(info);
  };
  void device.lost.then((info) =>
    report({ reason: info.reason ?? 'unknown', message: info.message }),
  );
  // A kernel WebGPU rejects (an invalid pipeline or bind group, out of memory) throws nothing:
  // the command buffer it was encoded in is dropped, so the work queued with it is lost and its
  // results read back as zeros. Never train on that: treat it as a lost device (continue on the
  // next backend from the last snapshot, and say why).
  device.addEventListener('uncapturederror', (event) => {
    const { error } = event as GPUUncapturedErrorEvent;
    report({
      reason: 'rejected-kernel',
      message: `WebGPU rejected a kernel: ${error.message.split('\n')[0]}`,
    });
  });
}

/** Automatic's candidates: skips software adapters (unless asked) and missing APIs. */
async function probeBackends(includeSoftware: boolean): Promise<BackendProbe> {
  const candidates: BackendName[] = [];
  const skipped: SkippedBackend[] = [];
  const device: string[] = [];
  const consider = (backend: BackendName, software: string | null) => {
    if (software !== null && !includeSoftware) skipped.push({ backend, reason: software });
    else candidates.push(backend);
  };
  for (const backend of MEASURED_BACKENDS) {
    try {
      if (backend === 'webgpu') {
        const probe = await probeWebGpu();
        if ('unavailable' in probe) {
          skipped.push({ backend, reason: `unavailable: ${probe.unavailable}` });
          continue;
        }
        device.push(`webgpu ${adapterText(probe.facts)}`);
        consider(backend, softwareAdapterReason(probe.facts));
      } else if (backend === 'webgl') {
        const probe = probeWebGl();
        if ('unavailable' in probe) {
          skipped.push({ backend, reason: `unavailable: ${probe.unavailable}` });
          continue;
        }
        device.push(`webgl ${probe.renderer ?? 'unknown renderer'}`);
        consider(backend, softwareRendererReason(probe.renderer));
      } else if (typeof WebAssembly === 'undefined') {
        skipped.push({ backend, reason: 'unavailable: WebAssembly is not available' });
      } else {
        candidates.push(backend);
      }
    } catch (error) {
      skipped.push({ backend, reason: `unavailable: ${errorMessage(error)}` });
    }
  }
  device.push(`${navigator.hardwareConcurrency} cores`);
  device.push(self.crossOriginIsolated ? 'isolated' : 'not isolated');
  return { candidates, skipped, deviceKey: device.join('; ') };
}

/**
 * Threads of the WASM backend (once started): 1 for the single-threaded build, which tfjs loads
 * when the worker is not cross-origin isolated (no SharedArrayBuffer).
 */
function wasmThreads(): number | undefined {
  try {
    const threads = getThreadsCount(); // throws until the backend has started
    return tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? threads : 1;
  } catch {
    return undefined;
  }
}

async function select(order: BackendName[], timeoutMs?: number): Promise<BackendSelection> {
  const selection = await selectBackend(order, (name) => attemptBackend(name, timeoutMs));
  watchDevice();
  return selection;
}

const yieldChannel = new MessageChannel();
const yieldResolvers: (() => void)[] = [];
yieldChannel.port1.onmessage = () => yieldResolvers.shift()?.();

/** softwareRendererReason of this browser's WebGL renderer, once probed. */
let softwareWebgl: string | null | undefined;

const manager = new RunManager((event, transfer) => scope.postMessage(event, transfer ?? []), {
  selectBackend: (preferred, timeoutMs) => select(backendOrder(preferred), timeoutMs),
  probeBackends,
  // Automatic's candidates get less time to start than a manual choice: a GPU still compiling
  // the previous candidate's burst held SwiftShader WebGL back for the whole 45 s (e2e).
  tryBackend: (name) => attemptBackend(name, MEASURE_START_MS),
  runtimeInfo: () => ({
    crossOriginIsolated: self.crossOriginIsolated,
    wasmThreads: wasmThreads(),
  }),
  async fallBack(lost) {
    // The lost backend's instance holds a dead device: drop it (and never pick it again).
    try {
      tf.removeBackend(lost);
    } catch {
      // already gone
    }
    const order = BACKEND_NAMES.filter(
      (name) => name !== lost && tf.findBackendFactory(name) !== null,
    );
    return select(order);
  },
  softwareRenderer(backend) {
    // Only WebGL's renderer decides the step (fusedStepUnwantedReason); asked once per backend.
    if (backend !== 'webgl') return null;
    softwareWebgl ??= (() => {
      const probe = probeWebGl();
      return 'unavailable' in probe ? null : softwareRendererReason(probe.renderer);
    })();
    return softwareWebgl;
  },
  loseDevice() {
    const device = webgpuDevice();
    if (!device) throw new Error(`the ${tf.getBackend()} backend has no GPU device to lose`);
    device.destroy();
  },
  now: () => performance.now(),
  // Same origin as the app (CSP): the asset lives under the app's base path.
  loadAsset: (path) =>
    fetchAssetBytes(new URL(`${import.meta.env.BASE_URL}${path}`, self.location.origin).href),
  // A MessageChannel task, not setTimeout(0), which browsers clamp to 4 ms when nested.
  yieldToEvents: () =>
    new Promise<void>((resolve) => {
      yieldResolvers.push(resolve);
      yieldChannel.port2.postMessage(null);
    }),
});

scope.addEventListener('message', (e) => manager.handle(e.data));

scope.addEventListener('messageerror', () => {
  post({ type: 'error', message: 'received a message that could not be deserialised' });
});

scope.addEventListener('unhandledrejection', (e) => {
  post({ type: 'error', message: `unhandled rejection in worker: ${errorMessage(e.reason)}` });
});

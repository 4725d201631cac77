/**
 * Backend selection for Node (CLI, tests, benchmarks). The browser worker has its own order
 * (WebGPU → WebGL → WASM → CPU).
 */
import * as tf from '@tensorflow/tfjs-core';
// Gradients: tfjs-core leaves registering them to the umbrella package. The browser worker
// imports tfjs-core's register_all_gradients (an ES module with extensionless imports, which a
// bundler resolves and Node cannot); in Node the umbrella's CommonJS bundle registers them into
// the same tfjs-core instance. Bundle size does not matter here.
// eslint-disable-next-line no-restricted-imports -- Node only, for its gradient registration
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export type NodeBackend = 'wasm' | 'cpu';
export const NODE_BACKENDS: readonly NodeBackend[] = ['wasm', 'cpu'];

export async function useNodeBackend(name: NodeBackend): Promise<void> {
  if (tf.getBackend() === name) return;
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`Could not start the tfjs ${name} backend.`);
}

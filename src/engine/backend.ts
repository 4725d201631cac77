/**
 * Backend selection for Node (CLI, tests, benchmarks). The browser worker has its own order
 * (WebGPU → WebGL → WASM → CPU).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type NodeBackend = 'wasm' | 'cpu';
export const NODE_BACKENDS: readonly NodeBackend[] = ['wasm', 'cpu'];

export async function useNodeBackend(name: NodeBackend): Promise<void> {
  if (tf.getBackend() === name) return;
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`Could not start the tfjs ${name} backend.`);
}

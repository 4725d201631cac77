/**
 * Backend selection for Node (CLI, tests, benchmarks). The browser worker has its own order
 * (WebGPU → WebGL → WASM → CPU).
 */
import * as tf from '@tensorflow/tfjs-core';
// Only tfjs-core and the two backends Node can run (no tfjs-layers/converter/data: nothing uses
// them); tfjs-core leaves gradient registration to the umbrella package, so it is done here.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
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

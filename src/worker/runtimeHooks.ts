/**
 * What the RunManager needs from its environment: the browser worker (training.worker.ts) or a
 * Node test. Its own module so that the parts of the worker (Automatic, device loss) can name
 * the hooks without importing the manager.
 */
import type { BackendName } from '../protocol';
import type { BackendProbe } from './backendChoice';
import type { BackendSelection } from './backendSelection';

/** What the manager needs from its environment (the browser worker, or a Node test). */
export interface RuntimeHooks {
  /** Picks and initialises the tfjs backend (called once, on the first `init`). */
  selectBackend(preferred?: BackendName, timeoutMs?: number): Promise<BackendSelection>;
  /** After the device of `lost` is gone: drop that backend and initialise the next one. */
  fallBack(lost: BackendName): Promise<BackendSelection>;
  /**
   * Why the active GPU backend is a software renderer (SwiftShader, llvmpipe), or null for real
   * hardware (and where it cannot be told).
   */
  softwareRenderer?(backend: BackendName): string | null;
  /** Destroys the GPU device (debug); throws when the backend has none. */
  loseDevice(): void;
  /**
   * Automatic: the backends worth measuring on this device and those skipped (software
   * adapters, missing APIs). Without it, Automatic takes the first backend that works.
   */
  probeBackends?(includeSoftware: boolean): Promise<BackendProbe>;
  /** Makes `name` the active backend for a measurement (rejects with why it cannot). */
  tryBackend?(name: BackendName): Promise<void>;
  /** Facts for the `ready` event: isolation and the WASM thread pool. */
  runtimeInfo?(): { crossOriginIsolated: boolean; wasmThreads?: number };
  now?(): number;
  /**
   * The bytes of an app asset (path relative to the app root, e.g. 'mnist/digits.bin'): fetched
   * in the browser, read from public/ in Node tests.
   */
  loadAsset?(path: string): Promise<Uint8Array>;
  /** Resolves in a later macrotask, so that queued messages get delivered. */
  yieldToEvents?(): Promise<void>;
}

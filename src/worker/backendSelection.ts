/**
 * Backend selection policy, kept free of tfjs so it can be unit-tested in Node.
 * The worker supplies `attempt`, which does the real (browser-only) work.
 */
import { errorMessage } from '../errors';
import { BACKEND_NAMES, type BackendChoice, type BackendName } from '../protocol';

const LABELS: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'CPU',
};

export function backendLabel(name: BackendName): string {
  return LABELS[name];
}

/** Default order, with `preferred` (if any) moved to the front. */
export function backendOrder(preferred?: BackendName): BackendName[] {
  if (preferred === undefined) return [...BACKEND_NAMES];
  return [preferred, ...BACKEND_NAMES.filter((name) => name !== preferred)];
}

// Re-exported for the modules that take it from here (the shared definition is in src/errors.ts).

export interface BackendSelection {
  backend: BackendName;
  /** e.g. "WebGPU unavailable: navigator.gpu is missing", one per backend that failed. */
  fallbackReasons: string[];
  /** How Automatic measured and chose (worker/backendChoice.ts). */
  choice?: BackendChoice;
}

/**
 * Tries each backend in `order` until `attempt` resolves. `attempt` rejects with an Error whose
 * message says why that backend cannot be used; those messages become `fallbackReasons`.
 * Rejects when every backend fails.
 */
export async function selectBackend(
  order: readonly BackendName[],
  attempt: (name: BackendName) => Promise<void>,
): Promise<BackendSelection> {
  const fallbackReasons: string[] = [];
  for (const name of order) {
    try {
      await attempt(name);
      return { backend: name, fallbackReasons };
    } catch (err) {
      fallbackReasons.push(`${backendLabel(name)} unavailable: ${errorMessage(err)}`);
    }
  }
  throw new Error(`No tfjs backend could be initialised (${fallbackReasons.join('; ')})`);
}

/** Rejects with `message` if `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(errorMessage(err)));
      },
    );
  });
}

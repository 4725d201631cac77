/**
 * Messages between the UI (main thread) and the training worker.
 *
 * Both directions are discriminated unions on `type`. To add a message: add a member to the
 * union, handle it in the `switch` on the receiving side (the `never` check there will flag a
 * missing case), and — for commands — teach `isWorkerCommand` to accept it, because the worker
 * validates everything it receives at runtime.
 */

/** tfjs backends the app knows about, in the order the worker tries them by default. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(x: unknown): x is BackendName {
  return typeof x === 'string' && (BACKEND_NAMES as readonly string[]).includes(x);
}

// ---------------------------------------------------------------------------------------------
// UI -> worker

export interface InitCommand {
  type: 'init';
  /** Try this backend first (e.g. from `?backend=cpu`); the others follow in default order. */
  preferredBackend?: BackendName;
}

export type WorkerCommand = InitCommand;

export type WorkerCommandType = WorkerCommand['type'];

// ---------------------------------------------------------------------------------------------
// worker -> UI

export interface WorkerReadyEvent {
  type: 'ready';
  /** The backend tfjs is now using, verified with a small tensor op. */
  backend: BackendName;
  /** One human-readable line per backend that was tried before `backend` and failed. */
  fallbackReasons: string[];
}

export interface WorkerErrorEvent {
  type: 'error';
  message: string;
}

export type WorkerEvent = WorkerReadyEvent | WorkerErrorEvent;

export type WorkerEventType = WorkerEvent['type'];

// ---------------------------------------------------------------------------------------------
// Runtime validation

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Accepts exactly the commands the worker understands; anything else is rejected. */
export function isWorkerCommand(x: unknown): x is WorkerCommand {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'init':
      return x.preferredBackend === undefined || isBackendName(x.preferredBackend);
    default:
      return false;
  }
}

/** Checks events coming back from the worker (cheap; guards against a stale or foreign worker). */
export function isWorkerEvent(x: unknown): x is WorkerEvent {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'ready':
      return (
        isBackendName(x.backend) &&
        Array.isArray(x.fallbackReasons) &&
        x.fallbackReasons.every((r) => typeof r === 'string')
      );
    case 'error':
      return typeof x.message === 'string';
    default:
      return false;
  }
}

/** Short description of a rejected message, for error events (never echoes large payloads). */
export function describeInvalidMessage(x: unknown): string {
  if (isRecord(x)) {
    return typeof x.type === 'string'
      ? `invalid or unknown command of type ${JSON.stringify(x.type.slice(0, 40))}`
      : 'invalid command: missing string field "type"';
  }
  return `invalid command: expected an object, got ${x === null ? 'null' : typeof x}`;
}

/** Parses the `?backend=` URL parameter. */
export function parseBackendParam(search: string): { backend?: BackendName; notice?: string } {
  const raw = new URLSearchParams(search).get('backend');
  if (raw === null || raw === '') return {};
  const value = raw.trim().toLowerCase();
  if (isBackendName(value)) return { backend: value };
  return {
    notice: `Ignoring ?backend=${raw.slice(0, 40)}: expected one of ${BACKEND_NAMES.join(', ')}.`,
  };
}

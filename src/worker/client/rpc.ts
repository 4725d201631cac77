/**
 * Commands and their answers: each command carries a request id; the worker answers with events
 * carrying it and then an `ack` (or an `error`). This table turns that into a promise per command.
 */
import type {
  AnyGanConfig,
  RunSpec,
  WorkerCommandBody,
  WorkerEvent,
  WorkerEventOf,
  WorkerEventType,
} from '../../protocol';

/** Commands that build models or run many new kernels, which compile first. */
const SLOW_COMMANDS = new Set<WorkerCommandBody['type']>([
  'create',
  'configure',
  'restore',
  'reset',
  'step',
  'interpolate',
  'debug-gradcheck',
  'debug-profile',
  'debug-fused-check',
]);

interface Pending {
  /** The command's type (some may block the worker for a while: SLOW_COMMANDS). */
  type: WorkerCommandBody['type'];
  resolve(events: WorkerEvent[]): void;
  reject(error: Error): void;
  events: WorkerEvent[];
}

export class PendingRequests {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** A fresh request id (commands and heartbeat pings share the sequence). */
  nextRequestId(): number {
    return this.nextId++;
  }

  /**
   * Sends a command with `post` under a fresh request id; resolves with the events that answered
   * it once acknowledged, or rejects with the worker's error (or a failAll message).
   */
  open(type: WorkerCommandBody['type'], post: (requestId: number) => void): Promise<WorkerEvent[]> {
    const requestId = this.nextRequestId();
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { type, resolve, reject, events: [] });
      post(requestId);
    });
  }

  /**
   * Files an event under the request it answers. True when it was that request's `ack`, which
   * only settles the promise; every other event is news for the listeners too (an error as
   * well: it is news even when a promise handles it).
   */
  settle(event: WorkerEvent): boolean {
    const id = event.requestId;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!pending || id === undefined) return false;
    if (event.type === 'ack') {
      this.pending.delete(id);
      pending.resolve(pending.events);
      return true;
    }
    if (event.type === 'error') {
      this.pending.delete(id);
      pending.reject(new Error(event.message));
    } else {
      pending.events.push(event);
    }
    return false;
  }

  /** A command that may block the worker for a while (building a model) is awaited. */
  get busy(): boolean {
    return [...this.pending.values()].some((p) => SLOW_COMMANDS.has(p.type));
  }

  /** Rejects every open request with `message`. */
  failAll(message: string): void {
    for (const pending of this.pending.values()) pending.reject(new Error(message));
    this.pending.clear();
  }
}

/** The event of type `type` among a command's answers (the command's result). */
export function answer<T extends WorkerEventType>(
  events: WorkerEvent[],
  type: T,
): WorkerEventOf<T> {
  const found = events.find((e): e is WorkerEventOf<T> => e.type === type);
  if (!found) throw new Error(`the worker acknowledged without a ${type} event`);
  return found;
}

/** `kind` from the config's dataset (the protocol requires them to agree). */
export function runSpec(config: AnyGanConfig): RunSpec {
  return config.dataset === 'stacked-mnist'
    ? { kind: 'image', config: config as Extract<RunSpec, { kind: 'image' }>['config'] }
    : { kind: 'toy', config: config as Extract<RunSpec, { kind: 'toy' }>['config'] };
}

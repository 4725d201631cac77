/**
 * Main-thread side of the training worker: starts it, validates what it sends back.
 */
import { isWorkerEvent, type WorkerCommand, type WorkerEvent } from '../protocol';

export interface TrainingWorkerHandle {
  send(command: WorkerCommand): void;
  terminate(): void;
}

export function startTrainingWorker(onEvent: (event: WorkerEvent) => void): TrainingWorkerHandle {
  const worker = new Worker(new URL('./training.worker.ts', import.meta.url), {
    type: 'module',
    name: 'training',
  });
  worker.addEventListener('message', (e: MessageEvent<unknown>) => {
    if (isWorkerEvent(e.data)) {
      onEvent(e.data);
    } else {
      onEvent({ type: 'error', message: 'the training worker sent a malformed message' });
    }
  });
  worker.addEventListener('error', (e: ErrorEvent) => {
    // Fired when the worker script fails to load or throws at top level.
    e.preventDefault();
    onEvent({ type: 'error', message: `training worker failed: ${e.message || 'unknown error'}` });
  });
  return {
    send: (command) => worker.postMessage(command),
    terminate: () => worker.terminate(),
  };
}

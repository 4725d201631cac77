/**
 * How the playground runs, as opposed to what it trains: the step controls of the transport
 * bar, the backend, presentation mode. A slice of the settings store (composed in settings.ts);
 * not part of a run's settings (a link or a saved run does not carry them) and not remembered.
 */
import type { BackendName, StepPart } from '../protocol';

export interface RunOptions {
  stepPart: StepPart;
  stepCount: number;
  /** 'auto' lets the worker pick (WebGPU first). */
  backend: BackendName | 'auto';
  presentation: boolean;
}

export interface RunOptionActions {
  setStepPart(part: StepPart): void;
  setStepCount(n: number): void;
  setBackend(backend: BackendName | 'auto'): void;
  setPresentation(on: boolean): void;
}

export function initialRunOptions(): RunOptions {
  return { stepPart: 'both', stepCount: 10, backend: 'auto', presentation: false };
}

/** The options' actions, for a store whose state includes them. */
export function runOptionActions(set: (patch: Partial<RunOptions>) => void): RunOptionActions {
  return {
    setStepPart(stepPart) {
      set({ stepPart });
    },
    setStepCount(n) {
      set({ stepCount: Math.max(1, Math.min(1000, Math.round(n))) });
    },
    setBackend(backend) {
      set({ backend });
    },
    setPresentation(presentation) {
      set({ presentation });
    },
  };
}

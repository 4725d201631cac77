/**
 * Which tfjs backend the worker computes on: selected once at `init` (the preferred one, or
 * Automatic's measured choice, autoBackend.ts), replaced after a device loss, and the backend
 * new trainers are built for and costed against (Automatic's candidate while it measures). One
 * small named place for that state, so the manager only asks for the backend or requires one.
 */
import { DEFAULT_CONFIG, type AnyGanConfig } from '../engine/core/config';
import { costProblem } from '../engine/core/cost';
import {
  DEFAULT_STREAM,
  type BackendChoice,
  type BackendName,
  type WorkerCommand,
  type WorkerEventOf,
} from '../protocol';
import { chooseAutomatically, type AutomaticHost } from './autoBackend';
import type { BackendSelection } from './backendSelection';
import { CommandError } from './run';
import type { RuntimeHooks } from './runtimeHooks';

export class WorkerBackend {
  /** The active backend, null until `init` has selected one. */
  name: BackendName | null = null;
  private selection: Promise<BackendSelection> | null = null;
  private fallbackReasons: string[] = [];
  private choice: BackendChoice | undefined;
  /** The candidate Automatic is timing (before `name` is chosen), for build and checkCost. */
  private measuring: BackendName | null = null;

  constructor(
    private readonly hooks: RuntimeHooks,
    /** What Automatic needs to build and time a trainer on a candidate. */
    private readonly automatic: Omit<AutomaticHost, 'hooks' | 'setMeasuring'>,
  ) {}

  /** The `init` command: selects the backend once (later inits report it); the `ready` event. */
  async init(command: Extract<WorkerCommand, { type: 'init' }>): Promise<WorkerEventOf<'ready'>> {
    if (this.name === null) {
      const { preferredBackend, auto } = command;
      this.selection ??=
        preferredBackend === undefined && auto
          ? chooseAutomatically(
              {
                ...this.automatic,
                hooks: this.hooks,
                setMeasuring: (backend) => (this.measuring = backend),
              },
              auto,
            )
          : this.hooks.selectBackend(preferredBackend, command.timeoutMs);
      try {
        const selection = await this.selection;
        this.name = selection.backend;
        this.fallbackReasons = selection.fallbackReasons;
        this.choice = selection.choice;
      } catch (error) {
        this.selection = null;
        throw error;
      }
    }
    return {
      type: 'ready',
      requestId: command.requestId,
      backend: this.name,
      fallbackReasons: this.fallbackReasons,
      defaultConfig: DEFAULT_CONFIG,
      defaultStream: DEFAULT_STREAM,
      ...(this.choice ? { choice: this.choice } : {}),
      ...this.hooks.runtimeInfo?.(),
    };
  }

  require(): BackendName {
    if (this.name === null) throw new CommandError('the worker is not initialised: send init');
    return this.name;
  }

  /** The backend a trainer built now is for: the active one, or Automatic's candidate. */
  get target(): BackendName | null {
    return this.name ?? this.measuring;
  }

  /** After a device loss: `backend` replaces the lost one, for the given reasons. */
  adopt(backend: BackendName, reasons: string[]): void {
    this.name = backend;
    this.fallbackReasons = [...this.fallbackReasons, ...reasons];
  }

  /** Refuses a config that does not fit the backend (cost.ts), before any model is built. */
  checkCost(config: AnyGanConfig): void {
    const problem = costProblem(config, this.target ?? this.require());
    if (problem) throw new CommandError(problem);
  }
}

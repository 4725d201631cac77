/**
 * Everything the keyboard and the buttons can do, each defined once: its key, its words and what
 * it does where the user is — on the playground's run, on every run of the comparison, or (help)
 * anywhere. shortcuts.ts maps key presses to these actions; the buttons run them through
 * `useAction`, so a key and its button always do the same thing.
 */
import { createContext, useContext } from 'react';

import type { CompareController } from '../store/compare';
import type { RunStoreApi } from '../store/run';
import type { TrainingSession } from '../store/session';
import type { WorkspaceStoreApi } from '../store/workspace';

export type ActionId = 'toggle-play' | 'step' | 'reset' | 'help';

export interface ActionSpec {
  /** The KeyboardEvent.key that runs it, lower-case. */
  key: string;
  /** The key as the help list and aria-keyshortcuts name it. */
  keys: string;
  /** What it does, in the help list. */
  description: string;
  /** Its button's words. */
  label: string;
}

/** In the order the help list shows them. */
export const ACTIONS: Record<ActionId, ActionSpec> = {
  'toggle-play': { key: ' ', keys: 'Space', description: 'Play / pause', label: 'Play' },
  step: {
    key: 's',
    keys: 'S',
    description: 'One step (of the chosen part: D and G, D only, G only)',
    label: 'Step',
  },
  reset: {
    key: 'r',
    keys: 'R',
    description: 'Reset the run (fresh networks, step 0)',
    label: 'Reset',
  },
  help: { key: '?', keys: '?', description: 'Show this list', label: 'Keyboard shortcuts' },
};

/** The play button's words while the run plays. */
export const PAUSE_LABEL = 'Pause';

type RunAction = Exclude<ActionId, 'help'>;

/** What the actions drive on the playground (the training session). */
export type ActionSession = Pick<TrainingSession, 'togglePlay' | 'step' | 'reset'>;
/** What the actions drive in the comparison (all its runs at once). */
export type ActionComparison = Pick<CompareController, 'togglePlayAll' | 'stepAll' | 'resetAll'>;

const ON_PLAYGROUND: Record<RunAction, (session: ActionSession) => void> = {
  'toggle-play': (session) => session.togglePlay(),
  step: (session) => session.step(1),
  reset: (session) => session.reset(),
};

const ON_COMPARISON: Record<RunAction, (runs: ActionComparison) => void> = {
  'toggle-play': (runs) => runs.togglePlayAll(),
  step: (runs) => runs.stepAll(1),
  reset: (runs) => runs.resetAll(),
};

export interface ActionTargets {
  workspace: WorkspaceStoreApi;
  run: RunStoreApi;
  compare: ActionComparison;
  /** The session, or null while the worker starts. */
  session: ActionSession | null;
  openHelp(): void;
}

/** An action's handler where the user is now, or null where it does nothing. */
export type ActionResolver = (id: ActionId) => (() => void) | null;

/**
 * Resolves actions against the state at the moment of the key press or click: nothing on the
 * Dirac-GAN view (it has no run), nothing on the playground until its run exists.
 */
export function createActionResolver(targets: ActionTargets): ActionResolver {
  return (id) => {
    if (id === 'help') return targets.openHelp;
    const where = targets.workspace.getState().tab;
    if (where === 'dirac') return null;
    if (where === 'compare') return () => ON_COMPARISON[id](targets.compare);
    const session = targets.session;
    if (!session || !targets.run.getState().created) return null;
    return () => ON_PLAYGROUND[id](session);
  };
}

export const ActionsContext = createContext<ActionResolver | null>(null);

/** A button's click handler for `id`: the same handler its key runs. */
export function useAction(id: ActionId): () => void {
  const resolve = useContext(ActionsContext);
  if (!resolve) throw new Error('ActionsContext is missing');
  return () => resolve(id)?.();
}

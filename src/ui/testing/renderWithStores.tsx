/**
 * Component tests' harness: renders UI inside the app's real stores (the same factories App.tsx
 * uses) and, when a test needs one, a real TrainingSession over a fake worker port that records
 * the commands it is sent.
 */
import { cleanup, render, type RenderResult } from '@testing-library/react';
import type { ReactNode } from 'react';

import { runKindOf, type AnyGanConfig } from '../../engine/core/config';
import { DEFAULT_STREAM, type WorkerEvent } from '../../protocol';
import { createRunStore, type RunStoreApi } from '../../store/run';
import { IMAGE_STREAM, MAIN_RUN_ID, TrainingSession } from '../../store/session';
import { createSettingsStore, type SettingsStoreApi } from '../../store/settings';
import { CompareController } from '../../store/compare';
import {
  createWorkspaceStore,
  type HideableControl,
  type WorkspaceTab,
} from '../../store/workspace';
import type { TrainingPort } from '../../worker/client/trainingPort';
import { ActionsContext, createActionResolver } from '../actions';
import { SessionContext, StoresContext } from '../context';
import { HiddenControlsContext } from '../hiddenControls';

export interface SentCommand {
  /** The client method called: 'play', 'step', 'interpolate' … */
  type: string;
  runId: string;
  /** Its arguments after the run id. */
  args: unknown[];
}

/**
 * A worker port that records every command it is sent and resolves it (`configure`: no rebuild);
 * `emit` delivers a worker event to the subscribers, as the real client does.
 */
export function fakeTrainingPort() {
  const sent: SentCommand[] = [];
  const listeners = new Set<(event: WorkerEvent) => void>();
  const record =
    (type: string) =>
    async (runId: string, ...args: unknown[]): Promise<void> => {
      sent.push({ type, runId, args });
    };
  const client: TrainingPort = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    create: record('create'),
    restore: record('restore'),
    async configure(runId, config) {
      sent.push({ type: 'configure', runId, args: [config] });
      return false;
    },
    setStream: record('setStream'),
    play: record('play'),
    pause: record('pause'),
    step: record('step'),
    reset: record('reset'),
    interpolate: record('interpolate'),
    dispose: record('dispose'),
    snapshot: () => Promise.reject(new Error('this fake worker keeps no snapshots')),
    lastSnapshot: () => null,
    stopped: false,
  };
  const emit = (event: WorkerEvent) => listeners.forEach((listener) => listener(event));
  return { client, sent, emit };
}

export interface Harness extends RenderResult {
  settings: SettingsStoreApi;
  run: RunStoreApi;
  session: TrainingSession | null;
}

const sessions = new Set<TrainingSession>();

/** Unmounts what was rendered and stops the sessions (their timers): each file's afterEach. */
export function cleanupHarness(): void {
  cleanup();
  for (const session of sessions) session.dispose();
  sessions.clear();
}

/** Renders `ui` with fresh stores (or the given ones), and a session when given a client. */
export function renderWithStores(
  ui: ReactNode,
  options: {
    settings?: SettingsStoreApi;
    run?: RunStoreApi;
    client?: TrainingPort;
    hidden?: readonly HideableControl[];
    /** Where the user is, for the buttons' actions (App.tsx's resolver): the playground. */
    tab?: WorkspaceTab;
    compare?: CompareController;
  } = {},
): Harness {
  const settings = options.settings ?? createSettingsStore();
  const run = options.run ?? createRunStore();
  const session = options.client ? new TrainingSession(options.client, settings, run) : null;
  if (session) sessions.add(session);
  const resolveAction = createActionResolver({
    workspace: createWorkspaceStore({ tab: options.tab ?? 'playground' }),
    run,
    compare: options.compare ?? new CompareController(),
    session,
    openHelp: () => {},
  });
  const result = render(
    <StoresContext.Provider value={{ settings, run }}>
      <SessionContext.Provider value={session}>
        <ActionsContext.Provider value={resolveAction}>
          <HiddenControlsContext.Provider value={options.hidden ?? []}>
            {ui}
          </HiddenControlsContext.Provider>
        </ActionsContext.Provider>
      </SessionContext.Provider>
    </StoresContext.Provider>,
  );
  return { ...result, settings, run, session };
}

/** The worker's answer to `create` for the session's run: built with `config`, paused. */
export function createdEvent(config: AnyGanConfig): WorkerEvent {
  const kind = runKindOf(config);
  return {
    type: 'created',
    runId: MAIN_RUN_ID,
    kind,
    config,
    stream: kind === 'image' ? { ...DEFAULT_STREAM, ...IMAGE_STREAM } : DEFAULT_STREAM,
    bounds: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 },
    realSamples: new Float32Array(0),
    parameterCounts: { generator: 1, discriminator: 1 },
  };
}

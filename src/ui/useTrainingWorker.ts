/**
 * The training worker's lifecycle: started with the page, restarted when the backend setting
 * changes (the run carries over to the new worker), ended with the page. The session it gives
 * wires the settings and the run store to the worker.
 */
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';

import type { BackendName } from '../protocol';
import type { CompareController } from '../store/compare';
import { initialRunState, readyState, type RunStoreApi } from '../store/run';
import { TrainingSession, type CarriedRun } from '../store/session';
import { activeConfig, type SettingsStoreApi } from '../store/settings';
import { parseRemembered, remember, REMEMBERED_CHOICES_STORAGE_KEY } from '../worker/backendChoice';
import { TrainingClient } from '../worker/client';

/** On a switch of backend, how long each backend may take to start before the next is tried. */
const SWITCH_START_MS = 6000;

export type WorkerStatus =
  { kind: 'starting' } | { kind: 'ready' } | { kind: 'error'; message: string };

/**
 * Debug handle for e2e tests and the benchmark: the client (everything it can do goes through
 * the validated protocol) and the settings store (what the controls change).
 */
declare global {
  interface Window {
    ganDebug?: { client: TrainingClient; settings: SettingsStoreApi; run: RunStoreApi };
  }
}

export interface WorkerStores {
  settings: SettingsStoreApi;
  run: RunStoreApi;
  compare: CompareController;
}

export interface TrainingWorker {
  status: WorkerStatus;
  /** Latest error the worker reported that is not about the run (e.g. a rejected command). */
  workerError: string | null;
  /** The session, or null while the worker starts. */
  session: TrainingSession | null;
}

export function useTrainingWorker(stores: WorkerStores): TrainingWorker {
  const requested = useStore(stores.settings, (s) => s.backend);
  const [status, setStatus] = useState<WorkerStatus>({ kind: 'starting' });
  const [workerError, setWorkerError] = useState<string | null>(null);
  const [session, setSession] = useState<TrainingSession | null>(null);
  /** The run handed from the old worker to the new one when the backend setting changes. */
  const carried = useRef<CarriedRun | null>(null);
  /** Workers started so far: every one after the first is a switch of backend. */
  const workersStarted = useRef(0);

  // The worker: (re)started when the backend setting changes; the settings survive.
  useEffect(() => {
    const preferred: BackendName | undefined = requested === 'auto' ? undefined : requested;
    const url = new URL(window.location.href);
    if (preferred) url.searchParams.set('backend', preferred);
    else url.searchParams.delete('backend');
    window.history.replaceState(null, '', url);

    // A switch of backend keeps the run: the new worker restores the old one's last snapshot,
    // and the chart histories stay.
    const carry = carried.current;
    carried.current = null;
    const kept = stores.run.getState();
    stores.run.setState(
      carry
        ? {
            ...initialRunState(),
            metrics: kept.metrics,
            evals: kept.evals,
            latest: kept.latest,
            evaluation: kept.evaluation,
            imageEvaluation: kept.imageEvaluation,
          }
        : initialRunState(),
    );
    const client = TrainingClient.start();
    window.ganDebug = { client, settings: stores.settings, run: stores.run };
    let current: TrainingSession | null = null;
    let cancelled = false;
    const unsubscribe = client.subscribe((event) => {
      switch (event.type) {
        case 'ready':
          setStatus({ kind: 'ready' });
          break;
        case 'device-lost':
          setWorkerError(`The ${event.backend} device was lost (${event.message}); recovering…`);
          break;
        case 'backend-changed':
        case 'worker-restarted': // the run's notice says what happened
          setWorkerError(null);
          break;
        case 'error':
          if (event.runId !== undefined) break; // shown with the run
          setStatus((s) => (s.kind === 'starting' ? { kind: 'error', message: event.message } : s));
          setWorkerError(event.message);
          break;
      }
    });
    const remembered = readRememberedChoices();
    const auto = {
      config: activeConfig(stores.settings.getState()),
      remembered,
      // `?measure=all`: measure SwiftShader too (to see what skipping it saves).
      includeSoftware: new URLSearchParams(window.location.search).get('measure') === 'all',
    };
    // A switch must not leave Play disabled for long: each backend gets SWITCH_START_MS to start.
    const switching = workersStarted.current++ > 0;
    client.init(preferred, auto, switching ? SWITCH_START_MS : undefined).then(
      (ready) => {
        if (cancelled) return;
        stores.run.setState(readyState(ready));
        const choice = ready.choice;
        // Whatever was timed (a candidate that gave up counts as measured too), not a lone one.
        if (choice && !choice.fromCache && choice.rates.length > 0) {
          writeRememberedChoices(remember(remembered, choice));
        }
        current = new TrainingSession(client, stores.settings, stores.run);
        setSession(current);
        void current.start(carry);
        stores.compare.attach(client);
      },
      () => {}, // reported through the error event
    );
    return () => {
      cancelled = true;
      carried.current = current?.carry() ?? null;
      unsubscribe();
      current?.dispose();
      stores.compare.detach();
      setSession(null);
      setStatus({ kind: 'starting' });
      setWorkerError(null);
      client.terminate();
      if (window.ganDebug?.client === client) delete window.ganDebug;
    };
  }, [requested, stores]);

  return { status, workerError, session };
}

/** Automatic's measurements kept in this browser (per device and model size). */
function readRememberedChoices() {
  try {
    return parseRemembered(localStorage.getItem(REMEMBERED_CHOICES_STORAGE_KEY));
  } catch {
    return []; // storage blocked
  }
}

function writeRememberedChoices(list: ReturnType<typeof readRememberedChoices>): void {
  try {
    localStorage.setItem(REMEMBERED_CHOICES_STORAGE_KEY, JSON.stringify(list));
  } catch {
    // storage full or blocked: measure again next time
  }
}

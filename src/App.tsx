import { useEffect, useState } from 'react';

import { parseBackendParam, type BackendName, type GanConfig } from './protocol';
import { TrainingPanel } from './ui/TrainingPanel';
import { TrainingClient } from './worker/client';
import './App.css';

type BackendStatus =
  | { kind: 'starting' }
  | { kind: 'ready'; backend: BackendName; fallbackReasons: string[] }
  | { kind: 'error'; message: string };

function statusText(status: BackendStatus, requested: BackendName | undefined): string {
  switch (status.kind) {
    case 'starting':
      return 'Backend: starting the training worker…';
    case 'ready': {
      const notes = [...status.fallbackReasons];
      if (requested !== undefined && requested === status.backend) {
        notes.push(`requested via ?backend=${requested}`);
      }
      return notes.length > 0
        ? `Backend: ${status.backend} (${notes.join('; ')})`
        : `Backend: ${status.backend}`;
    }
    case 'error':
      return `Backend: unavailable (${status.message})`;
  }
}

/**
 * Debug handle for e2e tests and the benchmark (they drive runs the minimal UI does not show).
 * Exposes only the client: everything it can do goes through the validated protocol.
 */
declare global {
  interface Window {
    ganDebug?: { client: TrainingClient };
  }
}

export default function App() {
  const [backendParam] = useState(() => parseBackendParam(window.location.search));
  const [status, setStatus] = useState<BackendStatus>({ kind: 'starting' });
  /** Latest error the worker reported after it was up (e.g. a rejected command). */
  const [workerError, setWorkerError] = useState<string | null>(null);
  const [session, setSession] = useState<{
    client: TrainingClient;
    defaultConfig: GanConfig;
  } | null>(null);
  const requested = backendParam.backend;

  useEffect(() => {
    const client = TrainingClient.start();
    window.ganDebug = { client };
    const unsubscribe = client.subscribe((event) => {
      switch (event.type) {
        case 'ready':
          setStatus({
            kind: 'ready',
            backend: event.backend,
            fallbackReasons: event.fallbackReasons,
          });
          break;
        case 'device-lost':
          setWorkerError(`The ${event.backend} device was lost (${event.message}); recovering…`);
          break;
        case 'backend-changed':
          setWorkerError(null);
          setStatus({
            kind: 'ready',
            backend: event.backend,
            fallbackReasons: [
              `${event.previous} device lost, continued from the last snapshot`,
              ...event.fallbackReasons,
            ],
          });
          break;
        case 'error':
          // Errors about a run are shown by its panel.
          if (event.runId !== undefined) break;
          // Before 'ready' an error means no backend; afterwards the backend is still usable.
          setStatus((s) => (s.kind === 'starting' ? { kind: 'error', message: event.message } : s));
          setWorkerError(event.message);
          break;
      }
    });
    client.init(requested).then(
      (ready) => setSession({ client, defaultConfig: ready.defaultConfig }),
      () => {}, // reported through the error event
    );
    return () => {
      unsubscribe();
      client.terminate();
      if (window.ganDebug?.client === client) delete window.ganDebug;
    };
  }, [requested]);

  return (
    <main className="app">
      <header>
        <h1>GAN Playground</h1>
        <p className="tagline">
          Train a small generative adversarial network right in your browser and watch the generator
          learn to imitate the data — everything runs locally with TensorFlow.js.
        </p>
      </header>
      {backendParam.notice !== undefined && (
        <p className="notice" role="alert">
          {backendParam.notice}
        </p>
      )}
      {workerError !== null && status.kind !== 'error' && (
        <p className="notice notice-error" role="alert">
          Training worker error: {workerError}
        </p>
      )}
      <p className={`status status-${status.kind}`} role="status" aria-label="Backend">
        {statusText(status, requested)}
      </p>
      {session !== null && (
        <TrainingPanel client={session.client} defaultConfig={session.defaultConfig} />
      )}
    </main>
  );
}

import { useEffect, useState } from 'react';

import { parseBackendParam, type BackendName } from './protocol';
import { startTrainingWorker } from './worker/client';
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

export default function App() {
  const [backendParam] = useState(() => parseBackendParam(window.location.search));
  const [status, setStatus] = useState<BackendStatus>({ kind: 'starting' });
  /** Latest error the worker reported after it was up (e.g. a rejected command). */
  const [workerError, setWorkerError] = useState<string | null>(null);
  const requested = backendParam.backend;

  useEffect(() => {
    const worker = startTrainingWorker((event) => {
      switch (event.type) {
        case 'ready':
          setStatus({
            kind: 'ready',
            backend: event.backend,
            fallbackReasons: event.fallbackReasons,
          });
          break;
        case 'error':
          // Before 'ready' an error means no backend; afterwards the backend is still usable.
          setStatus((s) => (s.kind === 'starting' ? { kind: 'error', message: event.message } : s));
          setWorkerError(event.message);
          break;
      }
    });
    worker.send({ type: 'init', preferredBackend: requested });
    return () => worker.terminate();
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
      <p className={`status status-${status.kind}`} role="status">
        {statusText(status, requested)}
      </p>
    </main>
  );
}

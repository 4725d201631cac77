import { lazy, Suspense, useEffect, useState } from 'react';

import { parseBackendParam, type BackendName, type GanConfig } from './protocol';
import { createRunStore, initialRunState } from './store/run';
import { TrainingSession } from './store/session';
import { createSettingsStore, initialSettings, type SettingsStoreApi } from './store/settings';
import { configFromHash, configToHash } from './store/urlState';
import {
  SessionContext,
  StoresContext,
  type Stores,
  useRun,
  useSettings,
  useSettingsApi,
} from './ui/context';
import { SettingsPanel } from './ui/controls/SettingsPanel';
import { RunCounters, TransportBar } from './ui/controls/TransportBar';
import { HelpDialog } from './ui/HelpDialog';
import { shortcutFor } from './ui/shortcuts';
import { PlaneView } from './ui/views/PlaneView';
import { TrainingClient } from './worker/client';
import './App.css';

// recharts is most of the page's JavaScript: load it beside the first paint, not before it.
const Charts = lazy(() => import('./ui/charts/Charts').then((m) => ({ default: m.Charts })));

type WorkerStatus = { kind: 'starting' } | { kind: 'ready' } | { kind: 'error'; message: string };

/**
 * Debug handle for e2e tests and the benchmark: the client (everything it can do goes through
 * the validated protocol) and the settings store (what the controls change).
 */
declare global {
  interface Window {
    ganDebug?: { client: TrainingClient; settings: SettingsStoreApi };
  }
}

function createStores(): Stores & { linkError: string | null } {
  const { backend } = parseBackendParam(window.location.search);
  const settings = createSettingsStore({ ...initialSettings(), backend: backend ?? 'auto' });
  const link = configFromHash(window.location.hash);
  if (link.config) settings.getState().adoptConfig(link.config);
  return { settings, run: createRunStore(), linkError: link.error };
}

export default function App() {
  const [stores] = useState(createStores);
  const [backendNotice] = useState(() => parseBackendParam(window.location.search).notice);

  // The settings live in the URL hash (shareable links); editing the hash changes them.
  useEffect(() => {
    const write = (config: GanConfig) => {
      const url = new URL(window.location.href);
      url.hash = configToHash(config);
      if (url.href !== window.location.href) window.history.replaceState(null, '', url);
    };
    write(stores.settings.getState().config);
    const off = stores.settings.subscribe((s, prev) => {
      if (s.config !== prev.config) write(s.config);
    });
    const onHash = () => {
      const { config } = configFromHash(window.location.hash);
      if (config && configToHash(config) !== configToHash(stores.settings.getState().config)) {
        stores.settings.getState().adoptConfig(config);
      }
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      off();
      window.removeEventListener('hashchange', onHash);
    };
  }, [stores]);

  const notice = [backendNotice, stores.linkError].filter(Boolean).join(' ') || undefined;
  return (
    <StoresContext.Provider value={stores}>
      <Playground stores={stores} backendNotice={notice} />
    </StoresContext.Provider>
  );
}

function Playground({ stores, backendNotice }: { stores: Stores; backendNotice?: string }) {
  const requested = useSettings((s) => s.backend);
  const theme = useSettings((s) => s.theme);
  const presentation = useSettings((s) => s.presentation);
  const [status, setStatus] = useState<WorkerStatus>({ kind: 'starting' });
  /** Latest error the worker reported that is not about the run (e.g. a rejected command). */
  const [workerError, setWorkerError] = useState<string | null>(null);
  const [session, setSession] = useState<TrainingSession | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);

  // The worker: (re)started when the backend setting changes; the settings survive.
  useEffect(() => {
    const preferred: BackendName | undefined = requested === 'auto' ? undefined : requested;
    const url = new URL(window.location.href);
    if (preferred) url.searchParams.set('backend', preferred);
    else url.searchParams.delete('backend');
    window.history.replaceState(null, '', url);

    stores.run.setState(initialRunState());
    const client = TrainingClient.start();
    window.ganDebug = { client, settings: stores.settings };
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
          setWorkerError(null);
          break;
        case 'error':
          if (event.runId !== undefined) break; // shown with the run
          setStatus((s) => (s.kind === 'starting' ? { kind: 'error', message: event.message } : s));
          setWorkerError(event.message);
          break;
      }
    });
    client.init(preferred).then(
      (ready) => {
        if (cancelled) return;
        stores.run.setState({ backend: ready.backend, fallbackReasons: ready.fallbackReasons });
        current = new TrainingSession(client, stores.settings, stores.run);
        setSession(current);
        void current.start();
      },
      () => {}, // reported through the error event
    );
    return () => {
      cancelled = true;
      unsubscribe();
      current?.dispose();
      setSession(null);
      setStatus({ kind: 'starting' });
      setWorkerError(null);
      client.terminate();
      if (window.ganDebug?.client === client) delete window.ganDebug;
    };
  }, [requested, stores]);

  // Theme (following the system unless chosen) and presentation mode, on <html>.
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const dark = theme === 'dark' || (theme === 'system' && media.matches);
      document.documentElement.dataset.theme = dark ? 'dark' : 'light';
      window.dispatchEvent(new Event('gan-redraw'));
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
  useEffect(() => {
    document.documentElement.classList.toggle('presentation', presentation);
  }, [presentation]);

  // Keyboard shortcuts (not while typing in a field).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor(e);
      if (action === null) return;
      if (action === 'help') {
        e.preventDefault();
        setHelpOpen(true);
        return;
      }
      if (!session || !stores.run.getState().created) return;
      e.preventDefault();
      if (action === 'toggle-play') session.togglePlay();
      else if (action === 'step') session.step(1);
      else session.reset();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [session, stores]);

  return (
    <SessionContext.Provider value={session}>
      <div className="app">
        <header className="topbar">
          <h1>GAN Playground</h1>
          <div className="topbar-tools">
            <BackendBadge status={status} />
            <ThemeButton />
            <PresentationButton />
            <button type="button" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?">
              Keyboard shortcuts
            </button>
          </div>
        </header>
        <Explainer />
        {backendNotice !== undefined && (
          <p className="notice" role="alert">
            {backendNotice}
          </p>
        )}
        {workerError !== null && status.kind !== 'error' && (
          <p className="notice notice-error" role="alert">
            Training worker error: {workerError}
          </p>
        )}
        <main className="layout">
          <SettingsPanel />
          <div className="stage">
            <TransportBar />
            <RunNotice />
            <PlaneView />
          </div>
          <div className="side">
            <RunCounters />
            <Guide />
          </div>
          <Suspense
            fallback={<section className="charts" aria-label="Training curves (loading)" />}
          >
            <Charts />
          </Suspense>
        </main>
        <HelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
      </div>
    </SessionContext.Provider>
  );
}

const DATASET_PHRASE: Record<string, string> = {
  ring8: 'a ring of 8 Gaussian blobs',
  grid25: 'a grid of 25 Gaussian blobs',
  spiral: 'a spiral',
  moons: 'two interleaved half-moons',
  circles: 'two concentric circles',
  gaussian: 'one stretched Gaussian',
  custom: 'your own drawing',
};

/** The one sentence that says what the screen shows. */
function Explainer() {
  const dataset = useSettings((s) => s.config.dataset);
  return (
    <p className="tagline">
      A small GAN trains live in your browser: grey dots are the real data (
      {DATASET_PHRASE[dataset]}), pink dots are what the generator makes from random noise, and the
      coloured background is the discriminator&apos;s verdict — press Play and watch the pink dots
      learn to imitate the grey.
    </p>
  );
}

function BackendBadge({ status }: { status: WorkerStatus }) {
  const backend = useRun((s) => s.backend);
  const reasons = useRun((s) => s.fallbackReasons);
  const requested = useSettings((s) => s.backend);
  let main: string;
  let detail = '';
  if (status.kind === 'error') {
    main = 'Backend: unavailable';
    detail = ` (${status.message})`;
  } else if (status.kind === 'starting' || backend === null) {
    main = 'Backend: starting the training worker…';
  } else {
    main = `Backend: ${backend}`;
    const notes = [...reasons];
    if (requested !== 'auto' && requested === backend)
      notes.push(`requested via ?backend=${requested}`);
    if (notes.length > 0) detail = ` (${notes.join('; ')})`;
  }
  return (
    <p
      className={`badge status-${status.kind}`}
      role="status"
      aria-label="Backend"
      title={detail ? detail.slice(2, -1) : undefined}
    >
      {main}
      {detail && <span className="badge-detail">{detail}</span>}
    </p>
  );
}

function ThemeButton() {
  const theme = useSettings((s) => s.theme);
  const api = useSettingsApi();
  const next = theme === 'system' ? 'dark' : theme === 'dark' ? 'light' : 'system';
  const label = { system: 'Theme: system', dark: 'Theme: dark', light: 'Theme: light' }[theme];
  return (
    <button type="button" onClick={() => api.getState().setTheme(next)} title={`Switch to ${next}`}>
      {label}
    </button>
  );
}

function PresentationButton() {
  const on = useSettings((s) => s.presentation);
  const api = useSettingsApi();
  return (
    <button type="button" aria-pressed={on} onClick={() => api.getState().setPresentation(!on)}>
      Presentation mode
    </button>
  );
}

function RunNotice() {
  const notice = useRun((s) => s.notice);
  if (notice === null) return null;
  return notice.kind === 'error' ? (
    <p className="notice notice-error" role="alert">
      {notice.text}
    </p>
  ) : (
    <p className="notice notice-info" role="status" aria-label="Run notice">
      {notice.text}
    </p>
  );
}

/** What to look for, for a first-time visitor. */
function Guide() {
  return (
    <section className="guide" aria-labelledby="guide-heading">
      <h2 id="guide-heading">What to look for</h2>
      <ul>
        <li>
          <strong>Mode collapse:</strong> with the classic GAN the pink dots often crowd onto a few
          blobs and hop between them; the mode markers show which are covered.
        </li>
        <li>
          <strong>Arrows</strong> show where G is being pushed: towards the blue regions D believes
          are real.
        </li>
        <li>
          Try <strong>RpGAN with R1 + R2</strong> (Training panel): the dots spread over every mode
          and stay there.
        </li>
      </ul>
    </section>
  );
}

import { lazy, Suspense, useEffect, useState } from 'react';
import { useStore } from 'zustand';

import { IMAGE_DATASET_NAMES } from './engine/config';
import { TOY_DATASET_NAMES } from './engine/datasets';
import { applyLesson } from './lessons/applyLesson';
import { lessonById, lessonUnavailable, type Lesson } from './lessons/lessons';
import { parseBackendParam, type BackendName } from './protocol';
import { CompareController } from './store/compare';
import { createDiracStore, diracDiff, diracPatch, type DiracStoreApi } from './store/dirac';
import { createRunStore, initialRunState, readyState, type RunStoreApi } from './store/run';
import { TrainingSession } from './store/session';
import {
  activeConfig,
  createSettingsStore,
  initialSettings,
  type SettingsStoreApi,
} from './store/settings';
import { settingsFromHash, settingsToHash } from './store/urlState';
import {
  createWorkspaceStore,
  parseWorkspaceHash,
  workspaceHash,
  type WorkspaceStoreApi,
  type WorkspaceTab,
} from './store/workspace';
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
import { CompareView } from './ui/compare/CompareView';
import { DiracView } from './ui/dirac/DiracView';
import { ExportPanel } from './ui/ExportPanel';
import { HelpDialog } from './ui/HelpDialog';
import { RunNotice } from './ui/RunNotice';
import { HiddenControlsContext } from './ui/hiddenControls';
import { LessonCard, LessonPicker } from './ui/lessons/LessonPicker';
import { ModelOverview } from './ui/overview/ModelOverview';
import { QualityNote } from './ui/quality/QualityNote';
import { SavedRunsDialog } from './ui/savedRuns/SavedRunsDialog';
import { shortcutFor } from './ui/shortcuts';
import { StackedView } from './ui/stacked/StackedView';
import { PlaneView } from './ui/views/PlaneView';
import {
  describeChoice,
  parseRemembered,
  remember,
  REMEMBERED_CHOICES_STORAGE_KEY,
} from './worker/backendChoice';
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
    ganDebug?: { client: TrainingClient; settings: SettingsStoreApi; run: RunStoreApi };
  }
}

/** Datasets the app can select (lessons that need another one are shown as unavailable). */
const SELECTABLE_DATASETS: readonly string[] = [...TOY_DATASET_NAMES, ...IMAGE_DATASET_NAMES];

interface AppStores extends Stores {
  workspace: WorkspaceStoreApi;
  dirac: DiracStoreApi;
  compare: CompareController;
}

/** Applies a link (hash) to the stores; returns what was ignored, as one notice (or null). */
function applyHash(stores: AppStores, hash: string, initial: boolean): string | null {
  const params = parseWorkspaceHash(hash);
  const problems = [...params.problems];
  const ws = stores.workspace.getState();
  ws.setHidden(params.hidden);
  if (params.lesson !== null && params.lesson !== ws.lesson) {
    const lesson = lessonById(params.lesson);
    const unavailable = lesson ? lessonUnavailable(lesson, SELECTABLE_DATASETS) : null;
    if (!lesson) problems.push(`lesson: there is no lesson "${params.lesson}"`);
    else if (unavailable) problems.push(`lesson "${lesson.title}": ${unavailable}`);
    else problems.push(...applyLesson(lesson, stores));
  } else if (params.lesson === null && !initial) ws.setLesson(null);
  if (params.tab !== null) ws.setTab(params.tab);
  else if (params.lesson === null) ws.setTab('playground');
  if (params.dirac !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(params.dirac);
    } catch {
      parsed = null;
    }
    const { patch, problems: diracProblems } = diracPatch(parsed);
    problems.push(...diracProblems);
    const problem = stores.dirac.getState().set(patch);
    if (problem) problems.push(`dirac: ${problem}`);
  }
  const link = settingsFromHash(params.configHash);
  const current = activeConfig(stores.settings.getState());
  if (link.config && settingsToHash(link.config) !== settingsToHash(current))
    stores.settings.getState().adoptConfig(link.config);
  const notices = [link.error];
  if (problems.length > 0)
    notices.push(
      `Some of the link was ignored (${problems.join('; ')}); those parts use their defaults.`,
    );
  return notices.filter(Boolean).join(' ') || null;
}

/** The hash for the current state (the original settings-only form when nothing else is set). */
function currentHash(stores: AppStores): string {
  const ws = stores.workspace.getState();
  const dirac = diracDiff(stores.dirac.getState().settings);
  return workspaceHash({
    tab: ws.tab,
    lesson: ws.lesson,
    hidden: ws.hidden,
    dirac: ws.tab === 'dirac' && Object.keys(dirac).length > 0 ? JSON.stringify(dirac) : null,
    configHash: settingsToHash(activeConfig(stores.settings.getState())),
  });
}

function createStores(): AppStores & { linkError: string | null } {
  const { backend } = parseBackendParam(window.location.search);
  const settings = createSettingsStore({ ...initialSettings(), backend: backend ?? 'auto' });
  const stores: AppStores = {
    settings,
    run: createRunStore(),
    workspace: createWorkspaceStore(),
    dirac: createDiracStore(),
    compare: new CompareController(),
  };
  const linkError = applyHash(stores, window.location.hash, true);
  return { ...stores, linkError };
}

export default function App() {
  const [stores] = useState(createStores);
  const [backendNotice] = useState(() => parseBackendParam(window.location.search).notice);

  // The settings, view, lesson and hidden controls live in the URL hash (shareable links).
  const [hashNotice, setHashNotice] = useState<string | null>(null);
  useEffect(() => {
    let written = '';
    const write = () => {
      const url = new URL(window.location.href);
      url.hash = currentHash(stores);
      written = url.hash;
      if (url.href !== window.location.href) window.history.replaceState(null, '', url);
    };
    write();
    const offs = [
      stores.settings.subscribe((s, prev) => {
        if (activeConfig(s) !== activeConfig(prev)) write();
      }),
      stores.workspace.subscribe(write),
      stores.dirac.subscribe(write),
    ];
    const onHash = () => {
      if (window.location.hash === written) return;
      setHashNotice(applyHash(stores, window.location.hash, false));
      write();
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      offs.forEach((off) => off());
      window.removeEventListener('hashchange', onHash);
    };
  }, [stores]);

  const notice =
    [backendNotice, hashNotice ?? stores.linkError].filter(Boolean).join(' ') || undefined;
  return (
    <StoresContext.Provider value={stores}>
      <Playground stores={stores} backendNotice={notice} />
    </StoresContext.Provider>
  );
}

function Playground({ stores, backendNotice }: { stores: AppStores; backendNotice?: string }) {
  const requested = useSettings((s) => s.backend);
  const theme = useSettings((s) => s.theme);
  const presentation = useSettings((s) => s.presentation);
  const [status, setStatus] = useState<WorkerStatus>({ kind: 'starting' });
  /** Latest error the worker reported that is not about the run (e.g. a rejected command). */
  const [workerError, setWorkerError] = useState<string | null>(null);
  const [session, setSession] = useState<TrainingSession | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const imageMode = useSettings((s) => s.mode === 'image');

  // The worker: (re)started when the backend setting changes; the settings survive.
  useEffect(() => {
    const preferred: BackendName | undefined = requested === 'auto' ? undefined : requested;
    const url = new URL(window.location.href);
    if (preferred) url.searchParams.set('backend', preferred);
    else url.searchParams.delete('backend');
    window.history.replaceState(null, '', url);

    stores.run.setState(initialRunState());
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
    client.init(preferred, auto).then(
      (ready) => {
        if (cancelled) return;
        stores.run.setState(readyState(ready));
        const choice = ready.choice;
        if (choice && !choice.fromCache && choice.rates.length > 1) {
          writeRememberedChoices(remember(remembered, choice));
        }
        current = new TrainingSession(client, stores.settings, stores.run);
        setSession(current);
        void current.start();
        stores.compare.attach(client);
      },
      () => {}, // reported through the error event
    );
    return () => {
      cancelled = true;
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

  // Only the runs on screen train: the worker shares its time between every playing run.
  const tab = useStore(stores.workspace, (s) => s.tab);
  const lessonId = useStore(stores.workspace, (s) => s.lesson);
  const hidden = useStore(stores.workspace, (s) => s.hidden);
  const lesson = lessonId === null ? undefined : lessonById(lessonId);
  const [lessonsOpen, setLessonsOpen] = useState(false);
  const [savedOpen, setSavedOpen] = useState(false);
  useEffect(() => {
    if (tab !== 'compare') stores.compare.idle();
    if (tab !== 'playground' && session?.playing) session.pause();
    if (tab === 'compare' && stores.compare.store.getState().runs.length === 0)
      duplicatePlayground(stores);
  }, [tab, session, stores]);

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
      const where = stores.workspace.getState().tab;
      if (where === 'dirac') return;
      if (where === 'compare') {
        e.preventDefault();
        if (action === 'toggle-play') stores.compare.togglePlayAll();
        else if (action === 'step') stores.compare.stepAll(1);
        else stores.compare.resetAll();
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
            {!hidden.includes('lessons') && (
              <button type="button" onClick={() => setLessonsOpen(true)}>
                Lessons
              </button>
            )}
            <button type="button" onClick={() => setSavedOpen(true)} aria-haspopup="dialog">
              Saved runs
            </button>
            <button type="button" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?">
              Keyboard shortcuts
            </button>
          </div>
        </header>
        {tab === 'playground' && <Explainer />}
        {!hidden.includes('tabs') && <WorkspaceTabs stores={stores} />}
        {lesson && (
          <LessonCard
            lesson={lesson}
            onRestart={() => applyLesson(lesson, stores)}
            onClose={() => stores.workspace.getState().setLesson(null)}
          />
        )}
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
        <HiddenControlsContext.Provider value={hidden}>
          {tab === 'playground' && (
            <main className="layout">
              <SettingsPanel />
              <div className="stage">
                <TransportBar />
                <RunNotice />
                {imageMode ? <StackedView /> : <PlaneView />}
                {!imageMode && <ModelOverview />}
              </div>
              <div className="side">
                <RunCounters />
                <QualityNote />
                {imageMode ? <StackedGuide /> : <Guide />}
                <ExportPanel />
              </div>
              <Suspense
                fallback={<section className="charts" aria-label="Training curves (loading)" />}
              >
                <Charts />
              </Suspense>
            </main>
          )}
          {tab === 'compare' && (
            <main>
              <CompareView
                controller={stores.compare}
                hidden={hidden}
                onCopyPlayground={() => duplicatePlayground(stores)}
              />
            </main>
          )}
          {tab === 'dirac' && (
            <main>
              <DiracView store={stores.dirac} hidden={hidden} />
            </main>
          )}
        </HiddenControlsContext.Provider>
        <LessonPicker
          open={lessonsOpen}
          onClose={() => setLessonsOpen(false)}
          datasets={SELECTABLE_DATASETS}
          onOpenLesson={(l) => {
            setLessonsOpen(false);
            openLesson(l, stores);
          }}
        />
        <HelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
        <SavedRunsDialog
          open={savedOpen}
          onClose={() => setSavedOpen(false)}
          onReopened={() => {
            stores.workspace.getState().setLesson(null);
            stores.workspace.getState().setTab('playground');
          }}
        />
      </div>
    </SessionContext.Provider>
  );
}

/** The comparison's runs: the playground's settings twice, ready for "change one thing". */
function duplicatePlayground(stores: AppStores): void {
  const config = stores.settings.getState().config;
  stores.compare.setRuns(config, [{ patch: {} }, { patch: {} }]);
}

function openLesson(lesson: Lesson, stores: AppStores): void {
  applyLesson(lesson, stores);
  window.scrollTo({ top: 0 });
}

const TAB_LABELS: Record<WorkspaceTab, string> = {
  playground: 'Playground',
  compare: 'Compare',
  dirac: 'Dirac-GAN',
};

function WorkspaceTabs({ stores }: { stores: AppStores }) {
  const tab = useStore(stores.workspace, (s) => s.tab);
  return (
    <nav className="workspace-tabs" role="tablist" aria-label="Views">
      {(Object.keys(TAB_LABELS) as WorkspaceTab[]).map((t) => (
        <button
          key={t}
          type="button"
          role="tab"
          aria-selected={tab === t}
          onClick={() => stores.workspace.getState().setTab(t)}
        >
          {TAB_LABELS[t]}
        </button>
      ))}
    </nav>
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
  const dataset = useSettings((s) => activeConfig(s).dataset);
  if (dataset === 'stacked-mnist')
    return (
      <p className="tagline">
        Stacked MNIST: each image is three random handwritten digits stacked in its red, green and
        blue channels, so there are 1000 possible digit triples (the modes); a convolutional GAN
        learns to make them, and a digit classifier counts which triples it makes — press Play and
        watch the mode map fill.
      </p>
    );
  return (
    <p className="tagline">
      A small GAN trains live in your browser: grey dots are the real data (
      {DATASET_PHRASE[dataset]}), pink dots are what the generator makes from random noise, and the
      coloured background is the discriminator&apos;s verdict — press Play and watch the pink dots
      learn to imitate the grey.
    </p>
  );
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

function BackendBadge({ status }: { status: WorkerStatus }) {
  const backend = useRun((s) => s.backend);
  const fallbackReasons = useRun((s) => s.fallbackReasons);
  const choice = useRun((s) => s.backendChoice);
  const wasmThreads = useRun((s) => s.wasmThreads);
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
    const notes = [...(choice ? describeChoice(choice) : []), ...fallbackReasons];
    if (backend === 'wasm' && wasmThreads !== null) {
      notes.push(
        wasmThreads > 1
          ? `${wasmThreads} WASM threads`
          : `1 WASM thread${window.crossOriginIsolated ? '' : ' (the page is not cross-origin isolated)'}`,
      );
    }
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

/** What to look for on Stacked MNIST. */
function StackedGuide() {
  return (
    <section className="guide" aria-labelledby="guide-heading">
      <h2 id="guide-heading">What to look for</h2>
      <ul>
        <li>
          <strong>The grid</strong> shows G on the same 64 latents every time: blobs turn into
          coloured strokes, then into three overlaid digits.
        </li>
        <li>
          <strong>Mode collapse</strong> shows as repeats in the grid and an empty mode map: a
          collapsed G makes only a few of the 1000 triples.
        </li>
        <li>
          <strong>Interpolation:</strong> click two samples (A, then B). Slerp usually stays sharp
          along the way; lerp’s middle images are often greyer.
        </li>
        <li>
          Conv steps are slow without a GPU: pick the <strong>Tiny</strong> width to see training
          move on a laptop.
        </li>
      </ul>
    </section>
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

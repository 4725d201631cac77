/**
 * The composition root: the stores (with the link applied), the URL-hash sync, the training
 * worker, the actions that keys and buttons share, and the page's layout.
 */
import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';

import { openPendingLessonStart } from './lessons/lessonSnapshot';
import { lessonById, type Lesson } from './lessons/lessons';
import { SELECTABLE_DATASETS, startLesson } from './lessons/startLesson';
import { parseBackendParam } from './protocol';
import { browserHashLocation, syncHash } from './store/urlSync';
import { ActionsContext, createActionResolver } from './ui/actions';
import { AppHeader } from './ui/AppHeader';
import { createAppStores, linkTargets, type AppStores } from './ui/appStores';
import { SessionContext, StoresContext } from './ui/context';
import { CompareView } from './ui/compare/CompareView';
import { DiracView } from './ui/dirac/DiracView';
import { Explainer } from './ui/Guide';
import { HelpDialog } from './ui/HelpDialog';
import { HiddenControlsContext } from './ui/hiddenControls';
import { LessonCard, LessonPicker } from './ui/lessons/LessonPicker';
import { PlaygroundView } from './ui/PlaygroundView';
import { SavedRunsDialog } from './ui/savedRuns/SavedRunsDialog';
import { useShortcuts } from './ui/shortcuts';
import { useDocumentTheme } from './ui/theme';
import { useTrainingWorker } from './ui/useTrainingWorker';
import { WorkspaceTabs } from './ui/WorkspaceTabs';
import './App.css';

export default function App() {
  const [{ stores, linkError }] = useState(() => createAppStores());
  const [backendNotice] = useState(() => parseBackendParam(window.location.search).notice);

  // The settings, view, lesson and hidden controls live in the URL hash (shareable links).
  const [hashNotice, setHashNotice] = useState<string | null>(null);
  useEffect(() => syncHash(linkTargets(stores), browserHashLocation(), setHashNotice), [stores]);

  const notice = [backendNotice, hashNotice ?? linkError].filter(Boolean).join(' ') || undefined;
  return (
    <StoresContext.Provider value={stores}>
      <Playground stores={stores} backendNotice={notice} />
    </StoresContext.Provider>
  );
}

function Playground({ stores, backendNotice }: { stores: AppStores; backendNotice?: string }) {
  const { status, workerError, session } = useTrainingWorker(stores);
  useDocumentTheme();
  const [helpOpen, setHelpOpen] = useState(false);

  // A lesson's starting snapshot opens in the session as soon as there is one.
  useEffect(() => {
    if (!session) return;
    const open = () => void openPendingLessonStart(stores.lessonStart, session);
    open();
    return stores.lessonStart.subscribe((s, previous) => {
      if (s.pending !== null && s.pending !== previous.pending) open();
    });
  }, [session, stores]);

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

  const resolveAction = useMemo(
    () => createActionResolver({ ...stores, session, openHelp: () => setHelpOpen(true) }),
    [session, stores],
  );
  useShortcuts(resolveAction);

  return (
    <SessionContext.Provider value={session}>
      <ActionsContext.Provider value={resolveAction}>
        <div className="app">
          <AppHeader
            status={status}
            showLessons={!hidden.includes('lessons')}
            onOpenLessons={() => setLessonsOpen(true)}
            onOpenSavedRuns={() => setSavedOpen(true)}
          />
          {tab === 'playground' && <Explainer />}
          {!hidden.includes('tabs') && <WorkspaceTabs workspace={stores.workspace} />}
          {lesson && (
            <LessonCard
              lesson={lesson}
              onRestart={() => startLesson(lesson, stores)}
              start={stores.lessonStart}
              onOpenSnapshot={(index) => startLesson(lesson, stores, index)}
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
            {tab === 'playground' && <PlaygroundView />}
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
      </ActionsContext.Provider>
    </SessionContext.Provider>
  );
}

/** The comparison's runs: the playground's settings twice, ready for "change one thing". */
function duplicatePlayground(stores: AppStores): void {
  const config = stores.settings.getState().config;
  stores.compare.setRuns(config, [{ patch: {} }, { patch: {} }]);
}

function openLesson(lesson: Lesson, stores: AppStores): void {
  startLesson(lesson, stores);
  window.scrollTo({ top: 0 });
}

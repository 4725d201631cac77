/** Every store the page uses, created once when it opens: settings from the link and preferences. */
import { createLessonStartStore } from '../lessons/lessonSnapshot';
import { startLinkedLesson, type LessonStores } from '../lessons/startLesson';
import { parseBackendParam } from '../protocol';
import { CompareController } from '../store/compare';
import { createDiracStore } from '../store/dirac';
import { browserStorage, keepPreferences } from '../store/preferences';
import { createRunStore } from '../store/run';
import { createSettingsStore, initialSettings } from '../store/settings';
import {
  applyHash,
  browserHashLocation,
  type HashLocation,
  type LinkTargets,
} from '../store/urlSync';
import { createWorkspaceStore } from '../store/workspace';
import type { Stores } from './context';

export interface AppStores extends Stores, LessonStores {}

/** What a link changes: the stores, and the lesson it names opened from them. */
export function linkTargets(stores: AppStores): LinkTargets {
  return { ...stores, openLesson: (id) => startLinkedLesson(id, stores) };
}

/**
 * The stores with `?backend=` and the page's link applied; `linkError` says what of the link
 * was ignored (null when nothing was).
 */
export function createAppStores(location: HashLocation = browserHashLocation()): {
  stores: AppStores;
  linkError: string | null;
} {
  const { backend } = parseBackendParam(window.location.search);
  const settings = createSettingsStore({ ...initialSettings(), backend: backend ?? 'auto' });
  // Theme, speed and layers shown survive a reload (for the page's lifetime: no unsubscribe).
  keepPreferences(settings, browserStorage());
  const stores: AppStores = {
    settings,
    run: createRunStore(),
    workspace: createWorkspaceStore(),
    dirac: createDiracStore(),
    compare: new CompareController(),
    lessonStart: createLessonStartStore(),
  };
  const linkError = applyHash(linkTargets(stores), location.read(), true);
  return { stores, linkError };
}

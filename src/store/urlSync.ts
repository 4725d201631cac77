/**
 * The URL hash ⇄ the stores: a link's settings, view, lesson, hidden controls and Dirac-GAN
 * settings go into the stores, and every change goes back into the hash, so the address is
 * always a shareable link. Reading and checking each part is workspace.ts's and urlState.ts's
 * job; this is the wiring. Lessons live above the stores, so the caller opens them
 * (`openLesson`), and the browser's address comes in through `HashLocation` (tests use a fake).
 */
import { diracDiff, diracPatch, type DiracStoreApi } from './dirac';
import { activeConfig, type SettingsStoreApi } from './settings';
import { settingsFromHash, settingsToHash } from './urlState';
import { parseWorkspaceHash, workspaceHash, type WorkspaceStoreApi } from './workspace';

/** What a link changes. */
export interface LinkTargets {
  settings: SettingsStoreApi;
  workspace: WorkspaceStoreApi;
  dirac: DiracStoreApi;
  /** Opens the lesson a link names; returns what could not be applied ("lesson: …"). */
  openLesson(id: string): string[];
}

/**
 * Applies a link (hash) to the stores; returns what was ignored, as one notice (or null). The
 * `initial` link is the one the page opened with: a later link without a lesson closes the
 * open one, the first one leaves whatever the stores start with.
 */
export function applyHash(targets: LinkTargets, hash: string, initial: boolean): string | null {
  const params = parseWorkspaceHash(hash);
  const problems = [...params.problems];
  const ws = targets.workspace.getState();
  ws.setHidden(params.hidden);
  if (params.lesson !== null && params.lesson !== ws.lesson)
    problems.push(...targets.openLesson(params.lesson));
  else if (params.lesson === null && !initial) ws.setLesson(null);
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
    const problem = targets.dirac.getState().set(patch);
    if (problem) problems.push(`dirac: ${problem}`);
  }
  const link = settingsFromHash(params.configHash);
  const current = activeConfig(targets.settings.getState());
  if (link.config && settingsToHash(link.config) !== settingsToHash(current))
    targets.settings.getState().adoptConfig(link.config);
  const notices = [link.error];
  if (problems.length > 0)
    notices.push(
      `Some of the link was ignored (${problems.join('; ')}); those parts use their defaults.`,
    );
  return notices.filter(Boolean).join(' ') || null;
}

/** The hash for the current state (the original settings-only form when nothing else is set). */
export function currentHash(targets: Omit<LinkTargets, 'openLesson'>): string {
  const ws = targets.workspace.getState();
  const dirac = diracDiff(targets.dirac.getState().settings);
  return workspaceHash({
    tab: ws.tab,
    lesson: ws.lesson,
    hidden: ws.hidden,
    dirac: ws.tab === 'dirac' && Object.keys(dirac).length > 0 ? JSON.stringify(dirac) : null,
    configHash: settingsToHash(activeConfig(targets.settings.getState())),
  });
}

/** The page's address, as far as the sync needs it. */
export interface HashLocation {
  /** The hash now: '' or '#…'. */
  read(): string;
  /** Shows `hash` without a new history entry; returns the hash as the address now reads it. */
  replace(hash: string): string;
  /** Calls `listener` when the hash changes (a pasted link, back/forward); returns the stop. */
  listen(listener: () => void): () => void;
}

/** The browser's address bar. */
export function browserHashLocation(): HashLocation {
  return {
    read: () => window.location.hash,
    replace(hash) {
      const url = new URL(window.location.href);
      url.hash = hash;
      if (url.href !== window.location.href) window.history.replaceState(null, '', url);
      return url.hash;
    },
    listen(listener) {
      window.addEventListener('hashchange', listener);
      return () => window.removeEventListener('hashchange', listener);
    },
  };
}

/**
 * Writes the stores into the hash now and on every change, and applies a hash the user changes
 * (its notice goes to `onNotice`), until the returned function is called. The hash it wrote
 * itself is not applied back.
 */
export function syncHash(
  targets: LinkTargets,
  location: HashLocation,
  onNotice: (notice: string | null) => void,
): () => void {
  let written = '';
  const write = () => {
    written = location.replace(currentHash(targets));
  };
  write();
  const stops = [
    targets.settings.subscribe((s, prev) => {
      if (activeConfig(s) !== activeConfig(prev)) write();
    }),
    targets.workspace.subscribe(write),
    targets.dirac.subscribe(write),
    location.listen(() => {
      if (location.read() === written) return;
      onNotice(applyHash(targets, location.read(), false));
      write();
    }),
  ];
  return () => stops.forEach((stop) => stop());
}

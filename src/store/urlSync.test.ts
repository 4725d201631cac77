import { describe, expect, it, vi } from 'vitest';

import { DIRAC_DEFAULTS } from '../engine/dirac/dirac';
import { createLessonStartStore } from '../lessons/lessonSnapshot';
import { startLinkedLesson, type LessonStores } from '../lessons/startLesson';
import { CompareController } from './compare';
import { createDiracStore } from './dirac';
import { activeConfig, createSettingsStore, initialSettings, presetConfig } from './settings';
import { applyHash, currentHash, syncHash, type HashLocation, type LinkTargets } from './urlSync';
import { createWorkspaceStore } from './workspace';

/** Fresh stores as the page creates them, with lessons opened the app's way. */
function freshTargets(): LinkTargets & LessonStores {
  const stores: LessonStores = {
    settings: createSettingsStore(initialSettings()),
    workspace: createWorkspaceStore(),
    dirac: createDiracStore(),
    compare: new CompareController(),
    lessonStart: createLessonStartStore(),
  };
  return { ...stores, openLesson: (id) => startLinkedLesson(id, stores) };
}

/** What a link can change, to compare two sets of stores. */
function linkState(t: LinkTargets) {
  const ws = t.workspace.getState();
  return {
    tab: ws.tab,
    lesson: ws.lesson,
    hidden: ws.hidden,
    dirac: t.dirac.getState().settings,
    config: activeConfig(t.settings.getState()),
  };
}

const DEFAULT_STATE = linkState(freshTargets());

describe('applyHash: a link into the stores', () => {
  it('applies a valid classroom link: view, hidden controls, Dirac-GAN settings', () => {
    const t = freshTargets();
    const notice = applyHash(t, '#view=dirac&hide=loss,penalties&dirac={"r1":0.3,"lr":0.1}', true);
    expect(notice).toBeNull();
    expect(linkState(t)).toEqual({
      ...DEFAULT_STATE,
      tab: 'dirac',
      hidden: ['loss', 'penalties'],
      dirac: { ...DIRAC_DEFAULTS, r1: 0.3, lr: 0.1 },
    });
  });

  it('applies the original settings-only form and the cfg entry alike', () => {
    const original = freshTargets();
    expect(applyHash(original, `#${encodeURIComponent('{"loss":"rpgan","seed":7}')}`, true)).toBe(
      null,
    );
    const entry = freshTargets();
    expect(applyHash(entry, '#view=compare&cfg={"loss":"rpgan","seed":7}', true)).toBeNull();
    for (const t of [original, entry]) {
      expect(activeConfig(t.settings.getState())).toEqual({
        ...presetConfig(),
        loss: 'rpgan',
        seed: 7,
      });
    }
    expect(original.workspace.getState().tab).toBe('playground');
    expect(entry.workspace.getState().tab).toBe('compare');
  });

  it('opens a linked lesson with its preset and view', () => {
    const t = freshTargets();
    expect(applyHash(t, '#lesson=dirac-gan', true)).toBeNull();
    expect(t.workspace.getState()).toMatchObject({ lesson: 'dirac-gan', tab: 'dirac' });
  });

  it('names every bad entry in the controls’ words and keeps the defaults for them', () => {
    const t = freshTargets();
    const notice = applyHash(
      t,
      '#view=nowhere&hide=bogus&dirac={"r1":-3,"wobble":1}&colour=red&lesson=nope',
      true,
    );
    expect(notice).toBe(
      'Some of the link was ignored (' +
        '"colour": unknown link entry; ' +
        'view: "nowhere" is not a view; ' +
        'hide: "bogus" is not a control; ' +
        'lesson: there is no lesson "nope"; ' +
        'dirac.r1: Too small: expected number to be >=0; ' +
        'dirac.wobble: unknown setting' +
        '); those parts use their defaults.',
    );
    expect(linkState(t)).toEqual(DEFAULT_STATE);
  });

  it('keeps the preset for unreadable settings and Dirac settings that are not JSON', () => {
    const t = freshTargets();
    expect(applyHash(t, '#view=dirac&dirac=nope&cfg={"loss":', true)).toBe(
      'The settings in the link are not readable; using the preset. ' +
        'Some of the link was ignored (dirac: expected an object of settings); ' +
        'those parts use their defaults.',
    );
    expect(linkState(t)).toEqual({ ...DEFAULT_STATE, tab: 'dirac' });
  });

  it('applies the valid settings of a link and names the ignored one', () => {
    const t = freshTargets();
    const notice = applyHash(t, `#${encodeURIComponent('{"loss":"rpgan","seed":-1}')}`, true);
    expect(notice).toMatch(/seed/i);
    expect(activeConfig(t.settings.getState())).toEqual({ ...presetConfig(), loss: 'rpgan' });
  });

  it('a later link without a lesson closes the open one; the first link leaves it', () => {
    const t = freshTargets();
    applyHash(t, '#lesson=mode-collapse', true);
    expect(t.workspace.getState().lesson).toBe('mode-collapse');
    applyHash(t, '', true);
    expect(t.workspace.getState().lesson).toBe('mode-collapse');
    applyHash(t, '#view=compare', false);
    expect(t.workspace.getState()).toMatchObject({ lesson: null, tab: 'compare' });
    applyHash(t, '', false);
    expect(t.workspace.getState().tab).toBe('playground');
  });
});

describe('currentHash ⇄ applyHash', () => {
  it('the defaults are the empty hash', () => {
    expect(currentHash(freshTargets())).toBe('');
  });

  it('round-trips stores → hash → fresh stores', () => {
    const source = freshTargets();
    source.settings.getState().setLoss('rpgan');
    source.settings.getState().setGamma('r1', 0.2);
    source.dirac.getState().set({ r1: 0.3, update: 'alternating' });
    source.workspace.getState().setHidden(['loss', 'tabs']);
    source.workspace.getState().setTab('dirac');
    const hash = currentHash(source);
    expect(decodeURIComponent(hash)).toContain('view=dirac');

    const copy = freshTargets();
    expect(applyHash(copy, hash, true)).toBeNull();
    expect(linkState(copy)).toEqual(linkState(source));
    expect(currentHash(copy)).toBe(hash);
  });

  it('leaves the Dirac settings out of the hash off the Dirac-GAN view', () => {
    const t = freshTargets();
    t.dirac.getState().set({ r1: 0.3 });
    expect(currentHash(t)).toBe('');
  });
});

/** An address bar in memory: `replace` normalises like the browser (no lone '#'). */
function fakeLocation(initial = '') {
  let hash = initial;
  const listeners = new Set<() => void>();
  const location: HashLocation = {
    read: () => hash,
    replace: vi.fn((next: string) => (hash = next === '#' ? '' : next)),
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  /** The user edits the address (a pasted link, back/forward). */
  const navigate = (next: string) => {
    hash = next;
    listeners.forEach((l) => l());
  };
  return { location, navigate, listeners };
}

describe('syncHash', () => {
  it('writes every change into the hash and applies the links the user opens', () => {
    const t = freshTargets();
    const { location, navigate, listeners } = fakeLocation('#view=compare');
    const notices: (string | null)[] = [];
    const stop = syncHash(t, location, (n) => notices.push(n));
    expect(location.read()).toBe(''); // the stores' state wins when the sync starts

    t.settings.getState().setLoss('rpgan');
    expect(decodeURIComponent(location.read())).toBe('#{"loss":"rpgan"}');
    t.workspace.getState().setTab('dirac');
    expect(decodeURIComponent(location.read())).toBe('#view=dirac&cfg={"loss":"rpgan"}');

    navigate('#view=compare&hide=bogus');
    expect(t.workspace.getState().tab).toBe('compare');
    expect(notices).toEqual([
      'Some of the link was ignored (hide: "bogus" is not a control); those parts use their defaults.',
    ]);
    // The link is rewritten in the app's form (the bad entry dropped, the settings kept, as a
    // link without settings leaves them) and not applied again.
    expect(decodeURIComponent(location.read())).toBe('#view=compare&cfg={"loss":"rpgan"}');
    navigate(location.read());
    expect(notices).toHaveLength(1);

    stop();
    expect(listeners.size).toBe(0);
    const writes = vi.mocked(location.replace).mock.calls.length;
    t.workspace.getState().setTab('playground');
    expect(location.replace).toHaveBeenCalledTimes(writes);
  });

  it('does not rewrite the hash for settings changes that are not in the link', () => {
    const t = freshTargets();
    const { location } = fakeLocation();
    syncHash(t, location, () => {});
    const writes = vi.mocked(location.replace).mock.calls.length;
    t.settings.getState().setTheme('dark');
    t.settings.getState().setStepCount(5);
    expect(location.replace).toHaveBeenCalledTimes(writes);
  });
});

/**
 * The user's preferences — theme, speed, the layers shown on the plane and the charts' log
 * scale — kept across reloads in localStorage. Settings of the run are not preferences: they
 * live in the URL (a link reproduces a run; a preference is the viewer's own).
 *
 * They are a slice of the settings store (`preferenceActions`, composed in settings.ts), so
 * components and the training session read them beside the run's settings, and nothing here
 * depends on the configs.
 *
 * What is read back is never trusted: each preference is checked on its own and a bad or
 * missing one keeps its default, so a stale or tampered entry costs only itself. Storage that
 * throws (private modes, quotas, a disabled storage) is treated as empty.
 */
import { z } from 'zod';
import type { StoreApi } from 'zustand/vanilla';

export interface ViewOptions {
  heatmap: boolean;
  arrows: boolean;
  /** The generator-manifold mesh (G on a grid of a latent plane). */
  manifold: boolean;
  /** The manifold's cells shaded by G's density there (where G puts its mass). */
  manifoldDensity: boolean;
  real: boolean;
  modes: boolean;
  logScale: boolean;
}

export type Speed = 'full' | 'slow' | 'slower';
/** Steps per second of the slow speeds (driven one step at a time from the UI). */
export const SPEED_RATE: Record<Exclude<Speed, 'full'>, number> = { slow: 10, slower: 2 };

export type Theme = 'system' | 'light' | 'dark';

export interface Preferences {
  view: ViewOptions;
  speed: Speed;
  theme: Theme;
}

export interface PreferenceActions {
  setView(patch: Partial<ViewOptions>): void;
  setSpeed(speed: Speed): void;
  setTheme(theme: Theme): void;
}

export function initialPreferences(): Preferences {
  return {
    view: {
      heatmap: true,
      arrows: true,
      manifold: false,
      manifoldDensity: false,
      real: true,
      modes: true,
      logScale: false,
    },
    speed: 'full',
    theme: 'system',
  };
}

/** The preferences' actions, for a store whose state includes them. */
export function preferenceActions(
  set: (patch: Partial<Preferences>) => void,
  get: () => Preferences,
): PreferenceActions {
  return {
    setView(patch) {
      set({ view: { ...get().view, ...patch } });
    },
    setSpeed(speed) {
      set({ speed });
    },
    setTheme(theme) {
      set({ theme });
    },
  };
}

export const PREFERENCES_KEY = 'gan-playground:preferences';
/** Longest entry read (a full one is ~150 characters). */
const MAX_ENTRY_LENGTH = 4096;

const FIELD_SCHEMAS = {
  theme: z.enum(['system', 'light', 'dark']),
  speed: z.enum(['full', 'slow', 'slower']),
} as const;

const VIEW_KEYS = ['heatmap', 'arrows', 'manifold', 'real', 'modes', 'logScale'] as const;

/** The subset of Storage used here (window.localStorage, or a stand-in in tests). */
export type PreferenceStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The valid preferences of a stored entry, applied over `defaults`. Never throws. */
export function readPreferences(
  storage: PreferenceStorage | null,
  defaults: Preferences,
): Preferences {
  let text: string | null;
  try {
    text = storage?.getItem(PREFERENCES_KEY) ?? null;
  } catch {
    return defaults;
  }
  if (text === null || text.length > MAX_ENTRY_LENGTH) return defaults;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return defaults;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return defaults;
  const record = data as Record<string, unknown>;
  const own = (key: string) => (Object.hasOwn(record, key) ? record[key] : undefined);
  const theme = FIELD_SCHEMAS.theme.safeParse(own('theme'));
  const speed = FIELD_SCHEMAS.speed.safeParse(own('speed'));
  const view = { ...defaults.view };
  const storedView = own('view');
  if (typeof storedView === 'object' && storedView !== null && !Array.isArray(storedView)) {
    const v = storedView as Record<string, unknown>;
    for (const key of VIEW_KEYS) {
      const value = Object.hasOwn(v, key) ? v[key] : undefined;
      if (typeof value === 'boolean') view[key] = value;
    }
  }
  return {
    theme: theme.success ? theme.data : defaults.theme,
    speed: speed.success ? speed.data : defaults.speed,
    view,
  };
}

/** Writes the preferences; a storage that refuses (quota, privacy mode) is ignored. */
export function writePreferences(storage: PreferenceStorage | null, p: Preferences): void {
  try {
    storage?.setItem(
      PREFERENCES_KEY,
      JSON.stringify({ theme: p.theme, speed: p.speed, view: p.view }),
    );
  } catch {
    // Preferences are a convenience: without storage they last as long as the page.
  }
}

/** Loads the stored preferences into the store, then keeps them stored as they change. */
export function keepPreferences(
  settings: StoreApi<Preferences>,
  storage: PreferenceStorage | null,
): () => void {
  const s = settings.getState();
  settings.setState(readPreferences(storage, { theme: s.theme, speed: s.speed, view: s.view }));
  return settings.subscribe((state, previous) => {
    if (
      state.theme !== previous.theme ||
      state.speed !== previous.speed ||
      state.view !== previous.view
    )
      writePreferences(storage, state);
  });
}

/** window.localStorage, or null where reading it throws (sandboxed frames, some privacy modes). */
export function browserStorage(): PreferenceStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

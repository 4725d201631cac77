import { describe, expect, it } from 'vitest';

import {
  initialPreferences,
  keepPreferences,
  PREFERENCES_KEY,
  readPreferences,
  type PreferenceStorage,
} from './preferences';
import { createSettingsStore } from './settings';

/** An in-memory localStorage. */
function memoryStorage(initial: Record<string, string> = {}): PreferenceStorage & {
  data: Record<string, string>;
} {
  const data = { ...initial };
  return {
    data,
    getItem: (key) => (Object.hasOwn(data, key) ? data[key] : null),
    setItem: (key, value) => {
      data[key] = value;
    },
  };
}

const defaults = initialPreferences;

describe('preferences', () => {
  it('survive a reload: theme, speed and layers shown', () => {
    const storage = memoryStorage();
    const first = createSettingsStore();
    keepPreferences(first, storage);
    first.getState().setTheme('dark');
    first.getState().setSpeed('slower');
    first.getState().setView({ heatmap: false, manifold: true, logScale: true });
    // The page reloads: a new store, the same storage.
    const second = createSettingsStore();
    keepPreferences(second, storage);
    expect(second.getState()).toMatchObject({
      theme: 'dark',
      speed: 'slower',
      view: { ...defaults().view, heatmap: false, manifold: true, logScale: true },
    });
    // Run settings are not preferences: they come from the link, not from storage.
    expect(JSON.parse(storage.data[PREFERENCES_KEY])).not.toHaveProperty('config');
  });

  it('ignores bad values one by one and never throws', () => {
    const read = (text: string) =>
      readPreferences(memoryStorage({ [PREFERENCES_KEY]: text }), defaults());
    expect(read('{"theme":"neon","speed":"slow","view":{"arrows":"yes","real":false}}')).toEqual({
      ...defaults(),
      speed: 'slow',
      view: { ...defaults().view, real: false },
    });
    for (const bad of [
      '',
      'null',
      '[1]',
      '{',
      '"dark"',
      '{"__proto__":{"theme":"dark"}}',
      'x'.repeat(5000),
    ])
      expect(read(bad)).toEqual(defaults());
    expect(({} as Record<string, unknown>).theme).toBeUndefined();
    const throwing: PreferenceStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(readPreferences(throwing, defaults())).toEqual(defaults());
    const store = createSettingsStore();
    keepPreferences(store, throwing);
    expect(() => store.getState().setTheme('light')).not.toThrow();
    expect(readPreferences(null, defaults())).toEqual(defaults());
  });
});

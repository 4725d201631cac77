import { describe, expect, it } from 'vitest';

import { initialPreferences } from './preferences';
import { createSettingsStore, initialSettings } from './settings';

describe('run options', () => {
  it('step count is a whole number of steps from 1 to 1000', () => {
    const store = createSettingsStore();
    const stepCount = (n: number) => {
      store.getState().setStepCount(n);
      return store.getState().stepCount;
    };
    expect([stepCount(0), stepCount(-5), stepCount(2.4), stepCount(2.6), stepCount(1e6)]).toEqual([
      1, 1, 2, 3, 1000,
    ]);
  });

  it('and the preferences are not settings of the run: restoring the defaults keeps them', () => {
    const store = createSettingsStore();
    const s = store.getState();
    s.setStepPart('generator');
    s.setBackend('wasm');
    s.setPresentation(true);
    s.setTheme('dark');
    s.setSpeed('slow');
    s.setView({ heatmap: false });
    s.setLoss('rpgan');
    store.getState().restoreDefaults();
    expect(store.getState()).toMatchObject({
      config: initialSettings().config,
      stepPart: 'generator',
      backend: 'wasm',
      presentation: true,
      theme: 'dark',
      speed: 'slow',
      view: { ...initialPreferences().view, heatmap: false },
    });
  });
});

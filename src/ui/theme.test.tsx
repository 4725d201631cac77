// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createRunStore } from '../store/run';
import { createSettingsStore, initialSettings } from '../store/settings';
import { StoresContext } from './context';
import { useDocumentTheme } from './theme';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** A prefers-color-scheme query whose answer the test changes, as the OS setting would. */
function stubColourScheme(dark: boolean) {
  const listeners = new Set<() => void>();
  const media = {
    matches: dark,
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
  };
  vi.stubGlobal(
    'matchMedia',
    vi.fn(() => media),
  );
  return {
    listeners,
    set(next: boolean) {
      media.matches = next;
      listeners.forEach((l) => l());
    },
  };
}

function renderThemed() {
  const settings = createSettingsStore(initialSettings());
  function Page() {
    useDocumentTheme();
    return null;
  }
  const { unmount } = render(
    <StoresContext.Provider value={{ settings, run: createRunStore() }}>
      <Page />
    </StoresContext.Provider>,
  );
  return { settings, unmount };
}

const html = document.documentElement;

describe('useDocumentTheme', () => {
  it('follows the system until a theme is chosen, and asks the canvases to redraw', () => {
    const scheme = stubColourScheme(true);
    const redraws = vi.fn();
    window.addEventListener('gan-redraw', redraws);
    const { settings, unmount } = renderThemed();
    expect(html.dataset.theme).toBe('dark');
    scheme.set(false);
    expect(html.dataset.theme).toBe('light');
    act(() => settings.getState().setTheme('dark'));
    expect(html.dataset.theme).toBe('dark');
    scheme.set(false); // a chosen theme ignores the system
    expect(html.dataset.theme).toBe('dark');
    expect(redraws).toHaveBeenCalledTimes(4);
    unmount();
    expect(scheme.listeners.size).toBe(0);
    window.removeEventListener('gan-redraw', redraws);
  });

  it('puts presentation mode on <html>', () => {
    stubColourScheme(false);
    const { settings } = renderThemed();
    expect(html.classList.contains('presentation')).toBe(false);
    act(() => settings.getState().setPresentation(true));
    expect(html.classList.contains('presentation')).toBe(true);
    act(() => settings.getState().setPresentation(false));
    expect(html.classList.contains('presentation')).toBe(false);
  });
});

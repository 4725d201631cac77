/**
 * The colour theme (system, dark or light; "system" follows the OS) and presentation mode: the
 * buttons that change them, and the hook that applies them to <html>.
 */
import { useEffect } from 'react';

import type { Theme } from '../store/preferences';
import { useSettings, useSettingsApi } from './context';

/** The button cycles system → dark → light → system. */
const NEXT_THEME: Record<Theme, Theme> = { system: 'dark', dark: 'light', light: 'system' };

/** Puts the theme (`data-theme`) and presentation mode (a class) on <html> while mounted. */
export function useDocumentTheme(): void {
  const theme = useSettings((s) => s.theme);
  const presentation = useSettings((s) => s.presentation);
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const dark = theme === 'dark' || (theme === 'system' && media.matches);
      document.documentElement.dataset.theme = dark ? 'dark' : 'light';
      // Canvases draw with the theme's colours: they redraw on this event.
      window.dispatchEvent(new Event('gan-redraw'));
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
  useEffect(() => {
    document.documentElement.classList.toggle('presentation', presentation);
  }, [presentation]);
}

export function ThemeButton() {
  const theme = useSettings((s) => s.theme);
  const api = useSettingsApi();
  const next = NEXT_THEME[theme];
  return (
    <button type="button" onClick={() => api.getState().setTheme(next)} title={`Switch to ${next}`}>
      {`Theme: ${theme}`}
    </button>
  );
}

export function PresentationButton() {
  const on = useSettings((s) => s.presentation);
  const api = useSettingsApi();
  return (
    <button type="button" aria-pressed={on} onClick={() => api.getState().setPresentation(!on)}>
      Presentation mode
    </button>
  );
}

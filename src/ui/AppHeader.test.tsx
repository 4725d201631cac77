// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { BackendName } from '../protocol';
import { createRunStore } from '../store/run';
import { createSettingsStore, initialSettings } from '../store/settings';
import { createWorkspaceStore } from '../store/workspace';
import { ActionsContext, createActionResolver } from './actions';
import { AppHeader } from './AppHeader';
import { StoresContext } from './context';
import { useShortcuts } from './shortcuts';
import type { WorkerStatus } from './useTrainingWorker';

afterEach(cleanup);

function renderHeader({
  status = { kind: 'ready' } as WorkerStatus,
  showLessons = true,
  backend = 'auto' as BackendName | 'auto',
} = {}) {
  const settings = createSettingsStore({ ...initialSettings(), backend });
  const run = createRunStore();
  const openHelp = vi.fn();
  const onOpenLessons = vi.fn();
  const onOpenSavedRuns = vi.fn();
  const resolve = createActionResolver({
    workspace: createWorkspaceStore(),
    run,
    compare: { togglePlayAll: vi.fn(), stepAll: vi.fn(), resetAll: vi.fn() },
    session: null,
    openHelp,
  });
  function Page() {
    useShortcuts(resolve);
    return (
      <StoresContext.Provider value={{ settings, run }}>
        <ActionsContext.Provider value={resolve}>
          <AppHeader
            status={status}
            showLessons={showLessons}
            onOpenLessons={onOpenLessons}
            onOpenSavedRuns={onOpenSavedRuns}
          />
        </ActionsContext.Provider>
      </StoresContext.Provider>
    );
  }
  render(<Page />);
  return { settings, run, openHelp, onOpenLessons, onOpenSavedRuns };
}

const badge = () => screen.getByRole('status', { name: 'Backend' });

describe('AppHeader', () => {
  it('shows the title and the page-wide buttons, each opening its dialog', () => {
    const { openHelp, onOpenLessons, onOpenSavedRuns } = renderHeader();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('GAN Playground');
    fireEvent.click(screen.getByRole('button', { name: 'Lessons' }));
    fireEvent.click(screen.getByRole('button', { name: 'Saved runs' }));
    expect(onOpenLessons).toHaveBeenCalledTimes(1);
    expect(onOpenSavedRuns).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: 'Saved runs' }).getAttribute('aria-haspopup')).toBe(
      'dialog',
    );
    expect(openHelp).not.toHaveBeenCalled();
  });

  it('the Keyboard shortcuts button and ? open the same help', () => {
    const { openHelp } = renderHeader();
    const help = screen.getByRole('button', { name: 'Keyboard shortcuts' });
    expect(help.getAttribute('aria-keyshortcuts')).toBe('?');
    fireEvent.click(help);
    fireEvent.keyDown(window, { key: '?' });
    expect(openHelp).toHaveBeenCalledTimes(2);
  });

  it('hides Lessons when a teacher’s link does', () => {
    renderHeader({ showLessons: false });
    expect(screen.queryByRole('button', { name: 'Lessons' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Saved runs' })).toBeTruthy();
  });

  it('the theme button cycles system → dark → light → system', () => {
    const { settings } = renderHeader();
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const button = screen.getByRole('button', { name: /^Theme: / });
      seen.push(`${button.textContent} (${button.getAttribute('title')})`);
      fireEvent.click(button);
    }
    expect(seen).toEqual([
      'Theme: system (Switch to dark)',
      'Theme: dark (Switch to light)',
      'Theme: light (Switch to system)',
      'Theme: system (Switch to dark)',
    ]);
    expect(settings.getState().theme).toBe('dark');
  });

  it('presentation mode is a toggle button', () => {
    const { settings } = renderHeader();
    const button = screen.getByRole('button', { name: 'Presentation mode' });
    expect(button.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(button);
    expect(settings.getState().presentation).toBe(true);
    expect(button.getAttribute('aria-pressed')).toBe('true');
  });

  it('the backend badge: starting, failed, and the backend with why it was chosen', () => {
    renderHeader({ status: { kind: 'starting' } });
    expect(badge().textContent).toBe('Backend: starting the training worker…');
    cleanup();

    renderHeader({ status: { kind: 'error', message: 'no backend could start' } });
    expect(badge().textContent).toBe('Backend: unavailable (no backend could start)');
    expect(badge().getAttribute('title')).toBe('no backend could start');
    cleanup();

    const { run } = renderHeader({ backend: 'wasm' });
    expect(badge().textContent).toBe('Backend: starting the training worker…');
    act(() =>
      run.setState({ backend: 'wasm', wasmThreads: 4, fallbackReasons: ['webgpu: no adapter'] }),
    );
    expect(badge().textContent).toBe(
      'Backend: wasm (webgpu: no adapter; 4 WASM threads; requested via ?backend=wasm)',
    );
    expect(badge().className).toBe('badge status-ready');
  });
});

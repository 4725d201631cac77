// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createRunStore } from '../store/run';
import type { TrainingSession } from '../store/session';
import { createSettingsStore, initialSettings } from '../store/settings';
import { createWorkspaceStore, type WorkspaceTab } from '../store/workspace';
import {
  ACTIONS,
  ActionsContext,
  createActionResolver,
  type ActionComparison,
  type ActionSession,
} from './actions';
import { SessionContext, StoresContext } from './context';
import { TransportBar } from './controls/TransportBar';
import { HelpDialog } from './HelpDialog';
import { useShortcuts } from './shortcuts';

afterEach(cleanup);

/** The page's wiring of keys and buttons, around the real transport bar. */
function renderPage({ created = true, tab = 'playground' as WorkspaceTab } = {}) {
  const settings = createSettingsStore(initialSettings());
  const run = createRunStore();
  run.setState({ created });
  const workspace = createWorkspaceStore({ tab });
  const session: ActionSession = { togglePlay: vi.fn(), step: vi.fn(), reset: vi.fn() };
  const compare: ActionComparison = { togglePlayAll: vi.fn(), stepAll: vi.fn(), resetAll: vi.fn() };
  const openHelp = vi.fn();
  const resolve = createActionResolver({ workspace, run, compare, session, openHelp });
  function Page() {
    useShortcuts(resolve);
    return (
      <StoresContext.Provider value={{ settings, run }}>
        <SessionContext.Provider value={session as TrainingSession}>
          <ActionsContext.Provider value={resolve}>
            <TransportBar />
            <input aria-label="Seed" />
          </ActionsContext.Provider>
        </SessionContext.Provider>
      </StoresContext.Provider>
    );
  }
  render(<Page />);
  return { session, compare, openHelp, run, workspace };
}

/** Presses `key` on the page; true when the app took it (the browser's default was prevented). */
const press = (key: string, target: Element | Window = window) =>
  !fireEvent.keyDown(target, { key });

describe('one action registry for the keys and the buttons', () => {
  it('each key runs the same handler as its button', () => {
    const { session } = renderPage();
    const cases = [
      { key: ' ', button: 'Play', handler: session.togglePlay, args: [] },
      { key: 's', button: 'Step', handler: session.step, args: [1] },
      { key: 'R', button: 'Reset', handler: session.reset, args: [] },
    ];
    for (const { key, button, handler, args } of cases) {
      expect(press(key)).toBe(true);
      expect(handler).toHaveBeenCalledTimes(1);
      fireEvent.click(screen.getByRole('button', { name: button }));
      expect(handler).toHaveBeenCalledTimes(2);
      expect(vi.mocked(handler).mock.calls).toEqual([args, args]);
    }
  });

  it('the buttons name their keys and words from the registry', () => {
    renderPage();
    for (const id of ['toggle-play', 'step', 'reset'] as const) {
      const button = screen.getByRole('button', { name: ACTIONS[id].label });
      expect(button.getAttribute('aria-keyshortcuts')).toBe(ACTIONS[id].keys);
    }
  });

  it('does nothing while the user types, or with a modifier held', () => {
    const { session } = renderPage();
    const seed = screen.getByRole('textbox', { name: 'Seed' });
    expect(press('s', seed)).toBe(false);
    expect(press(' ', seed)).toBe(false);
    expect(!fireEvent.keyDown(window, { key: 'r', ctrlKey: true })).toBe(false);
    expect(session.step).not.toHaveBeenCalled();
    expect(session.togglePlay).not.toHaveBeenCalled();
    expect(session.reset).not.toHaveBeenCalled();
  });

  it('Space on a focused button presses that button only; the other keys still work there', () => {
    const { session } = renderPage();
    const step = screen.getByRole('button', { name: 'Step' });
    expect(press(' ', step)).toBe(false);
    expect(session.togglePlay).not.toHaveBeenCalled();
    expect(press('s', step)).toBe(true);
    expect(session.step).toHaveBeenCalledWith(1);
  });

  it('before the run exists the buttons are disabled and the keys stay the browser’s', () => {
    const { session, run } = renderPage({ created: false });
    expect(screen.getByRole('button', { name: 'Play' }).hasAttribute('disabled')).toBe(true);
    expect(press(' ')).toBe(false); // Space still scrolls the page
    expect(session.togglePlay).not.toHaveBeenCalled();
    act(() => run.setState({ created: true }));
    expect(press(' ')).toBe(true);
    expect(session.togglePlay).toHaveBeenCalledTimes(1);
  });

  it('on the comparison the keys drive every run; on the Dirac-GAN view nothing', () => {
    const { session, compare, workspace } = renderPage({ tab: 'compare' });
    expect([press(' '), press('s'), press('r')]).toEqual([true, true, true]);
    expect(compare.togglePlayAll).toHaveBeenCalledTimes(1);
    expect(compare.stepAll).toHaveBeenCalledWith(1);
    expect(compare.resetAll).toHaveBeenCalledTimes(1);
    act(() => workspace.getState().setTab('dirac'));
    expect([press(' '), press('s'), press('r')]).toEqual([false, false, false]);
    expect(compare.togglePlayAll).toHaveBeenCalledTimes(1);
    expect(session.togglePlay).not.toHaveBeenCalled();
  });

  it('? opens the help on every view', () => {
    const { openHelp, workspace } = renderPage({ tab: 'dirac' });
    expect(press('?')).toBe(true);
    act(() => workspace.getState().setTab('playground'));
    expect(press('?')).toBe(true);
    expect(openHelp).toHaveBeenCalledTimes(2);
  });

  it('the help list shows every action’s key and words', () => {
    render(<HelpDialog open={false} onClose={() => {}} />);
    const rows = screen
      .getAllByRole('row', { hidden: true })
      .map((row) => row.textContent)
      .slice(0, 4);
    expect(rows).toEqual(Object.values(ACTIONS).map((a) => `${a.keys}${a.description}`));
  });
});

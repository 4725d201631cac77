/** Keyboard shortcuts: which key runs which action (actions.ts), and when a key press is not for us. */
import { useEffect } from 'react';

import { ACTIONS, type ActionId, type ActionResolver } from './actions';

const ACTION_IDS = Object.keys(ACTIONS) as ActionId[];

/** The help list: every action's key and what it does. */
export const SHORTCUTS: { keys: string; action: ActionId; description: string }[] = ACTION_IDS.map(
  (action) => ({ keys: ACTIONS[action].keys, action, description: ACTIONS[action].description }),
);

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

/** True while the user types or operates a control that uses the key itself. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (typeof Element === 'undefined' || !(target instanceof Element)) return false;
  if ((target as HTMLElement).isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    // Space toggles checkboxes; text-like inputs take every key.
    return !['button', 'submit', 'reset', 'range', 'color'].includes(type);
  }
  // Space on a focused button presses that button: leave it alone.
  return false;
}

export function shortcutFor(e: KeyLike): ActionId | null {
  if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return null;
  const key = e.key.toLowerCase();
  const action = ACTION_IDS.find((id) => ACTIONS[id].key === key) ?? null;
  // Space on a focused button, link or summary presses it: leave it alone.
  if (
    action === 'toggle-play' &&
    typeof Element !== 'undefined' &&
    e.target instanceof Element &&
    e.target.closest('button, a, summary')
  ) {
    return null;
  }
  return action;
}

/**
 * Runs each shortcut pressed on the page, as long as the page is shown. A key whose action does
 * nothing where the user is stays the browser's (Space still scrolls).
 */
export function useShortcuts(resolve: ActionResolver): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor(e);
      const run = action === null ? null : resolve(action);
      if (run === null) return;
      e.preventDefault();
      run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [resolve]);
}

/** Keyboard shortcuts: which key does what, and when a key press is not for us. */
export type ShortcutAction = 'toggle-play' | 'step' | 'reset' | 'help';

export const SHORTCUTS: { keys: string; action: ShortcutAction; description: string }[] = [
  { keys: 'Space', action: 'toggle-play', description: 'Play / pause' },
  {
    keys: 'S',
    action: 'step',
    description: 'One step (of the chosen part: D and G, D only, G only)',
  },
  { keys: 'R', action: 'reset', description: 'Reset the run (fresh networks, step 0)' },
  { keys: '?', action: 'help', description: 'Show this list' },
];

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

export function shortcutFor(e: KeyLike): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return null;
  if (e.key === '?') return 'help';
  if (e.key === ' ') {
    if (
      typeof Element !== 'undefined' &&
      e.target instanceof Element &&
      e.target.closest('button, a, summary')
    ) {
      return null;
    }
    return 'toggle-play';
  }
  const key = e.key.toLowerCase();
  if (key === 's') return 'step';
  if (key === 'r') return 'reset';
  return null;
}

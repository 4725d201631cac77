import { describe, expect, it } from 'vitest';

import { shortcutFor } from './shortcuts';

const press = (key: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target: null,
  ...extra,
});

describe('shortcutFor', () => {
  it('maps space, s, r and ?', () => {
    expect(shortcutFor(press(' '))).toBe('toggle-play');
    expect(shortcutFor(press('s'))).toBe('step');
    expect(shortcutFor(press('S'))).toBe('step');
    expect(shortcutFor(press('r'))).toBe('reset');
    expect(shortcutFor(press('?'))).toBe('help');
    expect(shortcutFor(press('x'))).toBeNull();
  });

  it('leaves browser shortcuts alone', () => {
    expect(shortcutFor(press('r', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press('s', { metaKey: true }))).toBeNull();
  });
});

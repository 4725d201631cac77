import { describe, expect, it } from 'vitest';

import { errorMessage } from './errors';

describe('errorMessage', () => {
  it('is the message of an Error, or its name when the message is empty', () => {
    expect(errorMessage(new Error('no run "a"'))).toBe('no run "a"');
    expect(errorMessage(new TypeError(''))).toBe('TypeError');
    expect(errorMessage(new WebAssembly.RuntimeError('Aborted()'))).toBe('Aborted()');
  });

  it('turns anything else thrown into readable text', () => {
    expect(errorMessage('lost')).toBe('lost');
    expect(errorMessage({ code: 7 })).toBe('{"code":7}');
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage(null)).toBe('null');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(errorMessage(cyclic)).toBe('[object Object]');
  });
});

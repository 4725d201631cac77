import { describe, expect, it } from 'vitest';
import { formatCounter } from './formatNumber';

describe('formatCounter (issue 14: a G loss of 2.8e17 overflowed its box)', () => {
  it('keeps ordinary values as they were and writes huge ones compactly', () => {
    expect(formatCounter(0.6931, 3)).toBe('0.693');
    expect(formatCounter(-12.5, 3)).toBe('-12.500');
    expect(formatCounter(99_999.5, 1)).toBe('99999.5');
    expect(formatCounter(2.8e17, 3)).toBe('2.80e+17');
    expect(formatCounter(-1e300, 3)).toBe('-1.00e+300');
    for (const x of [1e5, 3.4e38, -Number.MAX_VALUE, 123456789])
      expect(formatCounter(x, 3).length).toBeLessThanOrEqual(10);
  });

  it('shows a dash for what is not a number', () => {
    for (const x of [null, undefined, NaN, Infinity, -Infinity])
      expect(formatCounter(x, 3)).toBe('–');
  });
});

import { describe, expect, it } from 'vitest';
import { RateMeter } from './rateMeter';

describe('RateMeter', () => {
  it('is 0 until two marks span time, then iterations per second', () => {
    const m = new RateMeter(2000);
    expect(m.rate()).toBe(0);
    m.mark(0, 0);
    expect(m.rate()).toBe(0);
    m.mark(500, 10);
    expect(m.rate()).toBe(20);
  });

  it('forgets marks older than the window but keeps one as its start', () => {
    const m = new RateMeter(1000);
    m.mark(0, 0);
    m.mark(100, 100); // 1000/s at first…
    for (let t = 200; t <= 5000; t += 100) m.mark(t, 100 + (t - 100) / 100); // …then 10/s
    expect(m.rate()).toBeCloseTo(10, 6);
    m.reset();
    expect(m.rate()).toBe(0);
  });

  it('coalesces marks closer than 25 ms (bounded memory at high rates)', () => {
    const m = new RateMeter(2000);
    for (let i = 0; i <= 10_000; i++) m.mark(i * 0.2, i); // 5000 iterations/s
    expect(m.rate()).toBeCloseTo(5000, 0);
    expect((m as unknown as { marks: unknown[] }).marks.length).toBeLessThan(200);
  });
});

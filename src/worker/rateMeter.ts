/** Iterations per second over a sliding window of (time, iteration) marks. */
export class RateMeter {
  private marks: { t: number; iteration: number }[] = [];

  constructor(private readonly windowMs = 2000) {}

  reset(): void {
    this.marks = [];
  }

  mark(t: number, iteration: number): void {
    const n = this.marks.length;
    // Marks closer than 25 ms apart add nothing: move the latest instead (bounded memory).
    if (n >= 2 && t - this.marks[n - 2].t < 25) {
      this.marks[n - 1] = { t, iteration };
      return;
    }
    this.marks.push({ t, iteration });
    // Drop marks older than the window, but keep one older mark as the window's start.
    while (this.marks.length > 2 && t - this.marks[1].t >= this.windowMs) this.marks.shift();
  }

  /** 0 until two marks span some time. */
  rate(): number {
    if (this.marks.length < 2) return 0;
    const first = this.marks[0];
    const last = this.marks[this.marks.length - 1];
    const dt = last.t - first.t;
    return dt > 0 ? ((last.iteration - first.iteration) * 1000) / dt : 0;
  }
}

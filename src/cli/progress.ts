/** A one-line progress bar on stderr: steps, steps/s and the latest metrics. */
import type { LogRow } from '../engine/core/trainer';
import type { ToyEvaluation } from '../engine/toy/evaluate';

export class ProgressBar {
  private lastLog?: LogRow;
  private lastEval?: ToyEvaluation;
  private lastDraw = 0;
  private readonly tty = process.stderr.isTTY;

  constructor(private readonly total: number) {}

  update(p: { step: number; stepsPerSecond: number; log?: LogRow; eval?: ToyEvaluation }): void {
    if (p.log) this.lastLog = p.log;
    if (p.eval) this.lastEval = p.eval;
    const now = Date.now();
    // Redraw at most 4×/s on a terminal; in logs, one line per evaluation.
    if (this.tty ? now - this.lastDraw < 250 && p.step < this.total : !p.eval) return;
    this.lastDraw = now;
    const width = 24;
    const filled = Math.round((width * p.step) / this.total);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const parts = [`${bar} ${p.step}/${this.total}`, `${p.stepsPerSecond.toFixed(1)} it/s`];
    if (this.lastLog)
      parts.push(`D ${this.lastLog.dLoss.toFixed(3)} G ${this.lastLog.gLoss.toFixed(3)}`);
    const e = this.lastEval;
    if (e?.totalModes != null)
      parts.push(
        `modes ${e.modesCovered}/${e.totalModes} HQ ${(100 * (e.highQuality ?? 0)).toFixed(1)}% KL ${e.reverseKL?.toFixed(2) ?? '–'}`,
      );
    else if (e) parts.push(`SW ${e.slicedWasserstein.toFixed(3)}`);
    process.stderr.write(this.tty ? `\r${parts.join('  ')}\x1b[K` : `${parts.join('  ')}\n`);
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }
}

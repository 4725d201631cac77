/**
 * Crash detection: a worker can die without a word (killed for memory, a crashed GPU process
 * taking it along, a bug). The client pings it every HEARTBEAT_MS; a ping left unanswered for
 * longer than the silence allowance means the worker is gone.
 */

export const HEARTBEAT_MS = 1000;
export const HEARTBEAT_TIMEOUT_MS = 10_000;
export const COMPILE_TIMEOUT_MS = 60_000;
/** A training worker may be silent for this many of its slowest run's iterations. */
const STEP_ALLOWANCE = 3;

/**
 * How long the worker may leave a ping unanswered before it is taken for dead. A worker computes
 * an iteration in one go, so it cannot answer while one runs: on the pure-JS cpu backend a
 * Stacked MNIST iteration takes tens of seconds. While a run plays, the allowance is therefore
 * STEP_ALLOWANCE × its measured iteration time on top of the base; compiling kernels or a command
 * that builds a model gets the compile allowance.
 */
export function silenceAllowance(opts: {
  baseMs: number;
  compileMs: number;
  compiling: boolean;
  busy: boolean;
  /** Wall time per iteration of each playing run (null: not measured yet). */
  playingStepMs: (number | null)[];
}): number {
  const slowestStep = Math.max(0, ...opts.playingStepMs.map((ms) => ms ?? 0));
  const base = opts.compiling || opts.busy ? opts.compileMs : opts.baseMs;
  return base + STEP_ALLOWANCE * slowestStep;
}

export interface WatchdogHooks {
  /** False while there is nothing to watch (not ready yet, recovering, stopped). */
  watching(): boolean;
  /** The silence allowance now (silenceAllowance). */
  allowanceMs(): number;
  /** A request id for the next ping. */
  pingId(): number;
  /** Sends the ping (once it is recorded: a worker in this thread may answer at once). */
  sendPing(requestId: number): void;
  /** The worker has been silent for longer than allowed. */
  silent(reason: string): void;
}

/** Pings the worker on an interval and calls `silent` when a ping goes unanswered too long. */
export class SilenceWatchdog {
  private lastHeard = 0;
  private ping: { id: number; sentAt: number } | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly hooks: WatchdogHooks) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.check(), intervalMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Any message from the worker proves it alive. */
  heard(): void {
    this.lastHeard = performance.now();
  }

  /** A new worker: no ping outstanding, and it counts as just heard from. */
  restart(): void {
    this.ping = null;
    this.heard();
  }

  /** The event answers the current ping (nobody else's news). */
  isPingAnswer(requestId: number | undefined): boolean {
    return this.ping !== null && requestId === this.ping.id;
  }

  /** Called every interval, and at once when the worker reports an error. */
  check(): void {
    if (!this.hooks.watching()) return;
    const t = performance.now();
    if (this.ping !== null) {
      if (this.lastHeard >= this.ping.sentAt) {
        this.ping = null;
      } else {
        if (t - this.ping.sentAt > this.hooks.allowanceMs()) {
          this.hooks.silent(`no answer for ${((t - this.ping.sentAt) / 1000).toFixed(1)} s`);
        }
        return;
      }
    }
    this.ping = { id: this.hooks.pingId(), sentAt: t };
    this.hooks.sendPing(this.ping.id);
  }
}

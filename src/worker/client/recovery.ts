/**
 * Crash recovery: after a crash the client starts a new worker and recreates every run there from
 * the journal (runJournal.ts) — from the run's last snapshot with its latest settings and stream
 * options, playing again if it was — unless the worker keeps crashing.
 */
import { errorMessage } from '../../errors';
import type {
  TrainerSnapshot,
  WorkerCommandBody,
  WorkerEvent,
  WorkerEventOf,
} from '../../protocol';
import { runSpec } from './rpc';
import type { RunRecord } from './runJournal';

const RESTART_WINDOW_MS = 5 * 60_000;

/** Restarts allowed within RESTART_WINDOW_MS; one more is a crash loop, and the client gives up. */
export class RestartBudget {
  private restarts: number[] = [];

  constructor(private readonly max: number) {}

  /** Counts a restart now; false (and not counted) when the budget is spent. */
  take(): boolean {
    const t = performance.now();
    this.restarts = this.restarts.filter((at) => t - at < RESTART_WINDOW_MS);
    if (this.restarts.length >= this.max) return false;
    this.restarts.push(t);
    return true;
  }
}

/**
 * Recreates each run in the new worker: restored from its snapshot (from scratch when there is
 * none or the worker refuses it), then played if it was playing. A run that cannot be recreated
 * is reported with an error event; the others go on.
 */
export async function restoreRuns(
  runs: [string, RunRecord][],
  send: (body: WorkerCommandBody) => Promise<unknown>,
  emit: (event: WorkerEvent) => void,
): Promise<WorkerEventOf<'worker-restarted'>['runs']> {
  const restored: WorkerEventOf<'worker-restarted'>['runs'] = [];
  for (const [runId, record] of runs) {
    const { snapshot, stream, config, playing, iteration } = record;
    let from: 'snapshot' | 'scratch' = 'scratch';
    if (snapshot) {
      try {
        await send({
          type: 'restore',
          runId,
          kind: runSpec(config).kind,
          snapshot,
          config,
          stream,
        });
        from = 'snapshot';
      } catch {
        // e.g. the settings changed architecture after the snapshot: start from scratch
      }
    }
    try {
      if (from === 'scratch') await send({ type: 'create', runId, stream, ...runSpec(config) });
      const start = from === 'snapshot' ? snapshot!.iteration : 0;
      restored.push({
        runId,
        iteration: start,
        lostIterations: Math.max(0, iteration - start),
        restoredFrom: from,
      });
      if (playing) await send({ type: 'play', runId });
    } catch (error) {
      emit({
        type: 'error',
        runId,
        message: `could not restore the run after a worker crash: ${errorMessage(error)}`,
      });
    }
  }
  return restored;
}

/** What a run says when the client gave up on a crash loop: stopped, and what can be saved. */
export function stoppedNotice(reason: string, snapshot: TrainerSnapshot | null): string {
  const kept = snapshot
    ? ` Its last snapshot, at step ${snapshot.iteration}, can still be saved (Saved runs → Save current run) and exported from there.`
    : '';
  return `Training stopped: the training worker keeps crashing (${reason}).${kept} Reload the page to train again.`;
}

/**
 * Worker crash: the client notices a silent worker, starts a new one and restores each run from
 * the last snapshot the worker streamed, with the latest settings, playing again if it was.
 *
 * The workers (RunManagers in this process) run in real time; the client's clock is fake (its
 * heartbeat interval and performance.now), so a test decides when silence has lasted long
 * enough, and a slow machine cannot make a busy worker look dead.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// Renamed: the React hooks lint rule would take a `use…` function for a hook.
import { useNodeBackend as switchNodeBackend } from '../engine/core/backend';
import { tinyConfig } from '../engine/testing/tinyConfig';
import type { StreamOptions, WorkerCommand, WorkerEvent, WorkerEventOf } from '../protocol';
import { TrainingClient, type WorkerEndpoint } from './client';
import { silenceAllowance } from './client/heartbeat';
import { ToyGanTrainer } from '../engine/core/trainer';
import { RunManager } from './runManager';

const STREAM: Partial<StreamOptions> = {
  sampleCount: 16,
  evalEvery: 0,
  snapshotEvery: 5,
  streamSnapshots: true,
};
const HEARTBEAT_MS = 20;
const HEARTBEAT_TIMEOUT_MS = 400;
/** The first ping after a death goes unanswered; the check one heartbeat past the timeout sees it. */
const NOTICED_AFTER = `no answer for ${((HEARTBEAT_TIMEOUT_MS + HEARTBEAT_MS) / 1000).toFixed(1)} s`;

/** The workers keep real time (their time slices and pacing), whatever the client's clock says. */
const realNow = performance.now.bind(performance);

interface FakeWorker {
  alive: boolean;
  manager: RunManager;
  /** Sees what the worker posts once dead (nobody receives it). */
  afterDeath: (event: WorkerEvent) => void;
}

/** Workers as RunManagers in this process; `kill()` silences the current one for good. */
function workers() {
  const managers: RunManager[] = [];
  let current: FakeWorker | null = null;
  const spawn = (): WorkerEndpoint => {
    let deliver: (e: MessageEvent<unknown>) => void = () => {};
    const state: FakeWorker = {
      alive: true,
      manager: null as unknown as RunManager,
      afterDeath: () => {},
    };
    state.manager = new RunManager(
      (event, transfer) => {
        if (!state.alive) return state.afterDeath(event);
        // A worker's postMessage: structured clone, transferred buffers detached.
        const copy = structuredClone(event, { transfer: transfer as Transferable[] });
        setTimeout(() => state.alive && deliver({ data: copy } as MessageEvent), 0);
      },
      {
        selectBackend: async () => {
          await switchNodeBackend('wasm');
          return { backend: 'wasm', fallbackReasons: [] };
        },
        fallBack: () => Promise.reject(new Error('no fallback in this test')),
        loseDevice: () => {
          throw new Error('no device');
        },
        now: realNow,
      },
    );
    managers.push(state.manager);
    current = state;
    return {
      postMessage: (message: WorkerCommand) => {
        if (state.alive) state.manager.handle(structuredClone(message));
      },
      addEventListener: (type: string, listener: (e: never) => void) => {
        if (type === 'message') deliver = listener as (e: MessageEvent<unknown>) => void;
      },
      terminate: () => {
        state.alive = false;
      },
    };
  };
  /**
   * The worker dies: no more messages either way. Its runs are disposed first and their disposal
   * awaited, so that they stop computing (the tfjs engine is shared with the next worker).
   */
  async function kill(runIds: string[]) {
    const dead = current!;
    dead.alive = false;
    const left = new Set(runIds.map((_, i) => 1_000_000 + i));
    const disposed = new Promise<void>((resolve) => {
      dead.afterDeath = (event) => {
        if (event.requestId !== undefined && left.delete(event.requestId) && left.size === 0)
          resolve();
      };
    });
    runIds.forEach((runId, i) =>
      dead.manager.handle({ type: 'dispose', runId, requestId: 1_000_000 + i }),
    );
    if (left.size > 0) await disposed;
  }
  return { spawn, kill, managers };
}

/** Lets the client's heartbeat run (fake time) until `noticed()`: the crash is noticed. */
async function heartbeatsUntil(noticed: () => boolean): Promise<void> {
  for (let elapsed = 0; !noticed(); elapsed += HEARTBEAT_MS) {
    if (elapsed > 10 * HEARTBEAT_TIMEOUT_MS) throw new Error('the client missed the crash');
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
  }
}

/** The next event that `match` accepts. */
function nextEvent(client: TrainingClient, match: (e: WorkerEvent) => boolean) {
  return new Promise<WorkerEvent>((resolve) => {
    const off = client.subscribe((e) => {
      if (match(e)) {
        off();
        resolve(e);
      }
    });
  });
}

/** The run's metrics reach `iteration` (it is playing). */
const trainedTo = (client: TrainingClient, runId: string, iteration: number) =>
  nextEvent(client, (e) => e.type === 'metrics' && e.runId === runId && e.iteration >= iteration);

let client: TrainingClient | null = null;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  client?.terminate();
  client = null;
  vi.useRealTimers();
});

function start() {
  const w = workers();
  client = new TrainingClient(w.spawn(), {
    restart: w.spawn,
    heartbeatMs: HEARTBEAT_MS,
    heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
  });
  const events: WorkerEvent[] = [];
  client.subscribe((e) => events.push(e));
  const restarted = () =>
    nextEvent(client!, (e) => e.type === 'worker-restarted') as Promise<
      WorkerEventOf<'worker-restarted'>
    >;
  return { client, w, events, restarted };
}

describe('TrainingClient: worker crash', () => {
  it('a paused run comes back exactly: same iteration, same weights, latest settings', async () => {
    const { client, w, events, restarted } = start();
    const { defaultConfig } = await client.init();
    const config = tinyConfig({ ...defaultConfig, dataset: 'ring8', gWidth: 8, dWidth: 8 });
    await client.create('a', config, STREAM);
    await client.step('a', 7);
    // A live change after the snapshot: the restored run must keep it.
    const live = { ...config, gOptimizer: { ...config.gOptimizer, lr: 0.005 } };
    expect(await client.configure('a', live)).toBe(false);
    const before = await client.sample('a');
    expect(client.lastSnapshot('a')?.iteration).toBe(7);

    const done = restarted();
    await w.kill(['a']);
    // Silence shorter than the timeout is not a crash.
    await vi.advanceTimersByTimeAsync(HEARTBEAT_TIMEOUT_MS);
    expect(w.managers).toHaveLength(1);
    await heartbeatsUntil(() => w.managers.length === 2);
    const event = await done;
    expect(event.reason).toBe(NOTICED_AFTER);
    expect(event.runs).toEqual([
      { runId: 'a', iteration: 7, lostIterations: 0, restoredFrom: 'snapshot' },
    ]);

    const after = await client.sample('a');
    expect(after.iteration).toBe(7);
    Array.from(after.points).forEach((v, i) => expect(v).toBeCloseTo(before.points[i], 5));
    const created = events.filter((e) => e.type === 'created').at(-1) as WorkerEventOf<'created'>;
    expect(created.config.gOptimizer.lr).toBe(0.005);
    expect(created.stream.snapshotEvery).toBe(5);
    await client.step('a', 2);
    expect((await client.debugStats()).runs[0]).toMatchObject({ runId: 'a', iteration: 9 });
  });

  it('a live worker that answers its pings is never replaced', async () => {
    const { client, w } = start();
    await client.init();
    for (let i = 0; i < 3 * (HEARTBEAT_TIMEOUT_MS / HEARTBEAT_MS); i++) {
      await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
      // The worker answers in real time; a command's answer comes after the ping's.
      await client.debugStats();
    }
    expect(w.managers).toHaveLength(1);
    expect(client.stopped).toBe(false);
  });

  it('a playing run resumes playing from its last periodic snapshot', async () => {
    const { client, w, restarted } = start();
    const { defaultConfig } = await client.init();
    await client.create('b', tinyConfig({ ...defaultConfig, dataset: 'ring8' }), STREAM);
    const playing = trainedTo(client, 'b', 12);
    await client.play('b');
    await playing;
    const done = restarted();
    // One sent while the new worker starts up (its `ready`) waits until the runs are restored.
    let duringRecovery: Promise<WorkerEventOf<'stats'>> | null = null;
    const off = client.subscribe((e) => {
      if (e.type === 'ready') duringRecovery ??= client.debugStats();
    });
    await w.kill(['b']);
    // A command sent to the dead worker, before the crash is noticed, fails with a reason.
    const lost = client.debugStats().then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await heartbeatsUntil(() => w.managers.length === 2);
    const event = await done;
    expect(await lost).toBe(`the training worker crashed (${NOTICED_AFTER}); restarting it`);
    off();
    expect(duringRecovery).not.toBeNull();
    expect((await duringRecovery!).runs.map((r) => r.runId)).toEqual(['b']);
    const run = event.runs[0];
    expect(run.restoredFrom).toBe('snapshot');
    expect(run.iteration % 5).toBe(0);
    expect(run.iteration).toBeGreaterThanOrEqual(10);
    await trainedTo(client, 'b', run.iteration + 10);
    await client.pause('b');
  });

  it('a wasm abort (fatal error) restarts the worker from the last snapshot, playing on', async () => {
    const { client, w, restarted } = start();
    const { defaultConfig } = await client.init();
    await client.create('c', tinyConfig({ ...defaultConfig, dataset: 'ring8' }), STREAM);
    await client.step('c', 6);
    const done = restarted();
    const step = vi.spyOn(ToyGanTrainer.prototype, 'step').mockImplementationOnce(() => {
      throw new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.');
    });
    try {
      await client.play('c');
      // No heartbeat needed: the fatal error itself is the news.
      const event = await done;
      expect(event.reason).toMatch(/the wasm backend failed .*Aborted\(\)/);
      expect(event.runs).toEqual([
        { runId: 'c', iteration: 6, lostIterations: 0, restoredFrom: 'snapshot' },
      ]);
    } finally {
      step.mockRestore();
    }
    expect(w.managers).toHaveLength(2);
    await trainedTo(client, 'c', 10);
    await client.pause('c');
  });

  it('gives up after repeated crashes instead of looping', async () => {
    const { client, w, events, restarted } = start();
    const { defaultConfig } = await client.init();
    await client.create('d', tinyConfig({ ...defaultConfig, dataset: 'ring8' }), STREAM);
    await client.step('d', 3);
    for (let restarts = 1; restarts <= 3; restarts++) {
      const done = restarted();
      await w.kill(['d']);
      await heartbeatsUntil(() => w.managers.length === restarts + 1);
      await done; // the new worker has the run again before it dies in turn
    }
    await w.kill(['d']);
    await heartbeatsUntil(() => client.stopped);
    expect(w.managers).toHaveLength(4); // the first and three restarts
    await expect(client.debugStats()).rejects.toThrow(/terminated/);
    // The true state (issue 14): the run is stopped, not training, and its last snapshot is
    // still here to be saved.
    const phases = events.filter((e) => e.type === 'phase' && e.runId === 'd');
    expect(phases.at(-1)).toMatchObject({ phase: 'paused' });
    const snapshot = client.lastSnapshot('d');
    expect(snapshot?.iteration).toBeGreaterThanOrEqual(3);
    const notice = events.filter((e) => e.type === 'error' && e.runId === 'd').at(-1);
    expect(errorOf(notice!)).toBe(
      `Training stopped: the training worker keeps crashing (${NOTICED_AFTER}). Its last snapshot, at step ${snapshot!.iteration}, can still be saved (Saved runs → Save current run) and exported from there. Reload the page to train again.`,
    );
  });
});

function errorOf(e: WorkerEvent): string {
  return e.type === 'error' ? e.message : '';
}

describe('silenceAllowance', () => {
  const base = { baseMs: 10_000, compileMs: 60_000, compiling: false, busy: false };

  it('is the heartbeat timeout for an idle worker or fast runs', () => {
    expect(silenceAllowance({ ...base, playingStepMs: [] })).toBe(10_000);
    expect(silenceAllowance({ ...base, playingStepMs: [null, 5] })).toBe(10_015);
  });

  it('grows with the slowest playing run: a 30 s cpu iteration is not a crash', () => {
    // Stacked MNIST on the cpu backend: one iteration blocks the worker for ~30 s.
    const limit = silenceAllowance({ ...base, playingStepMs: [4, 30_000] });
    expect(limit).toBe(100_000);
    expect(limit).toBeGreaterThan(30_000 + 10_000);
  });

  it('gives compiling kernels and slow commands the compile allowance', () => {
    expect(silenceAllowance({ ...base, compiling: true, playingStepMs: [] })).toBe(60_000);
    expect(silenceAllowance({ ...base, busy: true, playingStepMs: [1000] })).toBe(63_000);
  });
});

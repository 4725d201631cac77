/**
 * Worker crash: the client notices a silent worker, starts a new one and restores each run from
 * the last snapshot the worker streamed, with the latest settings, playing again if it was.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
// Renamed: the React hooks lint rule would take a `use…` function for a hook.
import { useNodeBackend as switchNodeBackend } from '../engine/backend';
import { tinyConfig } from '../engine/testing/tinyConfig';
import type { StreamOptions, WorkerCommand, WorkerEvent, WorkerEventOf } from '../protocol';
import { TrainingClient, type WorkerEndpoint } from './client';
import { silenceAllowance } from './client/heartbeat';
import { ToyGanTrainer } from '../engine/trainer';
import { RunManager } from './runManager';

const STREAM: Partial<StreamOptions> = {
  sampleCount: 16,
  evalEvery: 0,
  snapshotEvery: 5,
  streamSnapshots: true,
};

/** Workers as RunManagers in this process; `kill()` silences the current one for good. */
function workers() {
  const managers: RunManager[] = [];
  let current: { alive: boolean; manager: RunManager } | null = null;
  const spawn = (): WorkerEndpoint => {
    let deliver: (e: MessageEvent<unknown>) => void = () => {};
    const state = { alive: true, manager: null as unknown as RunManager };
    state.manager = new RunManager(
      (event, transfer) => {
        if (!state.alive) return;
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
  /** The worker dies: no more messages either way, and its runs stop computing. */
  async function kill(runIds: string[]) {
    const dead = current!;
    dead.alive = false;
    for (const runId of runIds) dead.manager.handle({ type: 'dispose', runId });
    while (!dead.manager.idle) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { spawn, kill, managers };
}

let client: TrainingClient | null = null;
afterEach(() => client?.terminate());

function start() {
  const w = workers();
  client = new TrainingClient(w.spawn(), {
    restart: w.spawn,
    heartbeatMs: 20,
    heartbeatTimeoutMs: 400,
  });
  const events: WorkerEvent[] = [];
  client.subscribe((e) => events.push(e));
  const restarted = () =>
    new Promise<WorkerEventOf<'worker-restarted'>>((resolve) => {
      const off = client!.subscribe((e) => {
        if (e.type === 'worker-restarted') {
          off();
          resolve(e);
        }
      });
    });
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
    const event = await done;
    expect(event.reason).toMatch(/no answer for [\d.]+ s/);
    expect(event.runs).toEqual([
      { runId: 'a', iteration: 7, lostIterations: 0, restoredFrom: 'snapshot' },
    ]);
    expect(w.managers).toHaveLength(2);

    const after = await client.sample('a');
    expect(after.iteration).toBe(7);
    Array.from(after.points).forEach((v, i) => expect(v).toBeCloseTo(before.points[i], 5));
    const created = events.filter((e) => e.type === 'created').at(-1) as WorkerEventOf<'created'>;
    expect(created.config.gOptimizer.lr).toBe(0.005);
    expect(created.stream.snapshotEvery).toBe(5);
    await client.step('a', 2);
    expect((await client.debugStats()).runs[0]).toMatchObject({ runId: 'a', iteration: 9 });
  });

  it('a playing run resumes playing from its last periodic snapshot', async () => {
    const { client, w, restarted } = start();
    const { defaultConfig } = await client.init();
    await client.create('b', tinyConfig({ ...defaultConfig, dataset: 'ring8' }), STREAM);
    await client.play('b');
    const iterationOf = async () => (await client.debugStats()).runs[0]?.iteration ?? 0;
    while ((await iterationOf()) < 12) await new Promise((resolve) => setTimeout(resolve, 10));
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
    const event = await done;
    expect(await lost).toMatch(/the training worker crashed \(no answer for [\d.]+ s\)/);
    off();
    expect(duringRecovery).not.toBeNull();
    expect((await duringRecovery!).runs.map((r) => r.runId)).toEqual(['b']);
    const run = event.runs[0];
    expect(run.restoredFrom).toBe('snapshot');
    expect(run.iteration % 5).toBe(0);
    expect(run.iteration).toBeGreaterThanOrEqual(10);
    while ((await iterationOf()) < run.iteration + 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
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
      const event = await done;
      expect(event.reason).toMatch(/the wasm backend failed .*Aborted\(\)/);
      expect(event.runs).toEqual([
        { runId: 'c', iteration: 6, lostIterations: 0, restoredFrom: 'snapshot' },
      ]);
    } finally {
      step.mockRestore();
    }
    expect(w.managers).toHaveLength(2);
    const iterationOf = async () => (await client.debugStats()).runs[0]?.iteration ?? 0;
    while ((await iterationOf()) < 10) await new Promise((resolve) => setTimeout(resolve, 10));
    await client.pause('c');
  });

  it('gives up after repeated crashes instead of looping', async () => {
    const { client, w, events } = start();
    const { defaultConfig } = await client.init();
    await client.create('d', tinyConfig({ ...defaultConfig, dataset: 'ring8' }), STREAM);
    await client.step('d', 3);
    for (let i = 0; i < 4; i++) {
      const count = w.managers.length;
      await w.kill(['d']);
      while (
        w.managers.length === count &&
        !events.some((e) => /keeps crashing/.test(errorOf(e)))
      ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Let the new worker restore the run before killing it again.
      while (i < 3 && events.filter((e) => e.type === 'worker-restarted').length <= i) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    expect(w.managers).toHaveLength(4); // the first and three restarts
    expect(events.some((e) => /keeps crashing/.test(errorOf(e)))).toBe(true);
    await expect(client.debugStats()).rejects.toThrow(/terminated/);
    // The true state (issue 14): the run is stopped, not training, and its last snapshot is
    // still here to be saved.
    expect(client.stopped).toBe(true);
    const phases = events.filter((e) => e.type === 'phase' && e.runId === 'd');
    expect(phases.at(-1)).toMatchObject({ phase: 'paused' });
    const snapshot = client.lastSnapshot('d');
    expect(snapshot?.iteration).toBeGreaterThanOrEqual(3);
    const notice = events.filter((e) => e.type === 'error' && e.runId === 'd').at(-1);
    expect(errorOf(notice!)).toBe(
      `Training stopped: the training worker keeps crashing (no answer for ${/no answer for ([\d.]+) s/.exec(errorOf(notice!))![1]} s). Its last snapshot, at step ${snapshot!.iteration}, can still be saved (Saved runs → Save current run) and exported from there. Reload the page to train again.`,
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

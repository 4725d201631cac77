/**
 * The snapshot protocol behind crash recovery: `snapshot` answers with the run's state, periodic
 * snapshots stream when asked (and not otherwise), `restore` rebuilds a run from one, and bad
 * snapshots are refused with a reason instead of a half-built run.
 */
import { describe, expect, it } from 'vitest';
// Renamed: the React hooks lint rule would take a `use…` function for a hook.
import { useNodeBackend as switchNodeBackend } from '../engine/core/backend';
import { tinyConfig } from '../engine/testing/tinyConfig';
import type { WorkerCommandBody, WorkerEvent, WorkerEventOf } from '../protocol';
import { RunManager } from './runManager';

function harness() {
  const events: WorkerEvent[] = [];
  let nextRequestId = 1;
  const manager = new RunManager((event) => events.push(event), {
    selectBackend: async () => {
      await switchNodeBackend('wasm');
      return { backend: 'wasm', fallbackReasons: [] };
    },
    fallBack: () => Promise.reject(new Error('no fallback')),
    loseDevice: () => {
      throw new Error('no device');
    },
  });
  async function request(body: WorkerCommandBody): Promise<WorkerEvent[]> {
    const requestId = nextRequestId++;
    manager.handle({ ...body, requestId });
    for (;;) {
      const end = events.find(
        (e) => e.requestId === requestId && (e.type === 'ack' || e.type === 'error'),
      );
      if (end?.type === 'error') throw new Error(end.message);
      if (end) return events.filter((e) => e.requestId === requestId);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  const snapshots = (runId: string) =>
    events.filter(
      (e): e is WorkerEventOf<'snapshot'> => e.type === 'snapshot' && e.runId === runId,
    );
  return { manager, events, request, snapshots };
}

const CONFIG = tinyConfig({ gWidth: 8, dWidth: 8 });
const STREAM = { sampleCount: 16, evalEvery: 0, snapshotEvery: 4 };

describe('RunManager: snapshots and restore', () => {
  it('streams snapshots only when asked; restore continues from one exactly', async () => {
    const h = harness();
    await h.request({ type: 'init' });
    await h.request({
      type: 'create',
      runId: 'quiet',
      kind: 'toy',
      config: CONFIG,
      stream: STREAM,
    });
    await h.request({ type: 'step', runId: 'quiet', n: 9 });
    expect(h.snapshots('quiet')).toEqual([]);

    const stream = { ...STREAM, streamSnapshots: true };
    await h.request({ type: 'create', runId: 'a', kind: 'toy', config: CONFIG, stream });
    await h.request({ type: 'step', runId: 'a', n: 9 });
    // At creation (0), every 4 steps (4, 8) and at rest after the step command (9).
    expect(h.snapshots('a').map((e) => e.iteration)).toEqual([0, 4, 8, 9]);

    const answer = await h.request({ type: 'snapshot', runId: 'a' });
    const snapshot = answer.find((e): e is WorkerEventOf<'snapshot'> => e.type === 'snapshot')!;
    expect(snapshot.iteration).toBe(9);
    const before = (await h.request({ type: 'sample', runId: 'a' })).find(
      (e): e is WorkerEventOf<'samples'> => e.type === 'samples',
    )!;

    const restored = await h.request({
      type: 'restore',
      runId: 'b',
      kind: 'toy',
      snapshot: snapshot.snapshot,
      config: { ...CONFIG, r1Gamma: 0.7 }, // a live change
      stream,
    });
    const created = restored.find((e): e is WorkerEventOf<'created'> => e.type === 'created')!;
    expect(created.config.r1Gamma).toBe(0.7);
    const metrics = h.events.filter(
      (e): e is WorkerEventOf<'metrics'> => e.type === 'metrics' && e.runId === 'b',
    );
    expect(metrics.at(-1)?.iteration).toBe(9); // the UI shows where it continues from
    const after = (await h.request({ type: 'sample', runId: 'b' })).find(
      (e): e is WorkerEventOf<'samples'> => e.type === 'samples',
    )!;
    Array.from(after.points).forEach((v, i) => expect(v).toBeCloseTo(before.points[i], 5));
    await h.request({ type: 'step', runId: 'b', n: 2 });
    const stats = await h.request({ type: 'debug-stats' });
    const s = stats.find((e): e is WorkerEventOf<'stats'> => e.type === 'stats')!;
    expect(s.runs.find((r) => r.runId === 'b')?.iteration).toBe(11);
    expect(s.backendMemory?.wasmHeapBytes).toBeGreaterThan(0);
  });

  it('refuses snapshots that do not fit, naming why, and leaves no run behind', async () => {
    const h = harness();
    await h.request({ type: 'init' });
    const stream = { ...STREAM, streamSnapshots: true };
    await h.request({ type: 'create', runId: 'a', kind: 'toy', config: CONFIG, stream });
    const snapshot = h.snapshots('a')[0].snapshot;
    const restore = (runId: string, extra: object) =>
      h.request({ type: 'restore', runId, kind: 'toy', snapshot, ...extra } as WorkerCommandBody);

    // Values that do not fill the shapes: rejected by validation.
    await expect(
      restore('x', { snapshot: { ...snapshot, values: snapshot.values.subarray(1) } }),
    ).rejects.toThrow(/invalid "restore" command: snapshot.*do not fill the shapes/);
    // Shapes that do not match the config's networks.
    const wide = { ...snapshot, config: { ...CONFIG, gWidth: 9 } };
    await expect(restore('y', { snapshot: wide })).rejects.toThrow(/cannot restore the snapshot/);
    // Settings that would need other networks.
    await expect(restore('z', { config: { ...CONFIG, gDepth: 3 } })).rejects.toThrow(
      /need new networks/,
    );
    const stats = await h.request({ type: 'debug-stats' });
    const s = stats.find((e): e is WorkerEventOf<'stats'> => e.type === 'stats')!;
    expect(s.runs.map((r) => r.runId)).toEqual(['a']);
  });
});

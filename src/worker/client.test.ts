import { describe, expect, it } from 'vitest';
// Renamed: the React hooks lint rule would take a `use…` function for a hook.
import { useNodeBackend as switchNodeBackend } from '../engine/core/backend';
import type { WorkerCommand, WorkerEvent } from '../protocol';
import { TrainingClient, type WorkerEndpoint } from './client';
import { RunManager } from './runManager';

/** A client wired to a RunManager in this process, through structured clones like a worker. */
function connect(): { client: TrainingClient; events: WorkerEvent[] } {
  let deliver: (e: MessageEvent<unknown>) => void = () => {};
  const manager = new RunManager(
    (event) => deliver({ data: structuredClone(event) } as MessageEvent),
    {
      selectBackend: async () => {
        await switchNodeBackend('wasm');
        return { backend: 'wasm', fallbackReasons: ['WebGPU unavailable: not a browser'] };
      },
      fallBack: () => Promise.reject(new Error('no fallback in this test')),
      loseDevice: () => {
        throw new Error('no device');
      },
    },
  );
  const endpoint: WorkerEndpoint = {
    postMessage: (message: WorkerCommand) => manager.handle(structuredClone(message)),
    addEventListener: (type: string, listener: (e: never) => void) => {
      if (type === 'message') deliver = listener as (e: MessageEvent<unknown>) => void;
    },
    terminate: () => {},
  };
  const client = new TrainingClient(endpoint);
  const events: WorkerEvent[] = [];
  client.subscribe((e) => events.push(e));
  return { client, events };
}

describe('TrainingClient', () => {
  it('wraps the protocol in promises', async () => {
    const { client, events } = connect();
    const ready = await client.init();
    expect(ready.backend).toBe('wasm');
    expect(ready.fallbackReasons).toEqual(['WebGPU unavailable: not a browser']);
    const config = {
      ...ready.defaultConfig,
      dataset: 'ring8' as const,
      gWidth: 8,
      dWidth: 8,
      gDepth: 1,
      dDepth: 1,
      batchSize: 16,
    };
    const created = await client.create('a', config, { sampleCount: 10 });
    expect(created.realSamples).toBeInstanceOf(Float32Array);
    expect(created.realSamples).toHaveLength(20);

    await client.step('a', 3);
    expect((await client.debugStats()).runs).toEqual([
      expect.objectContaining({ runId: 'a', iteration: 3, phase: 'paused' }),
    ]);
    const samples = await client.sample('a');
    expect(samples).toMatchObject({ runId: 'a', iteration: 3, transport: null });
    expect(await client.configure('a', { ...config, r1Gamma: 2 })).toBe(false);
    expect(await client.configure('a', { ...config, gWidth: 4 })).toBe(true);

    await expect(client.play('missing')).rejects.toThrow('no run "missing"');
    await expect(client.debugLoseDevice()).rejects.toThrow('no device');
    await expect(client.step('a', 0)).rejects.toThrow(/invalid "step" command: n/);
    // Listeners see the stream too, errors included.
    expect(events.filter((e) => e.type === 'error')).toHaveLength(3);
    expect(events.some((e) => e.type === 'metrics' && e.runId === 'a')).toBe(true);
    await client.dispose('a');
  });
});

import { describe, expect, it } from 'vitest';

import type { GanConfig, WorkerEvent } from '../protocol';
import type { TrainingClient } from '../worker/client';
import { createRunStore } from './run';
import { TrainingSession } from './session';
import { createSettingsStore, presetConfig } from './settings';

/** Records the commands a session sends; events are pushed by the test. */
function fakeClient() {
  const sent: { type: string; config?: GanConfig; part?: string; n?: number }[] = [];
  const listeners = new Set<(e: WorkerEvent) => void>();
  const client = {
    subscribe(listener: (e: WorkerEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async create(_runId: string, config: GanConfig) {
      sent.push({ type: 'create', config });
    },
    async configure(_runId: string, config: GanConfig) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      sent.push({ type: 'configure', config });
      return false;
    },
    async setStream() {
      sent.push({ type: 'set-stream' });
    },
    async play() {
      sent.push({ type: 'play' });
    },
    async pause() {
      sent.push({ type: 'pause' });
    },
    async step(_runId: string, n: number, part: string) {
      sent.push({ type: 'step', n, part });
    },
    async reset() {
      sent.push({ type: 'reset' });
    },
  };
  const emit = (e: WorkerEvent) => listeners.forEach((l) => l(e));
  return { client: client as unknown as TrainingClient, sent, emit };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TrainingSession', () => {
  it('creates the run with the settings, then sends changed settings (debounced)', async () => {
    const { client, sent } = fakeClient();
    const settings = createSettingsStore();
    const session = new TrainingSession(client, settings, createRunStore());
    await session.start();
    expect(sent[0]).toMatchObject({ type: 'create', config: presetConfig() });
    settings.getState().setLoss('hinge');
    settings.getState().setNumber('gWidth', 32);
    await wait(500);
    const configures = sent.filter((c) => c.type === 'configure');
    expect(configures).toHaveLength(1);
    expect(configures[0].config).toMatchObject({ loss: 'hinge', gWidth: 32 });
    session.dispose();
  });

  it('a step right after a settings change runs with the new settings', async () => {
    const { client, sent } = fakeClient();
    const settings = createSettingsStore();
    const session = new TrainingSession(client, settings, createRunStore());
    await session.start();
    settings.getState().setPenaltyEnabled('r1', true);
    settings.getState().setStepPart('discriminator');
    session.step(3);
    await wait(50);
    expect(sent.slice(1).map((c) => c.type)).toEqual(['configure', 'step']);
    expect(sent[2]).toMatchObject({ n: 3, part: 'discriminator' });
    session.dispose();
  });

  it('adopts a config the worker got from elsewhere (the debug client)', async () => {
    const { client, emit } = fakeClient();
    const settings = createSettingsStore();
    const run = createRunStore();
    const session = new TrainingSession(client, settings, run);
    await session.start();
    const tiny = { ...presetConfig(), gWidth: 16, loss: 'rpgan' as const, r1Gamma: 0.2 };
    emit({
      type: 'created',
      runId: 'main',
      kind: 'toy',
      config: tiny,
      stream: {} as never,
      bounds: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 },
      realSamples: new Float32Array(2),
      parameterCounts: { generator: 1, discriminator: 1 },
    });
    expect(settings.getState().config).toEqual(tiny);
    expect(settings.getState().penalties).toMatchObject({ r1: true, r1Gamma: 0.2 });
    expect(run.getState().created).toBe(true);
    session.dispose();
  });

  it('batches metric rows into the chart history', async () => {
    const { client, emit } = fakeClient();
    const run = createRunStore();
    const session = new TrainingSession(client, createSettingsStore(), run);
    const row = (step: number) => ({
      step,
      dLoss: 1,
      gLoss: 1,
      r1: 0,
      r2: 0,
      dReal: 0,
      dFake: 0,
      gradSqReal: 0,
      gradSqFake: 0,
      dGradNorm: 0,
      gGradNorm: 0,
    });
    for (let i = 0; i < 5; i++) {
      emit({ type: 'metrics', runId: 'main', rows: [row(i)], iteration: i, stepsPerSecond: 1 });
    }
    emit({ type: 'metrics', runId: 'other', rows: [row(99)], iteration: 99, stepsPerSecond: 1 });
    expect(run.getState().metrics.points).toHaveLength(0);
    expect(run.getState().iteration).toBe(4);
    await wait(150);
    expect(run.getState().metrics.points.map((p) => p.step)).toEqual([0, 1, 2, 3, 4]);
    session.dispose();
  });
});

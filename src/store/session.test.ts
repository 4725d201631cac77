import { describe, expect, it } from 'vitest';

import { stackedMnistDefaults } from '../engine/config';
import type {
  AnyGanConfig,
  LogRow,
  StreamOptions,
  TrainerSnapshot,
  WorkerEvent,
} from '../protocol';
import { historyPoints } from './downsample';
import type { TrainingClient } from '../worker/client';
import { appendRows, createRunStore } from './run';
import { IMAGE_STREAM, INTERPOLATION_STEPS, TrainingSession } from './session';
import { createSettingsStore, presetConfig } from './settings';

/** Records the commands a session sends; events are pushed by the test. */
function fakeClient() {
  const sent: {
    type: string;
    config?: AnyGanConfig;
    part?: string;
    n?: number;
    stream?: Partial<StreamOptions>;
    interpolate?: unknown[];
  }[] = [];
  const listeners = new Set<(e: WorkerEvent) => void>();
  const client = {
    subscribe(listener: (e: WorkerEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async create(_runId: string, config: AnyGanConfig, stream?: Partial<StreamOptions>) {
      sent.push({ type: 'create', config, stream });
    },
    async configure(_runId: string, config: AnyGanConfig) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      sent.push({ type: 'configure', config });
      return false;
    },
    async setStream(_runId: string, stream: Partial<StreamOptions>) {
      sent.push({ type: 'set-stream', stream });
    },
    async interpolate(...args: unknown[]) {
      sent.push({ type: 'interpolate', interpolate: args });
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

  it('Play answers at once, before the worker reads the command, and undoes it if refused', async () => {
    const { client, sent } = fakeClient();
    const run = createRunStore();
    const session = new TrainingSession(client, createSettingsStore(), run);
    await session.start();
    let refuse: ((error: Error) => void) | null = null;
    (client as unknown as { play: () => Promise<void> }).play = () =>
      new Promise<void>((_resolve, reject) => {
        refuse = reject;
      });
    session.play();
    // Synchronously: the button says Pause and the phase says kernels are compiling.
    expect(run.getState().phase).toBe('compiling');
    expect(session.playing).toBe(true);
    const settle = async () => {
      for (let i = 0; i < 10; i++) await Promise.resolve();
    };
    await settle();
    expect(refuse).not.toBeNull();
    refuse!(new Error('Training diverged'));
    await settle();
    expect(run.getState().phase).toBe('paused');
    expect(run.getState().notice).toMatchObject({ kind: 'error', text: 'Training diverged' });
    // A compiled run (compileMs known) shows Training rather than Compiling.
    run.setState({ compileMs: 1200 });
    session.play();
    expect(run.getState().phase).toBe('training');
    expect(sent.filter((c) => c.type === 'play')).toHaveLength(0);
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

  it('Stacked MNIST: the image stream first, then the image config; back to toys likewise', async () => {
    const { client, sent } = fakeClient();
    const settings = createSettingsStore();
    const session = new TrainingSession(client, settings, createRunStore());
    await session.start();
    settings.getState().setDataset('stacked-mnist');
    session.step(1);
    await wait(50);
    expect(sent.slice(1).map((c) => c.type)).toEqual(['set-stream', 'configure', 'step']);
    expect(sent[1].stream).toEqual(IMAGE_STREAM);
    expect(IMAGE_STREAM).toMatchObject({
      sampleCount: 64,
      samplesEvery: 50,
      evalEvery: 500,
      evalSamples: 5000,
      heatmapEvery: 0,
      transport: false,
      manifoldResolution: 0,
    });
    expect(sent[2].config).toEqual(stackedMnistDefaults());
    // A live change of the image run: no new stream.
    settings.getState().setLoss('nsgan');
    session.step(1);
    await wait(50);
    expect(sent.slice(4).map((c) => c.type)).toEqual(['configure', 'step']);
    expect(sent[4].config).toMatchObject({ dataset: 'stacked-mnist', loss: 'nsgan' });
    settings.getState().setDataset('ring8');
    session.step(1);
    await wait(50);
    expect(sent.slice(6).map((c) => c.type)).toEqual(['set-stream', 'configure', 'step']);
    expect(sent[6].stream).toMatchObject({ sampleCount: 512, evalEvery: 100 });
    expect(sent[7].config).toEqual(presetConfig());
    session.dispose();
  });

  it('a page opened on Stacked MNIST creates an image run with the image stream', async () => {
    const { client, sent } = fakeClient();
    const settings = createSettingsStore();
    settings.getState().setDataset('stacked-mnist');
    const session = new TrainingSession(client, settings, createRunStore());
    await session.start();
    expect(sent[0]).toEqual({
      type: 'create',
      config: stackedMnistDefaults(),
      stream: IMAGE_STREAM,
    });
    session.dispose();
  });

  it('interpolates between two samples of an image run (and not on a toy run)', async () => {
    const { client, sent } = fakeClient();
    const settings = createSettingsStore();
    const session = new TrainingSession(client, settings, createRunStore());
    await session.start();
    session.interpolate(1, 2, 'lerp');
    await wait(20);
    expect(sent.some((c) => c.type === 'interpolate')).toBe(false);
    settings.getState().setDataset('stacked-mnist');
    session.interpolate(3, 60, 'slerp');
    await wait(50);
    expect(sent.at(-1)).toEqual({
      type: 'interpolate',
      interpolate: ['main', 3, 60, INTERPOLATION_STEPS, 'slerp'],
    });
    expect(INTERPOLATION_STEPS).toBe(10);
    session.dispose();
  });
});

describe('TrainingSession: settings the worker refuses (issue 14)', () => {
  const REFUSAL =
    'These settings (G width 1024 × depth 8, …) need about 5 GB of memory per training step.';

  it('a refused change leaves the controls on the settings that train, with the reason', async () => {
    const { client, sent } = fakeClient();
    const refusing = client as unknown as {
      configure: (id: string, c: AnyGanConfig) => Promise<boolean>;
    };
    refusing.configure = async (_id, config) => {
      sent.push({ type: 'configure', config });
      if (config.batchSize > 1000) throw new Error(REFUSAL);
      return false;
    };
    const settings = createSettingsStore();
    const run = createRunStore();
    const session = new TrainingSession(client, settings, run);
    await session.start();
    settings.getState().setNumber('batchSize', 4096);
    await wait(500);
    expect(run.getState().notice).toEqual({ kind: 'error', text: REFUSAL });
    expect(settings.getState().config.batchSize).toBe(presetConfig().batchSize);
    // The next change is sent from the settings that train, not from the refused ones.
    settings.getState().setNumber('gWidth', 32);
    await wait(500);
    const last = sent.filter((c) => c.type === 'configure').at(-1)!;
    expect(last.config).toMatchObject({ gWidth: 32, batchSize: presetConfig().batchSize });
    session.dispose();
  });

  it('settings refused at start (a link’s) give way to the opening preset, and say so', async () => {
    const { client, sent } = fakeClient();
    const refusing = client as unknown as {
      create: (id: string, c: AnyGanConfig) => Promise<void>;
    };
    refusing.create = async (_id, config) => {
      sent.push({ type: 'create', config });
      if (config.batchSize > 1000) throw new Error(REFUSAL);
    };
    const settings = createSettingsStore();
    settings.getState().adoptConfig({ ...presetConfig(), batchSize: 4096 });
    const run = createRunStore();
    const session = new TrainingSession(client, settings, run);
    await session.start();
    expect(sent.map((c) => c.config?.batchSize)).toEqual([4096, presetConfig().batchSize]);
    expect(settings.getState().config).toEqual(presetConfig());
    expect(run.getState().notice?.text).toBe(`${REFUSAL} The opening preset is loaded instead.`);
    session.dispose();
  });
});

describe('TrainingSession: after the worker kept crashing (issue 14)', () => {
  it('saving captures the last snapshot the client kept, and Play says why nothing happens', async () => {
    const { client } = fakeClient();
    const snapshot = { config: presetConfig(), iteration: 40 } as unknown as TrainerSnapshot;
    const gone = client as unknown as Record<string, unknown>;
    gone.snapshot = () => Promise.reject(new Error('the training worker was terminated'));
    gone.lastSnapshot = () => snapshot;
    gone.play = () => Promise.reject(new Error('the training worker was terminated'));
    gone.stopped = true;
    const settings = createSettingsStore();
    const run = createRunStore();
    const session = new TrainingSession(client, settings, run);
    await session.start();
    const rows = [20, 40, 60].map((step) => ({ step }) as LogRow);
    run.setState((s) => appendRows(s, rows));
    const content = await session.capture();
    expect(content.snapshot).toBe(snapshot);
    expect(historyPoints(content.metrics).map((p) => p.step)).toEqual([20, 40]);
    session.play();
    await wait(10);
    expect(run.getState().notice?.text).toMatch(
      /^Training is stopped: the training worker kept crashing/,
    );
    session.dispose();
  });
});

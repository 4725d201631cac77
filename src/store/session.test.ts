import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { stackedMnistDefaults } from '../engine/core/config';
import type {
  AnyGanConfig,
  LogRow,
  StreamOptions,
  TrainerSnapshot,
  WorkerEvent,
} from '../protocol';
import type { TrainingPort } from '../worker/client/trainingPort';
import { historyPoints } from './downsample';
import { appendRows, createRunStore } from './run';
import {
  CONFIGURE_DEBOUNCE_MS,
  IMAGE_STREAM,
  INTERPOLATION_STEPS,
  ROW_FLUSH_MS,
  streamFor,
  TrainingSession,
} from './session';
import { createSettingsStore, initialSettings, presetConfig } from './settings';

/** How long the fake worker takes to apply settings (other commands answer at once). */
const WORKER_MS = 5;

/** A TrainingPort whose methods a test may replace (a worker that is gone, or refuses). */
type FakePort = { -readonly [K in keyof TrainingPort]: TrainingPort[K] };

/** Records the commands a session sends; events are pushed by the test. No worker. */
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
  const client: FakePort = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async create(_runId, config, stream) {
      sent.push({ type: 'create', config, stream });
    },
    async restore(_runId, snapshot, stream) {
      sent.push({ type: 'restore', config: snapshot.config, stream });
    },
    async configure(_runId, config) {
      sent.push({ type: 'configure', config });
      await new Promise((resolve) => setTimeout(resolve, WORKER_MS));
      return false;
    },
    async setStream(_runId, stream) {
      sent.push({ type: 'set-stream', stream });
    },
    async interpolate(...args) {
      sent.push({ type: 'interpolate', interpolate: args });
    },
    async play() {
      sent.push({ type: 'play' });
    },
    async pause() {
      sent.push({ type: 'pause' });
    },
    async step(_runId, n, part) {
      sent.push({ type: 'step', n, part });
    },
    async reset() {
      sent.push({ type: 'reset' });
    },
    async dispose() {
      sent.push({ type: 'dispose' });
    },
    async snapshot() {
      throw new Error('this fake worker takes no snapshots');
    },
    lastSnapshot: () => null,
    stopped: false,
  };
  const emit = (e: WorkerEvent) => listeners.forEach((l) => l(e));
  return { client, sent, emit };
}

/** Lets the fake worker answer what it was sent (its timers, then the promises after them). */
const answered = () => vi.advanceTimersByTimeAsync(WORKER_MS);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('TrainingSession', () => {
  it('creates the run with the settings, then sends changed settings (debounced)', async () => {
    const { client, sent } = fakeClient();
    const settings = createSettingsStore();
    const session = new TrainingSession(client, settings, createRunStore());
    await session.start();
    expect(sent[0]).toMatchObject({ type: 'create', config: presetConfig() });
    const configures = () => sent.filter((c) => c.type === 'configure');
    settings.getState().setLoss('hinge');
    await vi.advanceTimersByTimeAsync(CONFIGURE_DEBOUNCE_MS - 100);
    // A second edit before the first is sent (typing "32"): the wait starts again.
    settings.getState().setNumber('gWidth', 32);
    await vi.advanceTimersByTimeAsync(CONFIGURE_DEBOUNCE_MS - 1);
    expect(configures()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(configures()).toHaveLength(1);
    expect(configures()[0].config).toMatchObject({ loss: 'hinge', gWidth: 32 });
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
    await answered();
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
    client.play = () =>
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

  it('a switch of backend carries the run: restored from its last snapshot, histories kept', async () => {
    const { client, sent } = fakeClient();
    const settings = createSettingsStore();
    const run = createRunStore();
    const snapshot = {
      config: presetConfig(),
      iteration: 200,
    } as unknown as TrainerSnapshot;
    const restored: TrainerSnapshot[] = [];
    client.lastSnapshot = () => snapshot;
    client.restore = async (_runId, s) => {
      restored.push(s);
    };
    const old = new TrainingSession(client, settings, run);
    run.setState({ iteration: 230, phase: 'training' });
    const carried = old.carry();
    expect(carried).toEqual({ snapshot, playing: true, iteration: 230 });
    old.dispose();

    const next = new TrainingSession(client, settings, run);
    await next.start(carried);
    expect(restored).toEqual([snapshot]);
    expect(sent.map((c) => c.type)).toEqual(['play']); // no create; it was playing
    expect(run.getState().iteration).toBe(200);
    expect(run.getState().notice?.text).toBe(
      "Backend switched: continued from iteration 200, the run's last snapshot (30 iterations are redone).",
    );
    next.dispose();
  });

  it('a refused snapshot starts the run again, and says so', async () => {
    const { client, sent } = fakeClient();
    const run = createRunStore();
    client.restore = async () => {
      throw new Error('the snapshot does not fit');
    };
    const session = new TrainingSession(client, createSettingsStore(), run);
    const snapshot = { config: presetConfig(), iteration: 5 } as unknown as TrainerSnapshot;
    await session.start({ snapshot, playing: false, iteration: 5 });
    expect(sent.map((c) => c.type)).toEqual(['create']);
    expect(run.getState().notice?.text).toMatch(
      /could not continue the run on the new backend \(the snapshot does not fit\)/,
    );
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
    expect(run.getState().iteration).toBe(4);
    await vi.advanceTimersByTimeAsync(ROW_FLUSH_MS - 1);
    expect(run.getState().metrics.points).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
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
    await answered();
    expect(sent.slice(1).map((c) => c.type)).toEqual(['set-stream', 'configure', 'step']);
    expect(sent[1].stream).toEqual(IMAGE_STREAM);
    expect(sent[2].config).toEqual(stackedMnistDefaults());
    // A live change of the image run: no new stream.
    settings.getState().setLoss('nsgan');
    session.step(1);
    await answered();
    expect(sent.slice(4).map((c) => c.type)).toEqual(['configure', 'step']);
    expect(sent[4].config).toMatchObject({ dataset: 'stacked-mnist', loss: 'nsgan' });
    settings.getState().setDataset('ring8');
    session.step(1);
    await answered();
    expect(sent.slice(6).map((c) => c.type)).toEqual(['set-stream', 'configure', 'step']);
    expect(sent[6].stream).toMatchObject({ sampleCount: 512, evalEvery: 100 });
    expect(sent[7].config).toEqual(presetConfig());
    session.dispose();
  });

  it('an image run streams none of the 2-D views, whatever the view toggles say', () => {
    const allOn = { ...initialSettings().view, arrows: true, heatmap: true, manifold: true };
    expect(streamFor(allOn, 'toy')).toMatchObject({
      transport: true,
      heatmapEvery: 20,
      manifoldResolution: 21,
    });
    expect(streamFor(allOn, 'image')).toMatchObject({
      transport: false,
      heatmapEvery: 0,
      manifoldResolution: 0,
    });
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
    await answered();
    expect(sent.some((c) => c.type === 'interpolate')).toBe(false);
    settings.getState().setDataset('stacked-mnist');
    session.interpolate(3, 60, 'slerp');
    await answered();
    expect(sent.at(-1)).toEqual({
      type: 'interpolate',
      interpolate: ['main', 3, 60, INTERPOLATION_STEPS, 'slerp'],
    });
    session.dispose();
  });
});

describe('TrainingSession: settings the worker refuses (issue 14)', () => {
  const REFUSAL =
    'These settings (G width 1024 × depth 8, …) need about 5 GB of memory per training step.';

  it('a refused change leaves the controls on the settings that train, with the reason', async () => {
    const { client, sent } = fakeClient();
    client.configure = async (_id, config) => {
      sent.push({ type: 'configure', config });
      if (config.batchSize > 1000) throw new Error(REFUSAL);
      return false;
    };
    const settings = createSettingsStore();
    const run = createRunStore();
    const session = new TrainingSession(client, settings, run);
    await session.start();
    settings.getState().setNumber('batchSize', 4096);
    await vi.advanceTimersByTimeAsync(CONFIGURE_DEBOUNCE_MS);
    expect(run.getState().notice).toEqual({ kind: 'error', text: REFUSAL });
    expect(settings.getState().config.batchSize).toBe(presetConfig().batchSize);
    // The next change is sent from the settings that train, not from the refused ones.
    settings.getState().setNumber('gWidth', 32);
    await vi.advanceTimersByTimeAsync(CONFIGURE_DEBOUNCE_MS);
    const last = sent.filter((c) => c.type === 'configure').at(-1)!;
    expect(last.config).toMatchObject({ gWidth: 32, batchSize: presetConfig().batchSize });
    session.dispose();
  });

  it('settings refused at start (a link’s) give way to the opening preset, and say so', async () => {
    const { client, sent } = fakeClient();
    client.create = async (_id, config) => {
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
    client.snapshot = () => Promise.reject(new Error('the training worker was terminated'));
    client.lastSnapshot = () => snapshot;
    client.play = () => Promise.reject(new Error('the training worker was terminated'));
    client.stopped = true;
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
    await answered();
    expect(run.getState().notice?.text).toMatch(
      /^Training is stopped: the training worker kept crashing/,
    );
    session.dispose();
  });
});

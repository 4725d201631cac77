/**
 * A minimal training panel: one ring8 run with Play / Pause / Step, its live numbers, and the
 * point cloud. (The full UI — settings, charts, several runs — builds on the same client.)
 */
import { useEffect, useRef, useState } from 'react';

import type { GanConfig, RunPhase, ViewBounds, WorkerEvent } from '../protocol';
import type { TrainingClient } from '../worker/client';
import { drawPointCloud } from './pointCloud';

export const MAIN_RUN_ID = 'main';

interface RunView {
  created: boolean;
  iteration: number;
  stepsPerSecond: number;
  phase: RunPhase;
  dLoss: number | null;
  gLoss: number | null;
  modes: string | null;
  problem: string | null;
}

const INITIAL: RunView = {
  created: false,
  iteration: 0,
  stepsPerSecond: 0,
  phase: 'paused',
  dLoss: null,
  gLoss: null,
  modes: null,
  problem: null,
};

const PHASE_TEXT: Record<RunPhase, string> = {
  paused: 'Paused',
  compiling: 'Compiling kernels (the first steps on a new backend are slow)…',
  training: 'Training',
};

const format = (x: number | null, digits: number) => (x === null ? '–' : x.toFixed(digits));

export function TrainingPanel({
  client,
  defaultConfig,
}: {
  client: TrainingClient;
  defaultConfig: GanConfig;
}) {
  const [view, setView] = useState<RunView>(INITIAL);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const frameCount = useRef(0);

  useEffect(() => {
    const runId = MAIN_RUN_ID;
    let bounds: ViewBounds | null = null;
    let real: Float32Array | null = null;
    let fake: Float32Array | null = null;
    let transport: Float32Array | null = null;
    let iteration = 0;
    let frame = 0;
    const draw = () => {
      frame = 0;
      const canvas = canvasRef.current;
      if (!canvas || !bounds) return;
      drawPointCloud(canvas, { bounds, real, fake, transport });
      frameCount.current++;
      canvas.dataset.frame = String(frameCount.current);
      canvas.dataset.iteration = String(iteration);
    };
    const scheduleDraw = () => {
      if (frame === 0) frame = requestAnimationFrame(draw);
    };

    const onEvent = (event: WorkerEvent) => {
      if (!('runId' in event) || event.runId !== runId) return;
      switch (event.type) {
        case 'created':
          bounds = event.bounds;
          real = event.realSamples;
          fake = null;
          setView((v) => ({ ...v, created: true }));
          scheduleDraw();
          break;
        case 'rebuilt':
          setView((v) => ({ ...v, iteration: 0, dLoss: null, gLoss: null, modes: null }));
          break;
        case 'metrics': {
          const row = event.rows.at(-1);
          setView((v) => ({
            ...v,
            iteration: event.iteration,
            stepsPerSecond: event.stepsPerSecond,
            dLoss: row?.dLoss ?? v.dLoss,
            gLoss: row?.gLoss ?? v.gLoss,
          }));
          break;
        }
        case 'samples':
          fake = event.points;
          transport = event.transport;
          iteration = event.iteration;
          scheduleDraw();
          break;
        case 'eval': {
          const { modesCovered, totalModes } = event.evaluation;
          if (modesCovered !== null && totalModes !== null) {
            setView((v) => ({ ...v, modes: `${modesCovered} / ${totalModes}` }));
          }
          break;
        }
        case 'phase':
          setView((v) => ({ ...v, phase: event.phase }));
          break;
        case 'diverged':
          setView((v) => ({ ...v, problem: event.message }));
          break;
        case 'error':
          setView((v) => ({ ...v, problem: event.message }));
          break;
        case 'heatmap':
        case 'profile':
          break;
        default: {
          const unhandled: never = event;
          void unhandled;
        }
      }
    };

    const unsubscribe = client.subscribe(onEvent);
    // Nothing here depends on the result: events carry it (and errors reach onEvent).
    client
      .create(runId, { ...defaultConfig, dataset: 'ring8' }, { evalEvery: 100, evalSamples: 1000 })
      .catch(() => {});
    return () => {
      unsubscribe();
      if (frame !== 0) cancelAnimationFrame(frame);
      client.dispose(runId).catch(() => {});
    };
  }, [client, defaultConfig]);

  const act = (action: Promise<void>) => {
    setView((v) => ({ ...v, problem: null }));
    action.catch((error: unknown) =>
      setView((v) => ({ ...v, problem: error instanceof Error ? error.message : String(error) })),
    );
  };
  const playing = view.phase !== 'paused';

  return (
    <section className="panel" aria-labelledby="run-heading">
      <h2 id="run-heading">Ring of 8 Gaussians</h2>
      <div className="controls">
        <button
          type="button"
          onClick={() => act(client.play(MAIN_RUN_ID))}
          disabled={!view.created || playing}
        >
          Play
        </button>
        <button
          type="button"
          onClick={() => act(client.pause(MAIN_RUN_ID))}
          disabled={!view.created || !playing}
        >
          Pause
        </button>
        <button
          type="button"
          onClick={() => act(client.step(MAIN_RUN_ID, 1))}
          disabled={!view.created}
        >
          Step
        </button>
      </div>
      <p className="phase" role="status" aria-label="Training phase">
        {view.created ? PHASE_TEXT[view.phase] : 'Creating the run…'}
      </p>
      {view.problem !== null && (
        <p className="notice notice-error" role="alert">
          {view.problem}
        </p>
      )}
      <dl className="metrics">
        <Metric id="iteration" label="Iteration" value={String(view.iteration)} />
        <Metric id="speed" label="Steps/s" value={format(view.stepsPerSecond, 1)} />
        <Metric id="d-loss" label="D loss" value={format(view.dLoss, 3)} />
        <Metric id="g-loss" label="G loss" value={format(view.gLoss, 3)} />
        <Metric id="modes" label="Modes covered" value={view.modes ?? '–'} />
      </dl>
      <canvas
        ref={canvasRef}
        className="samples"
        width={360}
        height={360}
        role="img"
        aria-label="Samples"
      >
        Real data in grey, generated samples in orange.
      </canvas>
      <p className="legend">
        Grey: real data. Orange: the generator&apos;s samples (fixed latents).
      </p>
    </section>
  );
}

function Metric({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div>
      <dt id={`metric-${id}`}>{label}</dt>
      <dd aria-labelledby={`metric-${id}`}>{value}</dd>
    </div>
  );
}

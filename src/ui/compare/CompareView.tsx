/**
 * The comparison: one transport for every run, a grid of synchronised views (same data, same
 * bounds, same layers), each run's "what differs" editor, and overlaid charts with one colour per
 * run. Runs live in the CompareController (store/compare.ts).
 */
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';

import { makeToyDataset, type MixtureInfo, type ToyDatasetName } from '../../engine/toy/datasets';
import type { LossName } from '../../engine/core/lossNames';
import {
  describeDifference,
  MAX_COMPARE_RUNS,
  runLabel,
  type CompareController,
  type CompareRun,
} from '../../store/compare';
import { ACTIONS, PAUSE_LABEL, useAction } from '../actions';
import { CheckField, NumberField, SelectField } from '../controls/Field';
import { downloadCanvas } from '../ExportPanel';
import { LOSS_OPTIONS } from '../controls/SettingsPanel';
import { DARK_PALETTE, LIGHT_PALETTE, drawPlane } from '../views/planeRenderer';
import '../teach.css';

const CompareCharts = lazy(() =>
  import('./CompareCharts').then((m) => ({ default: m.CompareCharts })),
);

function mixtureOf(dataset: ToyDatasetName): MixtureInfo | null {
  if (dataset !== 'ring8' && dataset !== 'grid25') return null;
  return makeToyDataset(dataset).mixture ?? null;
}

export function CompareView({
  controller,
  onCopyPlayground,
  hidden = [],
}: {
  controller: CompareController;
  /** Starts the comparison from the playground's current settings. */
  onCopyPlayground: () => void;
  hidden?: readonly string[];
}) {
  const runs = useStore(controller.store, (s) => s.runs);
  const attached = useStore(controller.store, (s) => s.attached);
  const [stepN, setStepN] = useState(10);
  const playing = useAnyPlaying(runs);
  const base = runs[0]?.settings.getState().config;
  // The keys run the same actions on every run at once while the comparison is shown.
  const playAll = useAction('toggle-play');
  const resetAll = useAction('reset');

  return (
    <section className="compare" aria-labelledby="compare-heading">
      <div className="compare-bar teach-card">
        <div className="compare-title">
          <h2 id="compare-heading">Compare</h2>
          <p className="small muted">
            {runs.length} runs on the same data, seed and initial weights
            {base ? ` (${base.dataset}, seed ${base.seed}, G ${base.gDepth}×${base.gWidth})` : ''};
            change one thing per run.
          </p>
        </div>
        <div className="transport-buttons" role="group" aria-label="Comparison controls">
          <button
            type="button"
            className="primary play"
            disabled={!attached || runs.length === 0}
            onClick={playAll}
          >
            {`${playing ? PAUSE_LABEL : ACTIONS['toggle-play'].label} all`}
          </button>
          <button
            type="button"
            disabled={!attached || runs.length === 0}
            onClick={() => controller.stepAll(stepN)}
          >
            {`Step all ×${stepN}`}
          </button>
          <button type="button" disabled={!attached || runs.length === 0} onClick={resetAll}>
            {`${ACTIONS.reset.label} all`}
          </button>
          <div className="compare-n">
            <NumberField
              label="N"
              value={stepN}
              min={1}
              max={1000}
              step={1}
              onCommit={(v) => setStepN(Math.round(v))}
            />
          </div>
          <button type="button" className="link-button" onClick={onCopyPlayground}>
            Start again from the playground’s settings
          </button>
        </div>
      </div>
      {runs.length === 0 ? (
        <p className="teach-card muted">No runs yet.</p>
      ) : (
        <div className={`compare-grid compare-grid-${runs.length}`}>
          {runs.map((run, i) => (
            <CompareCell
              key={run.id}
              run={run}
              index={i}
              controller={controller}
              canDuplicate={runs.length < MAX_COMPARE_RUNS}
              canRemove={runs.length > 1}
              hidden={hidden}
            />
          ))}
        </div>
      )}
      <Suspense fallback={<section className="charts" aria-label="Comparison charts (loading)" />}>
        <CompareCharts runs={runs} />
      </Suspense>
    </section>
  );
}

/** Whether any run plays (re-renders when a run's phase changes). */
function useAnyPlaying(runs: CompareRun[]): boolean {
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    const update = () =>
      setPlaying(
        runs.some((r) => {
          const s = r.run.getState();
          return s.phase !== 'paused' || s.slowMotion;
        }),
      );
    update();
    const offs = runs.map((r) => r.run.subscribe(update));
    return () => offs.forEach((off) => off());
  }, [runs]);
  return playing;
}

function CompareCell({
  run,
  index,
  controller,
  canDuplicate,
  canRemove,
  hidden,
}: {
  run: CompareRun;
  index: number;
  controller: CompareController;
  canDuplicate: boolean;
  canRemove: boolean;
  hidden: readonly string[];
}) {
  const config = useStore(run.settings, (s) => s.config);
  const penalties = useStore(run.settings, (s) => s.penalties);
  const iteration = useStore(run.run, (s) => s.iteration);
  const evaluation = useStore(run.run, (s) => s.evaluation);
  const notice = useStore(run.run, (s) => s.notice);
  const phase = useStore(run.run, (s) => s.phase);
  const first = controller.store.getState().runs[0];
  const diff =
    index === 0 || !first
      ? 'reference'
      : describeDifference(config, first.settings.getState().config);
  const api = run.settings.getState();
  const letter = String.fromCharCode(65 + index);
  const [renaming, setRenaming] = useState(false);
  const label = runLabel(run);

  return (
    <article
      className="compare-cell teach-card"
      style={{ borderTopColor: run.colour }}
      aria-label={`Run ${letter}`}
    >
      <header className="compare-cell-header">
        <span className="run-chip" style={{ background: run.colour }} aria-hidden="true">
          {letter}
        </span>
        {renaming ? (
          <input
            className="compare-rename"
            aria-label={`Name of run ${letter}`}
            defaultValue={label}
            maxLength={60}
            autoFocus
            onBlur={(e) => {
              controller.rename(run.id, e.target.value);
              setRenaming(false);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') e.currentTarget.blur();
            }}
          />
        ) : (
          <h3
            className="compare-cell-title"
            title="Double-click to rename"
            onDoubleClick={() => setRenaming(true)}
          >
            {label}
          </h3>
        )}
        <span className="compare-cell-tools">
          <button
            type="button"
            disabled={!canDuplicate}
            onClick={() => controller.duplicate(run.id)}
            title="Add a copy of this run, then change one thing"
          >
            Duplicate
          </button>
          {canRemove && (
            <button
              type="button"
              aria-label={`Remove run ${letter}`}
              onClick={() => controller.remove(run.id)}
            >
              ✕
            </button>
          )}
        </span>
      </header>
      <p className="small muted compare-diff">
        {index === 0 ? 'Reference run' : `Differs from A: ${diff}`}
      </p>
      <CellCanvas run={run} label={`Run ${letter} samples`} />
      <button
        type="button"
        className="link-button compare-png"
        onClick={() =>
          downloadCanvas(
            document.querySelector<HTMLCanvasElement>(`canvas[aria-label="Run ${letter} samples"]`),
            `compare-${letter}-step${run.run.getState().iteration}.png`,
          )
        }
      >
        {`Run ${letter} as PNG`}
      </button>
      <dl className="compare-counters">
        <div>
          <dt id={`${run.id}-it`}>Iteration</dt>
          <dd aria-labelledby={`${run.id}-it`}>{iteration}</dd>
        </div>
        <div>
          <dt id={`${run.id}-modes`}>Modes</dt>
          <dd aria-labelledby={`${run.id}-modes`}>
            {evaluation?.modesCovered != null
              ? `${evaluation.modesCovered} / ${evaluation.totalModes}`
              : '–'}
          </dd>
        </div>
        <div>
          <dt id={`${run.id}-kl`}>Reverse KL</dt>
          <dd aria-labelledby={`${run.id}-kl`}>{evaluation?.reverseKL?.toFixed(3) ?? '–'}</dd>
        </div>
        <div>
          <dt id={`${run.id}-phase`}>State</dt>
          <dd aria-labelledby={`${run.id}-phase`}>{phase}</dd>
        </div>
      </dl>
      {notice && (
        <p className={`notice notice-${notice.kind} small`} role="status">
          {notice.text}
        </p>
      )}
      <details className="compare-edit" open={index > 0}>
        <summary>Change one thing</summary>
        <div className="compare-edit-grid">
          {!hidden.includes('loss') && (
            <div className="compare-edit-wide">
              <SelectField<LossName>
                label={`Loss (${letter})`}
                value={config.loss}
                options={LOSS_OPTIONS}
                onChange={(v) => api.setLoss(v)}
              />
            </div>
          )}
          {!hidden.includes('penalties') && (
            <>
              <CheckField
                label={`R1 (${letter})`}
                checked={penalties.r1}
                onChange={(on) => api.setPenaltyEnabled('r1', on)}
              />
              <CheckField
                label={`R2 (${letter})`}
                checked={penalties.r2}
                onChange={(on) => api.setPenaltyEnabled('r2', on)}
              />
              <NumberField
                label={`γ (${letter})`}
                value={penalties.r1Gamma}
                min={0}
                max={1e4}
                step={0.05}
                onCommit={(v) => api.setGamma('r1', v)}
              />
              <NumberField
                label={`Lazy interval (${letter})`}
                value={config.lazyInterval}
                min={1}
                max={64}
                step={1}
                onCommit={(v) => api.setNumber('lazyInterval', v)}
              />
            </>
          )}
          {!hidden.includes('optimizer') && (
            <NumberField
              label={`Learning rate (${letter})`}
              value={config.gOptimizer.lr}
              min={1e-6}
              max={1}
              step={1e-4}
              onCommit={(v) => api.setOptimizer('g', 'lr', v) ?? api.setOptimizer('d', 'lr', v)}
            />
          )}
        </div>
      </details>
    </article>
  );
}

const isDark = () => document.documentElement.dataset.theme === 'dark';

/** One run's plane: the same renderer as the playground, redrawn per animation frame. */
function CellCanvas({ run, label }: { run: CompareRun; label: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const dataset = useStore(run.settings, (s) => s.config.dataset);
  const mixture = useMemo(() => mixtureOf(dataset), [dataset]);
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let frame = 0;
    let frames = 0;
    const draw = () => {
      frame = 0;
      const state = run.run.getState();
      const bounds = state.frame.bounds;
      if (!bounds) return;
      const dpr = window.devicePixelRatio || 1;
      const size = Math.round((canvas.clientWidth || 300) * dpr);
      if (canvas.width !== size) {
        canvas.width = size;
        canvas.height = size;
      }
      const scene = {
        ...state.frame,
        bounds,
        modes: mixture && {
          centers: mixture.centers,
          sigma: mixture.sigma,
          counts: state.evaluation?.modeCounts ?? null,
        },
      };
      drawPlane(
        canvas,
        scene,
        run.settings.getState().view,
        isDark() ? DARK_PALETTE : LIGHT_PALETTE,
      );
      canvas.dataset.frame = String(++frames);
      canvas.dataset.iteration = String(state.frame.iteration);
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(draw);
    };
    const off = run.run.subscribe((s, prev) => {
      if (s.frame !== prev.frame || s.evaluation !== prev.evaluation) schedule();
    });
    const observer = new ResizeObserver(schedule);
    observer.observe(canvas);
    window.addEventListener('gan-redraw', schedule);
    schedule();
    return () => {
      off();
      observer.disconnect();
      window.removeEventListener('gan-redraw', schedule);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [run, mixture]);
  return <canvas ref={canvasRef} className="compare-canvas" role="img" aria-label={label} />;
}

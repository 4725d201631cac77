/**
 * The Dirac-GAN view: a phase portrait of (θ, ψ) with the vector field and the trajectory, the
 * game's controls, and what the linearisation at the equilibrium predicts. Everything runs on
 * the main thread: 500 steps of two numbers take microseconds (no tfjs here).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';

import {
  continuousEigenvalues,
  DIRAC_LIMITS,
  linearVerdict,
  simulateDirac,
  spectralRadius,
  type Complex,
  type DiracLoss,
  type DiracSettings,
  type DiracUpdate,
} from '../../engine/dirac/dirac';
import type { DiracStoreApi } from '../../store/dirac';
import { CheckField, NumberField, SelectField } from '../controls/Field';
import { downloadCanvas } from '../ExportPanel';
import { drawDiracPortrait, drawRadiusChart, paletteFromCss, pointAt } from './diracRenderer';
import '../teach.css';

const LOSS_OPTIONS: { value: DiracLoss; label: string }[] = [
  { value: 'gan', label: 'GAN (minimax)' },
  { value: 'nsgan', label: 'Non-saturating GAN' },
  { value: 'rpgan', label: 'RpGAN' },
  { value: 'wgan-gp', label: 'WGAN-GP' },
];

const UPDATE_OPTIONS: { value: DiracUpdate; label: string }[] = [
  { value: 'simultaneous', label: 'Simultaneous' },
  { value: 'alternating', label: 'Alternating (G, then D)' },
];

/** One-click settings from GAN_stability's notebook (gan-facts §7.2). */
export const DIRAC_PRESETS: { name: string; patch: Partial<DiracSettings> }[] = [
  { name: 'Plain GAN', patch: { loss: 'gan', r1: 0, r2: 0, update: 'simultaneous' } },
  { name: 'Alternating', patch: { loss: 'gan', r1: 0, r2: 0, update: 'alternating' } },
  { name: 'R1 γ = 0.3', patch: { loss: 'gan', r1: 0.3, r2: 0, update: 'simultaneous' } },
  { name: 'R1 + R2 γ = 0.3', patch: { loss: 'gan', r1: 0.3, r2: 0.3, update: 'simultaneous' } },
  { name: 'Critical γ = 1', patch: { loss: 'gan', r1: 1, r2: 0, update: 'simultaneous' } },
  { name: 'WGAN-GP', patch: { loss: 'wgan-gp', r1: 0, r2: 0, update: 'simultaneous' } },
];

/** Controls a teacher can hide through the URL (`hide=…`). */
export type DiracControl = 'loss' | 'penalties' | 'update' | 'lr';

const ANIMATION_MS = 2000;

export function formatRadius(r: number): string {
  if (!Number.isFinite(r)) return '∞';
  if (r === 0) return '0';
  return Math.abs(r) < 1e-3 || Math.abs(r) >= 1e4 ? r.toExponential(2) : r.toFixed(3);
}

function formatComplex(z: Complex): string {
  const re = Math.abs(z.re) < 1e-12 ? 0 : z.re;
  if (Math.abs(z.im) < 1e-12) return re.toFixed(3);
  const sign = z.im < 0 ? '−' : '+';
  return `${re.toFixed(3)} ${sign} ${Math.abs(z.im).toFixed(3)}i`;
}

const VERDICT_TEXT = {
  converges: 'converges to the equilibrium',
  circles: 'circles for ever (|μ| = 1)',
  'spirals out': 'spirals outward',
};

export function DiracView({
  store,
  hidden = [],
}: {
  store: DiracStoreApi;
  hidden?: readonly string[];
}) {
  const settings = useStore(store, (s) => s.settings);
  const set = useStore(store, (s) => s.set);
  const traj = useMemo(() => simulateDirac(settings), [settings]);
  const total = traj.theta.length - 1;
  const [upto, setUpto] = useState(0);
  const [playing, setPlaying] = useState(true);
  // A new trajectory replays from its start (state adjusted while rendering, not in an effect).
  const [animated, setAnimated] = useState(traj);
  if (animated !== traj) {
    setAnimated(traj);
    setUpto(0);
    setPlaying(true);
  }
  const portraitRef = useRef<HTMLCanvasElement>(null);
  const chartRef = useRef<HTMLCanvasElement>(null);
  const rho = spectralRadius(settings);
  const show = (control: DiracControl) => !hidden.includes(control);

  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    const startedAt = performance.now();
    const from = upto >= total ? 0 : upto;
    const tick = (now: number) => {
      const k = Math.min(total, from + Math.round(((now - startedAt) / ANIMATION_MS) * total));
      setUpto(k);
      if (k >= total) setPlaying(false);
      else frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
    // `upto` is read once, when playing starts.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [playing, total]);

  useEffect(() => {
    const draw = () => {
      const palette = paletteFromCss();
      const k = Math.min(upto, total);
      if (portraitRef.current) drawDiracPortrait(portraitRef.current, settings, traj, k, palette);
      if (chartRef.current) drawRadiusChart(chartRef.current, traj, k, rho, palette);
      if (portraitRef.current) portraitRef.current.dataset.step = String(k);
    };
    draw();
    window.addEventListener('resize', draw);
    window.addEventListener('gan-redraw', draw);
    return () => {
      window.removeEventListener('resize', draw);
      window.removeEventListener('gan-redraw', draw);
    };
  }, [settings, traj, upto, total, rho]);

  const shown = Math.min(upto, total);
  const finalRadius = traj.radius[total];
  const lambdas = continuousEigenvalues(settings);
  const verdict = linearVerdict(settings);
  const L = DIRAC_LIMITS;

  return (
    <section className="dirac" aria-labelledby="dirac-heading">
      <div className="dirac-controls teach-card">
        <h2 id="dirac-heading">Dirac-GAN</h2>
        <p className="small muted">
          G puts all its mass at θ; D(x) = ψ·x; the data sit at 0. The only equilibrium is (0, 0).
          Click the portrait to start somewhere else.
        </p>
        <div className="dirac-presets" role="group" aria-label="Dirac-GAN presets">
          {DIRAC_PRESETS.map((p) => (
            <button key={p.name} type="button" onClick={() => set(p.patch)}>
              {p.name}
            </button>
          ))}
        </div>
        {show('loss') && (
          <SelectField
            label="Game"
            hint="The loss both players follow. RpGAN equals the non-saturating GAN here: the paired real point has D(0) = 0."
            value={settings.loss}
            options={LOSS_OPTIONS}
            onChange={(loss) => set({ loss })}
          />
        )}
        {show('penalties') && (
          <fieldset>
            <legend>Zero-centred penalties</legend>
            <CheckField
              label="R1 (on real data)"
              hint="γ/2·‖∇ₓD‖² at the real point = γ/2·ψ²: it pulls ψ towards 0 with force γψ."
              checked={settings.r1 > 0}
              onChange={(on) => set({ r1: on ? 0.3 : 0 })}
            />
            <NumberField
              label="R1 γ"
              value={settings.r1}
              min={L.gamma.min}
              max={L.gamma.max}
              step={0.05}
              onCommit={(r1) => set({ r1 })}
            />
            <CheckField
              label="R2 (on generated data)"
              hint="γ/2·‖∇ₓD‖² at the fake point: the same ψ² here, so R1 + R2 damps twice as hard."
              checked={settings.r2 > 0}
              onChange={(on) => set({ r2: on ? 0.3 : 0 })}
            />
            <NumberField
              label="R2 γ"
              value={settings.r2}
              min={L.gamma.min}
              max={L.gamma.max}
              step={0.05}
              onCommit={(r2) => set({ r2 })}
            />
            {settings.loss === 'wgan-gp' && (
              <NumberField
                label="GP λ"
                hint="WGAN-GP's one-centred penalty λ(|ψ| − 1)²: it keeps the slope away from 0."
                value={settings.gp}
                min={L.gp.min}
                max={L.gp.max}
                step={0.05}
                onCommit={(gp) => set({ gp })}
              />
            )}
          </fieldset>
        )}
        {show('update') && (
          <>
            <SelectField
              label="Updates"
              hint="Simultaneous: both players step from the same point. Alternating: G steps, then D answers the new θ."
              value={settings.update}
              options={UPDATE_OPTIONS}
              onChange={(update) => set({ update })}
            />
            {settings.update === 'alternating' && (
              <NumberField
                label="D steps per G step"
                value={settings.dSteps}
                min={L.dSteps.min}
                max={L.dSteps.max}
                step={1}
                onCommit={(dSteps) => set({ dSteps })}
              />
            )}
          </>
        )}
        {show('lr') && (
          <div className="field-grid">
            <NumberField
              label="Step size h"
              value={settings.lr}
              min={L.lr.min}
              max={L.lr.max}
              step={0.05}
              onCommit={(lr) => set({ lr })}
            />
            <NumberField
              label="Steps"
              value={settings.steps}
              min={1}
              max={5000}
              step={50}
              onCommit={(steps) => set({ steps })}
            />
          </div>
        )}
        <div className="field-grid">
          <NumberField
            label="Start θ"
            value={settings.start[0]}
            min={L.start.min}
            max={L.start.max}
            step={0.1}
            onCommit={(t) => set({ start: [t, settings.start[1]] })}
          />
          <NumberField
            label="Start ψ"
            value={settings.start[1]}
            min={L.start.min}
            max={L.start.max}
            step={0.1}
            onCommit={(p) => set({ start: [settings.start[0], p] })}
          />
        </div>
      </div>

      <div className="dirac-stage teach-card">
        <div className="dirac-transport" role="group" aria-label="Dirac-GAN animation">
          <button
            type="button"
            className="primary"
            onClick={() => {
              if (!playing && shown >= total) setUpto(0);
              setPlaying(!playing);
            }}
          >
            {playing ? 'Pause' : shown >= total ? 'Replay' : 'Play'}
          </button>
          <label className="dirac-scrub">
            <span>Step</span>
            <input
              type="range"
              min={0}
              max={total}
              value={shown}
              aria-label="Step shown"
              onChange={(e) => {
                setPlaying(false);
                setUpto(Number(e.target.value));
              }}
            />
            <output aria-label="Dirac step">{shown}</output>
          </label>
          <button
            type="button"
            onClick={() => downloadCanvas(portraitRef.current, `dirac-${settings.loss}.png`)}
          >
            PNG
          </button>
        </div>
        <canvas
          ref={portraitRef}
          className="dirac-portrait"
          role="img"
          aria-label="Dirac-GAN phase portrait"
          onClick={(e) => {
            const p = pointAt(e.currentTarget, traj, shown, e.clientX, e.clientY);
            if (p) set({ start: p });
          }}
        />
        <div className="plane-legend small">
          <span>
            <span className="swatch swatch-fake" /> trajectory (θ, ψ)
          </span>
          <span>
            <span className="swatch dirac-swatch-field" /> direction of the updates
          </span>
          <span>
            <span className="swatch dirac-swatch-eq" /> equilibrium (0, 0)
          </span>
        </div>
      </div>

      <div className="dirac-side">
        <dl className="counters">
          <Readout id="radius" label="Radius now" value={formatRadius(traj.radius[shown])} />
          <Readout id="final" label="Final radius" value={formatRadius(finalRadius)} />
          <Readout id="start" label="Start radius" value={formatRadius(traj.radius[0])} />
          <Readout id="rho" label="|μ| per step" value={rho.toFixed(4)} />
        </dl>
        <section className="teach-card dirac-theory" aria-label="Linearised prediction">
          <h3>Near (0, 0)</h3>
          <p>
            Eigenvalues of the field: <span className="mono">{formatComplex(lambdas[0])}</span>,{' '}
            <span className="mono">{formatComplex(lambdas[1])}</span>
          </p>
          <p>
            One {settings.update} step multiplies the distance by |μ| ={' '}
            <span className="mono">{rho.toFixed(4)}</span>: the linearisation{' '}
            <strong aria-label="Prediction">{VERDICT_TEXT[verdict]}</strong>.
            {settings.loss === 'wgan-gp' &&
              ' (WGAN-GP’s penalty is not smooth at ψ = 0 and is left out of this prediction.)'}
          </p>
          {traj.divergedAt !== null && (
            <p className="notice notice-error" role="alert">
              The numbers overflowed at step {traj.divergedAt}.
            </p>
          )}
          <figure className="dirac-chart">
            <figcaption className="small muted">
              Distance to (0, 0), log scale; dashed: |μ|ᵏ from the start
            </figcaption>
            <canvas ref={chartRef} role="img" aria-label="Radius against step" />
          </figure>
        </section>
      </div>
    </section>
  );
}

function Readout({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div className="counter">
      <dt id={`dirac-${id}`}>{label}</dt>
      <dd aria-labelledby={`dirac-${id}`}>{value}</dd>
    </div>
  );
}

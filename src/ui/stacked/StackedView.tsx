/**
 * The playground's Stacked MNIST stage (instead of the 2-D plane): the generated sample grid
 * beside a grid of real images, the 1000-cell mode map of the latest evaluation with its
 * numbers, and the latent interpolation strip between two picked samples.
 */
import { useEffect, useId, useRef, useState } from 'react';

import { IMAGE_STREAM } from '../../store/session';
import { klFloorFor } from '../../worker/evalSchedule';
import { useRun, useSession } from '../context';
import { InterpolationStrip, type InterpolationMode } from './InterpolationStrip';
import { ModeMap } from './ModeMap';
import { drawPixels, SampleGrid } from './SampleGrid';

/** Reverse KL to three significant digits (it spans 0.05 … 7). */
export function formatKL(kl: number): string {
  return Number.isFinite(kl) ? kl.toPrecision(3) : '–';
}

export function StackedView() {
  const session = useSession();
  const ready = useRun((s) => s.created && s.kind === 'image');
  const images = useRun((s) => s.frame.images);
  const real = useRun((s) => s.frame.realImages);
  const interpolation = useRun((s) => s.interpolation);
  const [showReal, setShowReal] = useState(true);
  const [picks, setPicks] = useState<[number, number]>([0, 7]);
  const [mode, setMode] = useState<InterpolationMode>('slerp');
  /** Which end the next click on the grid picks (A, then B, then A …). */
  const nextEnd = useRef<0 | 1>(0);
  const count = images ? images.columns * images.rows : 64;
  const toggleId = useId();

  // The strip follows the picks and the generator: asked for again whenever either changes.
  const iteration = images?.iteration ?? null;
  useEffect(() => {
    if (!session || !ready || iteration === null) return;
    session.interpolate(picks[0], picks[1], mode);
  }, [session, ready, iteration, picks, mode]);

  return (
    <section className="stacked" aria-label="Stacked MNIST">
      <div className={`stacked-grids${showReal ? '' : ' single'}`}>
        <figure className="stacked-panel">
          <figcaption>
            <span className="stacked-title">Generated</span>
            <span className="muted small">
              {images ? `step ${images.iteration} · ${count} fixed latents` : 'press Play or Step'}
            </span>
          </figcaption>
          <SampleGrid
            image={images}
            selected={picks}
            onSelect={(index) => {
              const end = nextEnd.current;
              nextEnd.current = end === 0 ? 1 : 0;
              setPicks((p) => (end === 0 ? [index, p[1]] : [p[0], index]));
            }}
          />
        </figure>
        {showReal && (
          <figure className="stacked-panel">
            <figcaption>
              <span className="stacked-title">Real</span>
              <span className="muted small">training data</span>
            </figcaption>
            <RealGrid image={real} />
          </figure>
        )}
      </div>
      <label className="layer-toggle stacked-toggle" htmlFor={toggleId}>
        <input
          id={toggleId}
          type="checkbox"
          checked={showReal}
          onChange={(e) => setShowReal(e.target.checked)}
        />
        Show real images
      </label>
      <Coverage />
      <InterpolationStrip
        strip={interpolation}
        from={picks[0]}
        to={picks[1]}
        mode={mode}
        count={count}
        onChange={(next) => {
          setPicks([next.from, next.to]);
          setMode(next.mode);
        }}
        onRequest={() => session?.interpolate(picks[0], picks[1], mode)}
      />
    </section>
  );
}

function RealGrid({ image }: { image: Parameters<typeof drawPixels>[1] | null }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current && image) drawPixels(ref.current, image);
  }, [image]);
  return (
    <div className="sample-grid">
      <canvas
        ref={ref}
        role="img"
        aria-label={image ? 'Real Stacked MNIST images' : 'Real Stacked MNIST images: loading'}
      />
    </div>
  );
}

const MODES = 1000;

/**
 * When the mode map is refreshed, with each evaluation's sample count and KL floor: "first at
 * step 50 on 1000 samples (floor 0.50), every 50 steps until 500, then every 500 on 5000 samples
 * (floor 0.10)".
 */
export function evaluationScheduleText(s: typeof IMAGE_STREAM = IMAGE_STREAM): string {
  const floor = (n: number) => klFloorFor(MODES, n).toFixed(2);
  const regular = `every ${s.evalEvery} steps on ${s.evalSamples} samples (floor ${floor(s.evalSamples)})`;
  if (s.earlyEvalEvery <= 0 || s.earlyEvalEvery >= s.evalEvery) return `Evaluated ${regular}.`;
  return `Evaluated first at step ${s.earlyEvalEvery} on ${s.earlyEvalSamples} samples (floor ${floor(s.earlyEvalSamples)}) and every ${s.earlyEvalEvery} steps until ${s.evalEvery}, then ${regular}: fewer samples give a first look sooner, at a higher floor.`;
}

/**
 * The mode map with its numbers: modes covered (all and confident), reverse KL against its
 * finite-sample floor, the share of confident samples.
 */
function Coverage() {
  const evaluation = useRun((s) => s.imageEvaluation);
  return (
    <div className="stacked-coverage">
      <div className="stacked-coverage-head">
        <h3>Modes found</h3>
        <dl className="stacked-stats">
          <div>
            <dt id="stacked-kl">Reverse KL</dt>
            <dd aria-labelledby="stacked-kl">
              {evaluation ? formatKL(evaluation.reverseKL) : '–'}
              {evaluation && (
                <span className="muted small"> (floor {formatKL(evaluation.klFloor)})</span>
              )}
            </dd>
          </div>
          <div>
            <dt id="stacked-confident">Confident samples</dt>
            <dd aria-labelledby="stacked-confident">
              {evaluation?.confidentShare === undefined
                ? '–'
                : `${(100 * evaluation.confidentShare).toFixed(1)} %`}
            </dd>
          </div>
          <div>
            <dt id="stacked-evaluated">Evaluated</dt>
            <dd aria-labelledby="stacked-evaluated">
              {evaluation
                ? `step ${evaluation.step}, ${evaluation.evalSamples} samples`
                : `first at step ${IMAGE_STREAM.earlyEvalEvery}`}
            </dd>
          </div>
        </dl>
      </div>
      <ModeMap
        counts={evaluation?.modeCounts ?? null}
        confidentCounts={evaluation?.confidentModeCounts}
        evalSamples={evaluation?.evalSamples ?? 0}
      />
      <p className="muted small">
        “Modes” counts every triple the classifier reads, as the papers do, so even noise covers
        hundreds; “confident” counts only samples whose three digits it reads with p ≥ 0.9 (real
        data: 1000 of 1000).
      </p>
      <p className="muted small">
        Reverse KL compares how often G makes each triple with the uniform 1 in 1000: 0 is perfect,
        but even real images score about the floor (K − 1)/(2N) on N samples, so read it against the
        floor. {evaluationScheduleText()}
      </p>
    </div>
  );
}

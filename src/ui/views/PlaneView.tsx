/**
 * The 2-D plane: real vs generated points over D's heatmap, transport arrows and mode markers,
 * redrawn (at most once per animation frame) when the worker sends a new view. For the custom
 * dataset it doubles as a drawing board.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';

import type { GanConfig } from '../../engine/core/config';
import { makeToyDataset, type MixtureInfo, type ToyDatasetName } from '../../engine/toy/datasets';
import {
  latentPlaneBasis,
  projectOntoLatentPlane,
  viewLatents,
} from '../../engine/toy/latentPlane';
import type { ViewBounds } from '../../protocol';
import { seededUniform, type Point } from '../../store/customPoints';
import type { RunState } from '../../store/run';
import type { SettingsState } from '../../store/settings';
import { useRunApi, useSettings, useSettingsApi } from '../context';
import { HINTS } from '../hints';
import { DrawingTools } from './DrawingTools';
import {
  describePoint,
  heatmapLogitAt,
  latentGrid,
  latentToPlane,
  mappingProgress,
  MAPPING_TOTAL_MS,
  morph,
  SHOW_MAPPING_EVENT,
} from './mapping';
import {
  DARK_PALETTE,
  LIGHT_PALETTE,
  drawPlane,
  planeTransform,
  type PlaneScene,
} from './planeRenderer';

/** Mode centres of the mixtures (datasets.ts is tfjs-free). */
function mixtureOf(dataset: ToyDatasetName): MixtureInfo | null {
  if (dataset !== 'ring8' && dataset !== 'grid25') return null;
  return makeToyDataset(dataset).mixture ?? null;
}

/** The drawing board's square: ±5, or wider when loaded points need it. */
export function editorBounds(points: Point[]): ViewBounds {
  let extent = 4.5;
  for (const [x, y] of points) extent = Math.max(extent, Math.abs(x), Math.abs(y));
  const half = Math.min(10.5, extent * 1.1);
  return { xMin: -half, xMax: half, yMin: -half, yMax: half };
}

function flatten(points: Point[]): Float64Array {
  const out = new Float64Array(points.length * 2);
  points.forEach(([x, y], i) => {
    out[2 * i] = x;
    out[2 * i + 1] = y;
  });
  return out;
}

const isDark = () => document.documentElement.dataset.theme === 'dark';

/** Where the mapping animation starts: the view's latents and the manifold grid, in the plane. */
interface MappingStart {
  key: string;
  points: Float32Array;
  grid: Float32Array | null;
}

function mappingStart(
  previous: MappingStart | null,
  { seed, latentDim, latentDist }: Pick<GanConfig, 'seed' | 'latentDim' | 'latentDist'>,
  frame: RunState['frame'],
): MappingStart | null {
  const { fake, manifold, bounds } = frame;
  if (!fake || !bounds) return null;
  const count = fake.length / 2;
  const lines = manifold ? Math.round(Math.sqrt(manifold.length / 2)) : 0;
  const key = JSON.stringify([seed, latentDim, latentDist, count, lines, bounds]);
  if (previous?.key === key) return previous;
  const basis = latentPlaneBasis(seed, latentDim);
  const ab = projectOntoLatentPlane(
    viewLatents(seed, latentDim, count, latentDist),
    latentDim,
    basis,
  );
  return {
    key,
    points: latentToPlane(ab, bounds),
    grid: lines >= 2 ? latentToPlane(latentGrid(lines), bounds) : null,
  };
}

export function PlaneView() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const runApi = useRunApi();
  const settingsApi = useSettingsApi();
  const dataset = useSettings((s) => s.config.dataset);
  const view = useSettings((s) => s.view);
  const drawing = useSettings((s) => s.drawing);
  const setView = settingsApi.getState().setView;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Point[]>(drawing);
  const [readout, setReadout] = useState<string | null>(null);
  const [mapping, setMapping] = useState(false);
  const mixture = useMemo(() => mixtureOf(dataset), [dataset]);
  const isEditing = editing && dataset === 'custom';

  // Drawing: everything the renderer needs is read from refs/stores at frame time.
  const sceneRef = useRef({ isEditing, draft, mixture });
  useEffect(() => {
    sceneRef.current = { isEditing, draft, mixture };
  });

  useEffect(() => {
    const canvas = canvasRef.current;
    const wrap = wrapRef.current;
    if (!canvas || !wrap) return;
    let frame = 0;
    let frames = 0;
    /** The mapping animation: when it started (performance.now()), and from where. */
    let animation: { started: number } | null = null;
    let start: MappingStart | null = null;
    const draw = () => {
      frame = 0;
      const run: RunState = runApi.getState();
      const settings: SettingsState = settingsApi.getState();
      const { isEditing, draft, mixture } = sceneRef.current;
      const palette = isDark() ? DARK_PALETTE : LIGHT_PALETTE;
      let scene: PlaneScene | null;
      if (isEditing) {
        scene = {
          bounds: editorBounds(draft),
          heatmap: null,
          real: flatten(draft),
          fake: null,
          transport: null,
          manifold: null,
          modes: null,
        };
      } else if (run.frame.bounds) {
        scene = {
          bounds: run.frame.bounds,
          heatmap: run.frame.heatmap,
          real: run.frame.real,
          fake: run.frame.fake,
          transport: run.frame.transport,
          manifold: run.frame.manifold,
          modes: mixture && {
            centers: mixture.centers,
            sigma: mixture.sigma,
            counts: run.evaluation?.modeCounts ?? null,
          },
        };
      } else {
        scene = null;
      }
      if (!scene) return;
      let options = isEditing
        ? { heatmap: false, arrows: false, manifold: false, real: true, modes: false }
        : settings.view;
      if (animation && !isEditing) {
        // Noise turning into samples: each latent (and the manifold grid) slides from its place
        // in the latent plane to where G puts it.
        const { config } = settings;
        start = mappingStart(start, config, run.frame);
        const elapsed = performance.now() - animation.started;
        const t = mappingProgress(elapsed);
        if (start && scene.fake) {
          const mesh = scene.manifold && start.grid ? morph(start.grid, scene.manifold, t) : null;
          scene = { ...scene, fake: morph(start.points, scene.fake, t), manifold: mesh };
          options = { ...options, arrows: false, manifoldDensity: false };
        }
        if (elapsed < MAPPING_TOTAL_MS) schedule();
        else {
          animation = null;
          setMapping(false);
        }
        canvas.dataset.mapping = animation ? String(Math.round(t * 100)) : '';
      }
      if (window.location.hash !== '#nocanvas') drawPlane(canvas, scene, options, palette);
      canvas.dataset.frame = String(++frames);
      canvas.dataset.iteration = String(run.frame.iteration);
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(draw);
    };
    const resize = () => {
      const dpr = window.devicePixelRatio || 1;
      const size = Math.round(wrap.clientWidth * dpr);
      if (size > 0 && canvas.width !== size) {
        canvas.width = size;
        canvas.height = size;
      }
      schedule();
    };
    const observer = new ResizeObserver(resize);
    observer.observe(wrap);
    resize();
    const offRun = runApi.subscribe((s, prev) => {
      if (s.frame !== prev.frame || s.evaluation !== prev.evaluation) schedule();
    });
    const offSettings = settingsApi.subscribe((s, prev) => {
      if (s.view !== prev.view || s.theme !== prev.theme) schedule();
    });
    const redraw = () => schedule();
    window.addEventListener('gan-redraw', redraw);
    const showMapping = () => {
      animation = { started: performance.now() };
      setMapping(true);
      schedule();
    };
    window.addEventListener(SHOW_MAPPING_EVENT, showMapping);
    return () => {
      observer.disconnect();
      offRun();
      offSettings();
      window.removeEventListener('gan-redraw', redraw);
      window.removeEventListener(SHOW_MAPPING_EVENT, showMapping);
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [runApi, settingsApi]);

  // Redraw when the local scene changes (editing, the draft, the dataset's modes).
  useEffect(() => {
    window.dispatchEvent(new Event('gan-redraw'));
  }, [isEditing, draft, mixture]);

  // Painting: a few jittered points per pointer move, like a spray can.
  const painting = useRef(false);
  const spray = useMemo(() => seededUniform(12345), []);
  const paint = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const rect = canvas.getBoundingClientRect();
    const { toData } = planeTransform(editorBounds(draft), rect.width, rect.height);
    const [x, y] = toData(e.clientX - rect.left, e.clientY - rect.top);
    const added: Point[] = [];
    for (let i = 0; i < 3; i++) {
      const px = Math.round((x + 0.15 * (spray() - 0.5)) * 1000) / 1000;
      const py = Math.round((y + 0.15 * (spray() - 0.5)) * 1000) / 1000;
      if (Math.abs(px) <= 10 && Math.abs(py) <= 10) added.push([px, py]);
    }
    setDraft((d) => (d.length + added.length > 5000 ? d : [...d, ...added]));
  };

  /** The hover read-out: coordinates, and D's value there from the streamed heatmap. */
  const readPoint = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const { frame } = runApi.getState();
    if (!frame.bounds) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const { toData } = planeTransform(frame.bounds, rect.width, rect.height);
    const [x, y] = toData(e.clientX - rect.left, e.clientY - rect.top);
    const logit = frame.heatmap ? heatmapLogitAt(frame.heatmap, x, y) : null;
    setReadout(describePoint(x, y, logit, settingsApi.getState().config.loss));
  };

  const startEditing = () => {
    setDraft(drawing);
    setEditing(true);
  };
  const finishEditing = () => {
    settingsApi.getState().setDrawing(draft);
    setEditing(false);
  };

  return (
    <section className="plane" aria-labelledby="plane-heading">
      <h2 id="plane-heading" className="sr-only">
        Data plane
      </h2>
      <div className="plane-canvas" ref={wrapRef}>
        <canvas
          ref={canvasRef}
          role="img"
          aria-label={isEditing ? 'Drawing board' : 'Real data and generated samples'}
          className={isEditing ? 'drawing' : undefined}
          onPointerDown={(e) => {
            if (!isEditing) return;
            painting.current = true;
            e.currentTarget.setPointerCapture(e.pointerId);
            paint(e);
          }}
          onPointerMove={(e) => {
            if (isEditing && painting.current) paint(e);
            else if (!isEditing) readPoint(e);
          }}
          onPointerLeave={() => setReadout(null)}
          onPointerUp={() => (painting.current = false)}
          onPointerCancel={() => (painting.current = false)}
        >
          Grey dots: real data. Pink dots: the generator&apos;s samples.
        </canvas>
        {isEditing && (
          <p className="plane-overlay" aria-live="polite">
            {`Click or drag to paint points (${draft.length} points).`}
          </p>
        )}
        {!isEditing && mapping && (
          <p className="plane-overlay">
            G&apos;s mapping: each noise vector z (its shadow on a 2-D plane of the latent space)
            slides to the point G(z).
          </p>
        )}
        {!isEditing && !mapping && readout !== null && (
          <p className="plane-overlay plane-readout" data-testid="plane-readout">
            {readout}
          </p>
        )}
      </div>
      {dataset === 'custom' && (
        <DrawingTools
          editing={isEditing}
          count={isEditing ? draft.length : drawing.length}
          onEdit={startEditing}
          onDone={finishEditing}
          onCancel={() => setEditing(false)}
          onReplace={(points) => {
            setDraft(points);
            if (!isEditing) settingsApi.getState().setDrawing(points);
          }}
        />
      )}
      <fieldset className="layers">
        <legend>Show</legend>
        <LayerToggle
          label="D heatmap"
          hint={HINTS.heatmap}
          checked={view.heatmap}
          onChange={(on) => setView({ heatmap: on })}
        />
        <LayerToggle
          label="Arrows (what G is told)"
          hint={HINTS.arrows}
          checked={view.arrows}
          onChange={(on) => setView({ arrows: on })}
        />
        <LayerToggle
          label="G manifold"
          hint={HINTS.manifold}
          checked={view.manifold}
          onChange={(on) => setView({ manifold: on })}
        />
        <LayerToggle
          label="shaded by density"
          hint={HINTS.manifoldDensity}
          checked={view.manifoldDensity}
          onChange={(on) => setView({ manifoldDensity: on })}
          disabled={!view.manifold}
        />
        <LayerToggle
          label="Real data"
          hint="The real data points (grey), a fixed sample of the dataset."
          checked={view.real}
          onChange={(on) => setView({ real: on })}
        />
        <LayerToggle
          label="Mode markers"
          hint={HINTS.modes}
          checked={view.modes}
          onChange={(on) => setView({ modes: on })}
          disabled={!mixture}
        />
        {!isEditing && (
          <button
            type="button"
            className="mapping-button"
            title={HINTS.mapping}
            onClick={() => window.dispatchEvent(new Event(SHOW_MAPPING_EVENT))}
          >
            Animate G&apos;s mapping
          </button>
        )}
      </fieldset>
      <PlaneLegend />
    </section>
  );
}

function LayerToggle(props: {
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (on: boolean) => void;
  disabled?: boolean;
}) {
  const hintId = useId();
  return (
    <span className="field field-inline">
      <label className="layer-toggle">
        <input
          type="checkbox"
          checked={props.checked}
          disabled={props.disabled}
          aria-describedby={props.hint ? hintId : undefined}
          onChange={(e) => props.onChange(e.target.checked)}
        />
        {props.label}
      </label>
      {props.hint && (
        <span className="hint" role="tooltip" id={hintId}>
          {props.hint}
        </span>
      )}
    </span>
  );
}

function PlaneLegend() {
  return (
    <ul className="plane-legend" aria-label="Legend">
      <li>
        <span className="swatch swatch-real" aria-hidden="true" /> real data
      </li>
      <li>
        <span className="swatch swatch-fake" aria-hidden="true" /> generated G(z)
      </li>
      <li>
        <span className="swatch swatch-heat" aria-hidden="true" /> D: <em>real</em> … <em>fake</em>
      </li>
      <li>
        <span className="swatch swatch-mode" aria-hidden="true" /> mode (green: covered)
      </li>
    </ul>
  );
}

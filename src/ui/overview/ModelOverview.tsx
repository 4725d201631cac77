/**
 * The model overview: one training iteration as a live data-flow diagram (GAN Lab's model
 * overview), drawn as SVG by React. Boxes show live thumbnails (the fake and real points, D's
 * heatmap, drawn with the plane's renderer); arrows carry the latest logged values. The
 * walk-through ("slow motion with sub-steps") trains one iteration, then highlights its eight
 * sub-steps in turn with a numbered one-line explanation each.
 *
 * Cost: the values and pictures go through the charts' render queue (renderQueue.ts), so the
 * diagram redraws at most at the charts' cadence, in its own task, and not at all when scrolled
 * out of view.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';

import type { GanConfig } from '../../engine/core/config';
import { makeToyDataset } from '../../engine/toy/datasets';
import type { ViewBounds } from '../../protocol';
import { useInView, useQueuedValue } from '../charts/renderQueue';
import { useRun, useSession, useSettings } from '../context';
import { SHOW_MAPPING_EVENT } from '../views/mapping';
import {
  DARK_PALETTE,
  LIGHT_PALETTE,
  drawPlane,
  type DrawOptions,
  type PlaneScene,
} from '../views/planeRenderer';
import {
  EDGES,
  NODES,
  VIEW_HEIGHT,
  VIEW_WIDTH,
  iterationSteps,
  overviewValues,
  walk,
  WALK_IDLE,
  type NodeId,
  type OverviewNode,
  type WalkAction,
} from './overviewModel';
import './overview.css';

/** How long the walk-through shows each sub-step. */
export const WALK_STEP_MS = 3000;

const THUMB_PX = 96;

const NONE: DrawOptions = {
  heatmap: false,
  arrows: false,
  manifold: false,
  real: false,
  modes: false,
};

const EMPTY_SCENE: Omit<PlaneScene, 'bounds'> = {
  heatmap: null,
  real: null,
  fake: null,
  transport: null,
  manifold: null,
  modes: null,
};

/** One node picture as a data URL, drawn by the plane's renderer on a small canvas. */
function thumbnail(
  bounds: ViewBounds | null,
  scene: Partial<PlaneScene>,
  options: Partial<DrawOptions>,
  dark: boolean,
): string | undefined {
  if (!bounds || !(scene.fake ?? scene.real ?? scene.heatmap)) return undefined;
  const canvas = document.createElement('canvas');
  canvas.width = THUMB_PX;
  canvas.height = THUMB_PX;
  const palette = dark ? DARK_PALETTE : LIGHT_PALETTE;
  drawPlane(canvas, { ...EMPTY_SCENE, ...scene, bounds }, { ...NONE, ...options }, palette);
  return canvas.toDataURL();
}

const isDark = () => document.documentElement.dataset.theme === 'dark';

export function ModelOverview() {
  const ref = useRef<HTMLElement>(null);
  const inView = useInView(ref);
  const session = useSession();
  const config = useSettings((s) => s.config);
  const latest = useQueuedValue(
    useRun((s) => s.latest),
    inView,
  );
  const frame = useQueuedValue(
    useRun((s) => s.frame),
    inView,
  );
  const iteration = useRun((s) => s.iteration);
  const theme = useSettings((s) => s.theme);
  const [walkState, setWalkState] = useState(WALK_IDLE);
  const headingId = useId();

  const steps = useMemo(() => iterationSteps(config), [config]);
  const values = useMemo(() => overviewValues(latest, config), [latest, config]);
  // Each picture is redrawn only when its own data (or the theme) changes.
  const { bounds, fake, real, heatmap } = frame;
  /* eslint-disable react-hooks/exhaustive-deps -- the theme changes the palette */
  const thumbs = {
    fake: useMemo(() => thumbnail(bounds, { fake }, {}, isDark()), [bounds, fake, theme]),
    real: useMemo(
      () => thumbnail(bounds, { real }, { real: true }, isDark()),
      [bounds, real, theme],
    ),
    heatmap: useMemo(
      () => thumbnail(bounds, { heatmap }, { heatmap: true }, isDark()),
      [bounds, heatmap, theme],
    ),
  };
  /* eslint-enable react-hooks/exhaustive-deps */
  const modesOf = useMemo(
    () =>
      config.dataset === 'ring8' || config.dataset === 'grid25'
        ? (makeToyDataset(config.dataset).mixture?.centers.length ?? null)
        : null,
    [config.dataset],
  );
  const dispatch = (action: WalkAction) => {
    const { state, iterate } = walk(walkState, action, steps.length);
    if (iterate) session?.step(1, 'both');
    setWalkState(state);
  };
  const dispatchRef = useRef(dispatch);
  useEffect(() => {
    dispatchRef.current = dispatch;
  });
  useEffect(() => {
    if (!walkState.auto || walkState.index === null) return;
    const timer = setTimeout(() => dispatchRef.current('tick'), WALK_STEP_MS);
    return () => clearTimeout(timer);
  }, [walkState]);

  const current = walkState.index === null ? null : steps[walkState.index];
  const lit = (id: NodeId) => current === null || current.nodes.includes(id);

  return (
    <section className="overview" ref={ref} aria-labelledby={headingId}>
      <div className="overview-head">
        <h2 id={headingId}>Model overview: one training iteration</h2>
        <div className="overview-controls" role="group" aria-label="Walk-through">
          {walkState.index === null ? (
            <button type="button" disabled={!session} onClick={() => dispatch('start')}>
              Slow motion with sub-steps
            </button>
          ) : (
            <>
              <button type="button" onClick={() => dispatch('previous')}>
                Previous
              </button>
              <button
                type="button"
                onClick={() => dispatch(walkState.auto ? 'pause' : 'resume')}
                aria-pressed={!walkState.auto}
              >
                {walkState.auto ? 'Hold' : 'Continue'}
              </button>
              <button type="button" onClick={() => dispatch('next')}>
                Next
              </button>
              <button type="button" onClick={() => dispatch('stop')}>
                Stop
              </button>
            </>
          )}
        </div>
      </div>
      <svg
        className={current ? 'overview-diagram walking' : 'overview-diagram'}
        viewBox={`0 0 ${VIEW_WIDTH} ${VIEW_HEIGHT}`}
        role="img"
        aria-label={`Data flow of one iteration at step ${iteration}: noise, G, fake and real points, D, the two losses and the two updates`}
      >
        <defs>
          <marker
            id="overview-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" className="overview-arrowhead" />
          </marker>
        </defs>
        {EDGES.map((edge) => {
          const on = current?.edges.includes(edge.id) ?? false;
          const label = values.edges[edge.id];
          return (
            <g
              key={edge.id}
              className={`overview-edge${edge.feedback ? ' feedback' : ''}${on ? ' active' : ''}${current && !on ? ' dim' : ''}`}
              data-edge={edge.id}
            >
              <path d={edge.path} markerEnd="url(#overview-arrow)" />
              {label && (
                <text x={edge.label.x} y={edge.label.y} textAnchor={edge.label.anchor}>
                  {label}
                </text>
              )}
            </g>
          );
        })}
        {NODES.map((node) => (
          <OverviewBox
            key={node.id}
            node={node}
            lit={lit(node.id)}
            active={current?.nodes.includes(node.id) ?? false}
            picture={node.thumbnail ? thumbs[node.thumbnail] : undefined}
            lines={nodeLines(node.id, values, config, modesOf)}
          />
        ))}
      </svg>
      <ol className="overview-steps" aria-label="The sub-steps of one iteration">
        {steps.map((step, i) => (
          <li
            key={step.n}
            aria-current={walkState.index === i ? 'step' : undefined}
            className={walkState.index === i ? 'current' : undefined}
          >
            <strong>{step.title}.</strong> {step.text}
          </li>
        ))}
      </ol>
      <p className="overview-note">
        The worker trains each iteration in one go; the walk-through trains one (as Step does) and
        then explains it sub-step by sub-step, {WALK_STEP_MS / 1000} s each. The numbers are from
        the latest logged iteration.
      </p>
    </section>
  );
}

function nodeLines(
  id: NodeId,
  values: ReturnType<typeof overviewValues>,
  config: GanConfig,
  modes: number | null,
): string[] {
  switch (id) {
    case 'noise':
      return [`${config.latentDim}-D`, 'N(0, I)'];
    case 'generator':
      return [`${config.gDepth}×${config.gWidth} MLP`];
    case 'dLoss':
      return [values.dLoss, values.penalties || 'no penalty'];
    case 'gLoss':
      return [values.gLoss];
    case 'dUpdate':
      return [config.dOptimizer.kind === 'adam' ? 'Adam' : 'SGD', `lr ${config.dOptimizer.lr}`];
    case 'gUpdate':
      return [config.gOptimizer.kind === 'adam' ? 'Adam' : 'SGD', `lr ${config.gOptimizer.lr}`];
    case 'real':
      return modes ? [`${modes} modes`] : [];
    default:
      return [];
  }
}

function OverviewBox({
  node,
  lit,
  active,
  picture,
  lines,
}: {
  node: OverviewNode;
  lit: boolean;
  active: boolean;
  picture?: string;
  lines: string[];
}) {
  const hover =
    node.id === 'generator'
      ? { onMouseEnter: () => window.dispatchEvent(new Event(SHOW_MAPPING_EVENT)) }
      : {};
  const { x, y, w, h } = node;
  return (
    <g
      className={`overview-node${active ? ' active' : ''}${lit ? '' : ' dim'}${node.id === 'generator' ? ' hoverable' : ''}`}
      data-node={node.id}
      {...hover}
    >
      {node.id === 'generator' && <title>Hover to watch G map noise to points on the plane</title>}
      <rect x={x} y={y} width={w} height={h} rx={8} />
      {picture && (
        <image
          href={picture}
          x={x + 4}
          y={y + 4}
          width={w - 8}
          height={h - 8}
          preserveAspectRatio="xMidYMid slice"
        />
      )}
      <text
        x={x + w / 2}
        y={picture ? y + h + 13 : y + (lines.length ? 20 : h / 2 + 5)}
        textAnchor="middle"
        className="overview-title"
      >
        {node.title}
      </text>
      {!picture &&
        lines.map((line, i) => (
          <text key={i} x={x + w / 2} y={y + 38 + i * 16} textAnchor="middle">
            {line}
          </text>
        ))}
      {picture && lines.length > 0 && (
        <text x={x + w / 2} y={y - 4} textAnchor="middle">
          {lines[0]}
        </text>
      )}
    </g>
  );
}

/**
 * Live charts of the run's diagnostics (recharts). The histories are bounded (store/downsample)
 * and updated at most 10 times a second by the session; each chart re-renders only when its own
 * history changes, without animation, one chart per task (renderQueue.ts) and with props that
 * keep their identity between renders (chartProps.ts).
 */
import { memo, useMemo, useRef } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import { historyPoints, type BoundedHistory, type HistoryPoint } from '../../store/downsample';
import { useInView, useQueuedValue } from './renderQueue';
import {
  AUTO_DOMAIN,
  AXIS_TICK,
  DISPLAY_POINTS,
  PERCENT_DOMAIN,
  PERCENT_TICKS,
  TOOLTIP_STYLE,
  formatStepLabel,
  formatTick,
  formatTooltipValue,
  thin,
} from './chartProps';
import { useRun, useSettings, useSettingsApi } from '../context';
import { HINTS } from '../hints';

interface SeriesSpec {
  key: string;
  name: string;
  colour: string;
  /** Right-hand axis. */
  right?: boolean;
}

interface ChartSpec {
  id: string;
  title: string;
  hint: string;
  series: SeriesSpec[];
  /** Log scale allowed (all values positive). */
  positive: boolean;
  source: 'metrics' | 'evals';
  rightLabel?: string;
}

const D_COLOUR = '#2b7bb9';
const G_COLOUR = '#d6127a';

const CHARTS: ChartSpec[] = [
  {
    id: 'losses',
    title: 'Losses',
    hint: 'D’s and G’s losses. In a healthy GAN they settle rather than one side winning.',
    series: [
      { key: 'dLoss', name: 'D loss', colour: D_COLOUR },
      { key: 'gLoss', name: 'G loss', colour: G_COLOUR },
    ],
    positive: false,
    source: 'metrics',
  },
  {
    id: 'penalties',
    title: 'R1 and R2',
    hint: `${HINTS.r1} ${HINTS.r2}`,
    series: [
      { key: 'r1', name: 'R1', colour: '#1b9e77' },
      { key: 'r2', name: 'R2', colour: '#d95f02' },
    ],
    positive: true,
    source: 'metrics',
  },
  {
    id: 'gradients',
    title: 'E‖∇ₓD‖² on real vs fake',
    hint: 'How steep D is at the real points and at the generated ones. Large on real data: D sharpens around the data, which R1 penalises.',
    series: [
      { key: 'gradSqReal', name: 'on real', colour: '#555' },
      { key: 'gradSqFake', name: 'on fake', colour: G_COLOUR },
    ],
    positive: true,
    source: 'metrics',
  },
  {
    id: 'modes',
    title: 'Modes covered and % high quality',
    hint: `Mode collapse: ${HINTS.modeCollapse} High quality: samples within 3σ of a mode centre.`,
    series: [
      { key: 'modesCovered', name: 'modes covered', colour: '#1b9e77' },
      { key: 'highQuality', name: '% HQ', colour: '#7570b3', right: true },
    ],
    positive: false,
    source: 'evals',
    rightLabel: '%',
  },
  {
    id: 'distances',
    title: 'Distance to the data',
    hint: 'Reverse KL between the mode histograms of samples and data (mixtures only), and the sliced Wasserstein distance between the point clouds (lower is better).',
    series: [
      { key: 'reverseKL', name: 'reverse KL', colour: '#e7298a' },
      { key: 'slicedWasserstein', name: 'sliced Wasserstein', colour: '#66a61e' },
    ],
    positive: true,
    source: 'evals',
  },
];

/**
 * Stacked MNIST: the same training diagnostics, and its own evaluation charts (1000 modes; no
 * %HQ or sliced Wasserstein, which are defined for 2-D mixtures).
 */
const IMAGE_CHARTS: ChartSpec[] = [
  ...CHARTS.slice(0, 3),
  {
    id: 'modes',
    title: 'Modes covered (of 1000)',
    hint: 'Modes covered: digit triples the classifier found among the evaluation samples, however illegible (the papers’ count; even noise covers hundreds). Confident modes: those found among samples whose three digits are each read with probability ≥ 0.9; real data covers almost all 1000, noise few. % confident: the share of such samples (right axis).',
    series: [
      { key: 'modesCovered', name: 'modes covered', colour: '#1b9e77' },
      { key: 'confidentModesCovered', name: 'confident modes', colour: '#d95f02' },
      { key: 'confidentPercent', name: '% confident', colour: '#7570b3', right: true },
    ],
    positive: false,
    source: 'evals',
    rightLabel: '%',
  },
  {
    id: 'distances',
    title: 'Reverse KL vs its floor',
    hint: 'Reverse KL of the generated triple histogram against the uniform 1/1000 (lower is better). Its floor, (K − 1)/(2N) for K = 1000 modes and N samples, is what a perfect generator scores on as many samples.',
    series: [
      { key: 'reverseKL', name: 'reverse KL', colour: '#e7298a' },
      { key: 'klFloor', name: 'floor', colour: '#888' },
    ],
    positive: true,
    source: 'evals',
  },
];

export function Charts() {
  const logScale = useSettings((s) => s.view.logScale);
  const image = useRun((s) => s.kind === 'image');
  const setView = useSettingsApi().getState().setView;
  return (
    <section className="charts" aria-labelledby="charts-heading">
      <div className="charts-header">
        <h2 id="charts-heading">Training curves</h2>
        <label className="layer-toggle" title={HINTS.logScale}>
          <input
            type="checkbox"
            checked={logScale}
            onChange={(e) => setView({ logScale: e.target.checked })}
          />
          Log scale
        </label>
      </div>
      <div className="charts-grid">
        {(image ? IMAGE_CHARTS : CHARTS).map((spec) => (
          <ChartFromStore
            key={spec.id}
            spec={spec}
            logScale={logScale}
            evalEvery={image ? 500 : 100}
          />
        ))}
      </div>
    </section>
  );
}

function ChartFromStore({
  spec,
  logScale,
  evalEvery,
}: {
  spec: ChartSpec;
  logScale: boolean;
  evalEvery: number;
}) {
  const latest = useRun((s) =>
    spec.source === 'metrics' ? s.metrics : s.evals,
  ) as BoundedHistory<HistoryPoint>;
  // Each chart draws its newest history in a task of its own, and only while it is on screen.
  const ref = useRef<HTMLDivElement>(null);
  const history = useQueuedValue(latest, useInView(ref));
  return (
    <div ref={ref} className="chart-slot">
      <Chart
        spec={spec}
        history={history}
        logScale={logScale && spec.positive}
        evalEvery={evalEvery}
      />
    </div>
  );
}

// Stable objects: see chartProps.ts for why recharts needs them.
const MARGIN = { top: 4, right: 14, bottom: 0, left: 0 };
const MARGIN_RIGHT_AXIS = { top: 4, right: 0, bottom: 0, left: 0 };

const Chart = memo(function Chart({
  spec,
  history,
  logScale,
  evalEvery,
}: {
  spec: ChartSpec;
  history: BoundedHistory<HistoryPoint>;
  logScale: boolean;
  evalEvery: number;
}) {
  const data = useMemo(() => {
    const points = thin(historyPoints(history), DISPLAY_POINTS);
    if (!logScale) return points;
    // A log axis cannot show zero or negative values: leave gaps.
    return points.map((p) => {
      const q: HistoryPoint = { step: p.step };
      for (const s of spec.series) {
        const v = p[s.key];
        q[s.key] = typeof v === 'number' && v > 0 ? v : null;
      }
      return q;
    });
  }, [history, logScale, spec.series]);
  const titleId = `chart-${spec.id}`;
  const hasRight = spec.series.some((s) => s.right);
  return (
    <figure className="chart" role="group" aria-labelledby={titleId} data-points={data.length}>
      <figcaption id={titleId} title={spec.hint}>
        {spec.title}
      </figcaption>
      {/* A static legend: recharts' own measures itself in the DOM on every update. */}
      <ul className="chart-legend" aria-hidden="true">
        {spec.series.map((s) => (
          <li key={s.key}>
            <span className="chart-key" style={{ background: s.colour }} />
            {s.name}
            {s.right ? ' (right axis)' : ''}
          </li>
        ))}
      </ul>
      <div className="chart-body">
        {data.length === 0 ? (
          <p className="chart-empty muted">
            {spec.source === 'evals'
              ? `Evaluated every ${evalEvery} steps.`
              : 'Press Play to train.'}
          </p>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={hasRight ? MARGIN_RIGHT_AXIS : MARGIN}>
              <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
              <XAxis
                dataKey="step"
                type="number"
                domain={AUTO_DOMAIN}
                allowDecimals={false}
                tick={AXIS_TICK}
                tickFormatter={formatTick}
                stroke="var(--muted)"
                interval={0}
                tickCount={5}
              />
              <YAxis
                yAxisId="left"
                width={44}
                tick={AXIS_TICK}
                scale={logScale ? 'log' : 'auto'}
                domain={AUTO_DOMAIN}
                tickFormatter={formatTick}
                stroke="var(--muted)"
                interval={0}
                tickCount={5}
              />
              {hasRight && (
                <YAxis
                  yAxisId="right"
                  orientation="right"
                  width={36}
                  tick={AXIS_TICK}
                  domain={PERCENT_DOMAIN}
                  stroke="var(--muted)"
                  interval={0}
                  ticks={PERCENT_TICKS}
                />
              )}
              <Tooltip
                isAnimationActive={false}
                contentStyle={TOOLTIP_STYLE}
                labelFormatter={formatStepLabel}
                formatter={formatTooltipValue}
              />
              {spec.series.map((s) => (
                <Line
                  key={s.key}
                  yAxisId={s.right ? 'right' : 'left'}
                  dataKey={s.key}
                  name={s.name}
                  stroke={s.colour}
                  dot={false}
                  strokeWidth={1.6}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
});

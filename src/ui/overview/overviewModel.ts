/**
 * The model overview's content as data (no React): the boxes and arrows of one training
 * iteration, the numbered sub-steps a walk-through highlights in turn with their one-line
 * explanations (in the words of the configured loss and penalties), and the live values written
 * on the arrows. ModelOverview.tsx draws it; overviewModel.test.ts checks it.
 */
import type { GanConfig } from '../../engine/core/config';
import type { LossName } from '../../engine/core/lossNames';
import type { LogRow } from '../../protocol';

export type NodeId =
  | 'noise'
  | 'generator'
  | 'fake'
  | 'real'
  | 'discriminator'
  | 'dLoss'
  | 'dUpdate'
  | 'gLoss'
  | 'gUpdate';

export interface OverviewNode {
  id: NodeId;
  title: string;
  /** Box in the SVG's 800 × 300 user space. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** The node shows a live picture (points or D's heatmap) rather than text. */
  thumbnail?: 'fake' | 'real' | 'heatmap';
}

export const VIEW_WIDTH = 800;
export const VIEW_HEIGHT = 300;

export const NODES: readonly OverviewNode[] = [
  { id: 'noise', title: 'noise z', x: 8, y: 34, w: 78, h: 56 },
  { id: 'generator', title: 'G', x: 112, y: 34, w: 70, h: 56 },
  { id: 'fake', title: 'fake G(z)', x: 210, y: 14, w: 96, h: 96, thumbnail: 'fake' },
  { id: 'real', title: 'real x', x: 210, y: 176, w: 96, h: 96, thumbnail: 'real' },
  { id: 'discriminator', title: 'D', x: 390, y: 95, w: 104, h: 104, thumbnail: 'heatmap' },
  { id: 'dLoss', title: 'D’s loss', x: 548, y: 26, w: 118, h: 72 },
  { id: 'dUpdate', title: 'update D', x: 694, y: 26, w: 100, h: 72 },
  { id: 'gLoss', title: 'G’s loss', x: 548, y: 196, w: 118, h: 72 },
  { id: 'gUpdate', title: 'update G', x: 694, y: 196, w: 100, h: 72 },
];

export type EdgeId =
  | 'noise-generator'
  | 'generator-fake'
  | 'fake-discriminator'
  | 'real-discriminator'
  | 'discriminator-dLoss'
  | 'discriminator-gLoss'
  | 'dLoss-dUpdate'
  | 'gLoss-gUpdate'
  | 'dUpdate-discriminator'
  | 'gUpdate-generator';

export interface OverviewEdge {
  id: EdgeId;
  from: NodeId;
  to: NodeId;
  /** SVG path from `from` to `to` (arrow head at the end). */
  path: string;
  /** Where the value label sits, and its text anchor. */
  label: { x: number; y: number; anchor: 'start' | 'middle' | 'end' };
  /** The weights an update writes back (drawn dashed). */
  feedback?: boolean;
}

const node = (id: NodeId) => NODES.find((n) => n.id === id)!;
const right = (n: OverviewNode, dy = 0) => [n.x + n.w, n.y + n.h / 2 + dy] as const;
const left = (n: OverviewNode, dy = 0) => [n.x, n.y + n.h / 2 + dy] as const;

/** A path from the right side of `from` to the left side of `to`, right-angled if they differ in height. */
function link(from: NodeId, to: NodeId, fromDy = 0, toDy = 0): string {
  const [x1, y1] = right(node(from), fromDy);
  const [x2, y2] = left(node(to), toDy);
  if (y1 === y2) return `M${x1},${y1} L${x2},${y2}`;
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} L${mid},${y1} L${mid},${y2} L${x2},${y2}`;
}

const D = node('discriminator');
const G = node('generator');
const D_UPDATE = node('dUpdate');
const G_UPDATE = node('gUpdate');
/** Where D's outgoing arrows leave its right side, above and below its middle. */
const D_OUT = 22;

export const EDGES: readonly OverviewEdge[] = [
  {
    id: 'noise-generator',
    from: 'noise',
    to: 'generator',
    path: link('noise', 'generator'),
    label: { x: 99, y: 56, anchor: 'middle' },
  },
  {
    id: 'generator-fake',
    from: 'generator',
    to: 'fake',
    path: link('generator', 'fake'),
    label: { x: 196, y: 50, anchor: 'middle' },
  },
  {
    id: 'fake-discriminator',
    from: 'fake',
    to: 'discriminator',
    path: link('fake', 'discriminator', 0, -D_OUT),
    label: { x: 352, y: 80, anchor: 'start' },
  },
  {
    id: 'real-discriminator',
    from: 'real',
    to: 'discriminator',
    path: link('real', 'discriminator', 0, D_OUT),
    label: { x: 352, y: 218, anchor: 'start' },
  },
  {
    id: 'discriminator-dLoss',
    from: 'discriminator',
    to: 'dLoss',
    path: link('discriminator', 'dLoss', -D_OUT),
    label: { x: 607, y: 114, anchor: 'middle' },
  },
  {
    id: 'discriminator-gLoss',
    from: 'discriminator',
    to: 'gLoss',
    path: link('discriminator', 'gLoss', D_OUT),
    label: { x: 607, y: 284, anchor: 'middle' },
  },
  {
    id: 'dLoss-dUpdate',
    from: 'dLoss',
    to: 'dUpdate',
    path: link('dLoss', 'dUpdate'),
    label: { x: 680, y: 18, anchor: 'middle' },
  },
  {
    id: 'gLoss-gUpdate',
    from: 'gLoss',
    to: 'gUpdate',
    path: link('gLoss', 'gUpdate'),
    label: { x: 680, y: 189, anchor: 'middle' },
  },
  {
    // D's new weights: from under "update D" back into D's right side, between its outputs.
    id: 'dUpdate-discriminator',
    from: 'dUpdate',
    to: 'discriminator',
    path: `M${D_UPDATE.x + D_UPDATE.w / 2},${D_UPDATE.y + D_UPDATE.h} L${D_UPDATE.x + D_UPDATE.w / 2},${D.y + D.h / 2} L${D.x + D.w},${D.y + D.h / 2}`,
    label: { x: 738, y: 140, anchor: 'end' },
    feedback: true,
  },
  {
    // G's new weights: from under "update G" along the bottom back to G.
    id: 'gUpdate-generator',
    from: 'gUpdate',
    to: 'generator',
    path: `M${G_UPDATE.x + G_UPDATE.w / 2},${G_UPDATE.y + G_UPDATE.h} L${G_UPDATE.x + G_UPDATE.w / 2},294 L${G.x + G.w / 2},294 L${G.x + G.w / 2},${G.y + G.h}`,
    label: { x: 440, y: 289, anchor: 'middle' },
    feedback: true,
  },
];

export interface OverviewStep {
  /** 1-based, as shown. */
  n: number;
  title: string;
  /** One line, in the words of the configured loss and penalties. */
  text: string;
  nodes: NodeId[];
  edges: EdgeId[];
}

/** What D and G minimise, in words (D is high on real data, as in the engine). */
export const LOSS_WORDS: Record<LossName, { name: string; d: string; g: string }> = {
  minimax: {
    name: 'Minimax GAN',
    d: 'softplus(−D(x)) + softplus(D(G(z))): D is rewarded for scoring real points high and fakes low (binary cross-entropy)',
    g: '−softplus(D(G(z))), the same cross-entropy with the sign flipped; it saturates: when D rejects a fake confidently, G’s gradient vanishes',
  },
  nsgan: {
    name: 'non-saturating GAN (NSGAN)',
    d: 'softplus(−D(x)) + softplus(D(G(z))): D is rewarded for scoring real points high and fakes low (binary cross-entropy)',
    g: 'softplus(−D(G(z))): G wants each fake scored as real; the gradient is strongest where D rejects a fake most',
  },
  rpgan: {
    name: 'relativistic pairing GAN (RpGAN)',
    d: 'softplus(D(G(z)) − D(x)), each fake paired with a real: D wants every real scored above its fake partner',
    g: 'softplus(D(x) − D(G(z))): G wants each fake scored above its real partner, so no fake can win by copying one mode',
  },
  hinge: {
    name: 'hinge loss',
    d: 'relu(1 − D(x)) + relu(1 + D(G(z))): D wants reals above +1 and fakes below −1, and stops caring beyond',
    g: '−D(G(z)): G raises D’s score of its fakes',
  },
  lsgan: {
    name: 'least-squares GAN (LSGAN)',
    d: '½(D(x) − 1)² + ½D(G(z))²: D fits score 1 to real points and 0 to fakes',
    g: '½(D(G(z)) − 1)²: G wants its fakes scored 1, like real points',
  },
  'wgan-gp': {
    name: 'WGAN-GP',
    d: 'D(G(z)) − D(x) + λ(‖∇D(x̂)‖ − 1)²: a critic that widens the gap between real and fake scores, its slope held near 1 between them',
    g: '−D(G(z)): G raises the critic’s score of its fakes',
  },
};

const fmtGamma = (g: number) => String(Number(g.toPrecision(3)));

/** The gradient penalties as configured, in words (empty when there are none). */
export function penaltyWords(config: GanConfig): string {
  const parts: string[] = [];
  if (config.r1Gamma > 0)
    parts.push(`R1 = γ/2·E‖∇ₓD(x)‖² on real points (γ ${fmtGamma(config.r1Gamma)})`);
  if (config.r2Gamma > 0)
    parts.push(`R2 = γ/2·E‖∇ₓD(G(z))‖² on fakes (γ ${fmtGamma(config.r2Gamma)})`);
  if (parts.length === 0) return '';
  let text = ` Plus ${parts.join(' and ')}: D must stay flat there, like blurring the data by √γ`;
  if (config.lazyInterval > 1)
    text += `; applied every ${config.lazyInterval}th D step, ×${config.lazyInterval}`;
  if (config.burnInSteps > 0 && config.gammaBurnInFactor > 1)
    text += `; γ starts ${config.gammaBurnInFactor}× larger and falls to this over ${config.burnInSteps} steps`;
  return `${text}.`;
}

function optimiserWords(o: GanConfig['gOptimizer'], lrEnd: number, burnIn: number): string {
  const lr =
    burnIn > 0 && lrEnd < 1
      ? `lr ${o.lr} falling to ${Number((o.lr * lrEnd).toPrecision(2))}`
      : `lr ${o.lr}`;
  return o.kind === 'adam' ? `Adam step (${lr}, β1 ${o.beta1})` : `SGD step (${lr})`;
}

/** The numbered sub-steps of one iteration for `config`. */
export function iterationSteps(config: GanConfig): OverviewStep[] {
  const words = LOSS_WORDS[config.loss];
  const batch = config.batchSize;
  const repeat =
    config.dSteps > 1 ? ` Steps 1–6 run ${config.dSteps} times before G takes its turn.` : '';
  const steps: Omit<OverviewStep, 'n'>[] = [
    {
      title: 'Sample noise',
      text: `Draw ${batch} noise vectors z, each ${config.latentDim} standard normal numbers.`,
      nodes: ['noise'],
      edges: [],
    },
    {
      title: 'Generate',
      text: `G turns each z into a point G(z) of the plane: the pink dots. Hover G to watch it map noise to points.`,
      nodes: ['noise', 'generator', 'fake'],
      edges: ['noise-generator', 'generator-fake'],
    },
    {
      title: 'Sample real data',
      text: `Draw ${batch} real points x from the data set: the grey dots.`,
      nodes: ['real'],
      edges: [],
    },
    {
      title: 'D scores both',
      text: 'D gives every real and every fake point a score, high for “real”; the heatmap is D’s score everywhere on the plane.',
      nodes: ['fake', 'real', 'discriminator'],
      edges: ['fake-discriminator', 'real-discriminator'],
    },
    {
      title: 'D’s loss',
      text: `With the ${words.name}, D minimises ${words.d}.${penaltyWords(config)}`,
      nodes: ['discriminator', 'dLoss'],
      edges: ['discriminator-dLoss'],
    },
    {
      title: 'Update D',
      text: `Backpropagate D’s loss to D’s weights only and take one ${optimiserWords(config.dOptimizer, config.lrEndFactor, config.burnInSteps)}; G does not change.${repeat}`,
      nodes: ['dLoss', 'dUpdate', 'discriminator'],
      edges: ['dLoss-dUpdate', 'dUpdate-discriminator'],
    },
    {
      title: 'G’s loss',
      text: `Fresh noise goes through G, the updated D scores the fakes, and G minimises ${words.g}.`,
      nodes: ['noise', 'generator', 'fake', 'discriminator', 'gLoss'],
      edges: ['noise-generator', 'generator-fake', 'fake-discriminator', 'discriminator-gLoss'],
    },
    {
      title: 'Update G',
      text: `Backpropagate G’s loss through D (held fixed) into G’s weights and take one ${optimiserWords(config.gOptimizer, config.lrEndFactor, config.burnInSteps)}. The arrows on the plane are this gradient at each fake point.`,
      nodes: ['gLoss', 'gUpdate', 'generator'],
      edges: ['gLoss-gUpdate', 'gUpdate-generator'],
    },
  ];
  return steps.map((s, i) => ({ ...s, n: i + 1 }));
}

/** A live value: 3 significant digits, "–" before the first readback or when not finite. */
export function formatValue(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4)) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

/** The texts written on the arrows and inside the loss boxes, from the latest logged row. */
export interface OverviewValues {
  edges: Partial<Record<EdgeId, string>>;
  dLoss: string;
  gLoss: string;
  /** "R1 … · R2 …" for the configured penalties ('' when none). */
  penalties: string;
}

export function overviewValues(row: LogRow | null, config: GanConfig): OverviewValues {
  const v = (field: keyof LogRow) => formatValue(row ? row[field] : null);
  const penalties = [
    config.r1Gamma > 0 ? `R1 ${v('r1')}` : '',
    config.r2Gamma > 0 ? `R2 ${v('r2')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    edges: {
      'generator-fake': `×${config.batchSize}`,
      'fake-discriminator': `D(G(z)) ${v('dFake')}`,
      'real-discriminator': `D(x) ${v('dReal')}`,
      'discriminator-dLoss': `E‖∇ₓD‖²: real ${v('gradSqReal')}, fake ${v('gradSqFake')}`,
      'dLoss-dUpdate': `‖∇‖ ${v('dGradNorm')}`,
      'gLoss-gUpdate': `‖∇‖ ${v('gGradNorm')}`,
      'dUpdate-discriminator': 'new D',
      'gUpdate-generator': 'new G (its gradient came through D)',
    },
    dLoss: v('dLoss'),
    gLoss: v('gLoss'),
    penalties,
  };
}

/**
 * The walk-through (slow motion with sub-steps): which sub-step is highlighted (null: none) and
 * whether it advances by itself. Each pass starts by training one iteration, so the numbers on
 * the arrows are those of the iteration being explained.
 */
export interface WalkState {
  index: number | null;
  auto: boolean;
}

export type WalkAction = 'start' | 'tick' | 'next' | 'previous' | 'pause' | 'resume' | 'stop';

export const WALK_IDLE: WalkState = { index: null, auto: false };

/** The next state, and whether to train one iteration now (entering sub-step 1). */
export function walk(
  state: WalkState,
  action: WalkAction,
  count: number,
): { state: WalkState; iterate: boolean } {
  const at = state.index;
  switch (action) {
    case 'start':
      return { state: { index: 0, auto: true }, iterate: true };
    case 'stop':
      return { state: WALK_IDLE, iterate: false };
    case 'pause':
    case 'resume':
      return { state: { index: at, auto: action === 'resume' && at !== null }, iterate: false };
    case 'previous':
      return { state: { index: Math.max(0, (at ?? 0) - 1), auto: false }, iterate: false };
    case 'tick':
    case 'next': {
      if (action === 'tick' && !state.auto) return { state, iterate: false };
      const index = at === null ? 0 : (at + 1) % count;
      return {
        state: { index, auto: action === 'tick' ? state.auto : false },
        iterate: index === 0,
      };
    }
  }
}

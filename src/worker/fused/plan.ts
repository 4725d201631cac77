/**
 * The fused toy step, backend-agnostic: which kernels one D update and one G update dispatch, and
 * which buffers each reads and writes. The WGSL and GLSL emitters (emit.ts) turn each KernelSpec
 * into a shader; kernels.ts runs them through tfjs; fusedTrainer.ts plugs the plans into the
 * GanTrainer loop. Everything here is pure (no tfjs), so Vitest covers it in Node.
 *
 * Why these kernels (the op path dispatches ~512 per iteration; on a GPU each costs about as
 * much as the arithmetic of a small MLP): an MLP layer is one `product` kernel (x·W + b and leaky
 * ReLU, over real and fake rows together); backward is the same product with Wᵀ, masked by the
 * saved activations (leaky ReLU's slope is 1 where its output is > 0, α elsewhere); the weight
 * gradients of a layer are one `grad-partial` kernel (partial sums over chunks of rows, so the
 * row reduction runs in parallel), and one `grad-reduce` kernel per network sums the chunks into
 * one flat gradient buffer; the optimiser is one kernel per moment and one for the weights over
 * all parameters at once.
 *
 * R1/R2 written out. With u_l = ∂(Σ D)/∂z_l (z_l: layer l's pre-activation; seeded with ones at
 * the logit) the input gradient is ∇ₓD = u_0·W_0ᵀ, and u_l = (u_{l+1}·W_{l+1}ᵀ) ⊙ s_l with s_l the
 * slope mask. The masks are piecewise constant in the weights (their derivative is 0 almost
 * everywhere, as tfjs's `step` gradient also says), so the penalty P = Σ_r c_r‖∇ₓD_r‖² is
 * polynomial in the weights along the masks, and its weight gradient is a second, *forward*
 * pass: v_{-1} = 2c·∇ₓD, v_l = (v_{l-1}·W_l) ⊙ s_l, and ∂P/∂W_l = v_{l-1}ᵀ·u_l (no bias term: u
 * does not depend on the biases). The adversarial gradient is a_lᵀ·e_l with e the usual backward
 * pass, so one `grad-partial` kernel per layer sums both terms. u and e run through the same masks and
 * weights, so one backward kernel carries both, stacked as rows [e; u].
 */
import type { LossName } from '../../engine/core/lossNames';
import type { OptimizerKind } from '../../engine/core/adam';

/** Leaky ReLU's negative slope (engine/core/ops.ts LEAKY_SLOPE). */
export const SLOPE = 0.2;

/** Where each weight and bias of an MLP sits in its flat parameter buffer. */
export interface NetLayout {
  /** Layer widths: input, hidden…, output. */
  sizes: number[];
  /** Offsets of W_l ([fanIn, fanOut], row-major) and b_l. */
  weightOffsets: number[];
  biasOffsets: number[];
  total: number;
}

/**
 * The flat order is Mlp.variables' order, [W_0 … W_K, b_0 … b_K], which is also the order of the
 * engine Optimizer's flat moments: the fused update reads and writes those moments as they are.
 */
export function netLayout(shape: {
  inputDim: number;
  width: number;
  depth: number;
  outputDim: number;
}): NetLayout {
  const sizes = [shape.inputDim, ...Array<number>(shape.depth).fill(shape.width), shape.outputDim];
  const layers = sizes.length - 1;
  const weightOffsets: number[] = [];
  const biasOffsets: number[] = [];
  let offset = 0;
  for (let l = 0; l < layers; l++) {
    weightOffsets.push(offset);
    offset += sizes[l] * sizes[l + 1];
  }
  for (let l = 0; l < layers; l++) {
    biasOffsets.push(offset);
    offset += sizes[l + 1];
  }
  return { sizes, weightOffsets, biasOffsets, total: offset };
}

/** Per-step scalars passed as uniforms (never baked into a shader: they change every step). */
export type UniformName =
  | 'r1Scale'
  | 'r2Scale'
  | 'beta1'
  | 'oneMinusBeta1'
  | 'beta2'
  | 'oneMinusBeta2'
  | 'sqrtCorrection2'
  | 'stepSize'
  | 'lr'
  | 'emaBeta';

/** Rows [offset, offset + rows) of a buffer of `width`-wide rows, optionally times a uniform. */
export interface RowSegment {
  /** Index into the kernel's inputs. */
  input: number;
  rows: number;
  offset: number;
  scale?: UniformName;
}

/**
 * out[r, j] = act(Σ_k in[r, k]·W[k, j] + b[j]) (or with Wᵀ), r over the concatenated segments.
 * `act` is leaky ReLU on the result, or the slope mask of saved activations (backward passes).
 */
export interface ProductSpec {
  kind: 'product';
  rows: number;
  segments: RowSegment[];
  inDim: number;
  outDim: number;
  /** Input index of the flat parameters, and W's offset in them. */
  params: number;
  weightOffset: number;
  /** W is stored [outDim, inDim] and used transposed (backward passes). */
  transposed: boolean;
  biasOffset: number | null;
  activation:
    | { kind: 'none' }
    | { kind: 'leaky' }
    /** Times the slope of saved activations row (r mod period) + offset. */
    | { kind: 'mask'; input: number; period: number; offset: number };
}

/**
 * ∂loss/∂logit per row, divided by the batch (the losses are batch means). Discriminator: rows
 * [0, B) real and [B, 2B) fake of `logits`, then (withOnes) B·2 ones: the seed of ∇ₓΣD. Generator:
 * the fake rows at `fakeOffset` (real ones at 0, for the relativistic loss).
 */
export interface SeedSpec {
  kind: 'seed';
  role: 'discriminator' | 'generator';
  loss: SupportedLoss;
  batch: number;
  withOnes: boolean;
  fakeOffset: number;
}

/** One Σ_r A[r, i]·D[r, j] term of a weight gradient. */
export interface GradTerm {
  a: RowSegment[];
  d: { input: number; offset: number };
}

/**
 * Rows per chunk of a weight-gradient reduction: a `grad-partial` kernel sums each weight's
 * Σ_r A[r, i]·D[r, j] over one chunk of rows per thread (fanIn·fanOut·chunks threads, a short loop
 * each), and `grad-reduce` adds the chunks up. One thread per weight with a loop over all rows
 * (2·batch, 4·batch with R1/R2) left a real GPU mostly idle (128 threads for D's first layer).
 */
export const GRAD_ROWS_PER_CHUNK = 32;

/** How many row chunks a layer's weight gradient over `rows` rows is split into. */
export function gradChunks(rows: number): number {
  return Math.max(1, Math.ceil(rows / GRAD_ROWS_PER_CHUNK));
}

/**
 * One layer's weight and bias gradient, as partial sums over row chunks: out[c·E + e] with
 * E = fanIn·fanOut + fanOut, e < fanIn·fanOut for W[i, j] (row-major) and the rest for b[j]. W's
 * entries sum the terms; b's sum Σ_r D[r, j] of the first term. Each segment of a term is split
 * into `chunks` equal runs of rows (the last one shorter), so chunk c covers the same part of the
 * real and the fake rows.
 */
export interface GradPartialSpec {
  kind: 'grad-partial';
  fanIn: number;
  fanOut: number;
  rows: number;
  chunks: number;
  terms: GradTerm[];
  /**
   * Sum b's gradient over row pairs (r, r + rows/2), i.e. real row r with its fake partner. Why:
   * under the relativistic loss ∂L/∂D(fake_r) = −∂L/∂D(real_r) exactly, so the output bias's
   * gradient is exactly 0, as on the op path; a sequential sum would leave rounding noise,
   * which Adam (β1 = 0) turns into ±lr steps. (Each chunk's pairs sum to 0, so their sum does.)
   */
  pairedBias: boolean;
}

/** Where one layer's partial sums (a grad-partial output) go in the flat gradient. */
export interface ReducedLayer {
  /** Index into the kernel's inputs. */
  input: number;
  fanIn: number;
  fanOut: number;
  chunks: number;
  weightOffset: number;
  biasOffset: number;
}

/**
 * A flat gradient buffer with the listed layers' W and b written (each the sum of its chunks);
 * every other entry copied from `previous` (or 0). A network's layers go into one buffer (in
 * groups of at most MAX_REDUCED_LAYERS, chained by `previous`), which the optimiser then updates
 * in one pass.
 */
export interface GradReduceSpec {
  kind: 'grad-reduce';
  total: number;
  layers: ReducedLayer[];
  previous: number | null;
}

/**
 * Layers per grad-reduce kernel: with `previous` that is 7 inputs and the output, WebGPU's
 * default limit of 8 storage buffers per shader stage.
 */
export const MAX_REDUCED_LAYERS = 6;

/** Element-wise updates over a whole flat buffer (the engine Optimizer's arithmetic, in order). */
export interface UpdateSpec {
  kind: 'adam-m' | 'adam-v' | 'adam-param' | 'sgd' | 'ema';
  total: number;
}

export type KernelSpec = ProductSpec | SeedSpec | GradPartialSpec | GradReduceSpec | UpdateSpec;

/** One dispatch: a kernel, the buffers it reads (by name) and the one it writes. */
export interface Invocation {
  spec: KernelSpec;
  inputs: string[];
  output: string;
  uniforms: UniformName[];
}

export const SUPPORTED_LOSSES = ['minimax', 'nsgan', 'rpgan', 'hinge', 'lsgan'] as const;
export type SupportedLoss = (typeof SUPPORTED_LOSSES)[number];

export function isSupportedLoss(loss: LossName): loss is SupportedLoss {
  return (SUPPORTED_LOSSES as readonly string[]).includes(loss);
}

/** Names of the buffers a plan reads from outside (the trainer binds them) and writes last. */
export const BUFFERS = {
  gParams: 'G.params',
  dParams: 'D.params',
  latents: 'latents',
  real: 'real',
  /** Set by the D plan when the G forward is part of it. */
  fake: 'G.out',
  logits: 'D.logits',
  inputGrad: 'D.inputGrad',
} as const;

/** Builds invocations with unique intermediate names. */
class PlanBuilder {
  readonly steps: Invocation[] = [];

  add(spec: KernelSpec, inputs: string[], output: string): string {
    this.steps.push({ spec, inputs, output, uniforms: uniformsOf(spec) });
    return output;
  }
}

/** The uniforms a kernel's shader reads (emit.ts uses exactly these). */
export function uniformsOf(spec: KernelSpec): UniformName[] {
  const scales = (segments: RowSegment[]) => segments.flatMap((s) => (s.scale ? [s.scale] : []));
  switch (spec.kind) {
    case 'product':
      return [...new Set(scales(spec.segments))];
    case 'grad-partial':
      return [...new Set(spec.terms.flatMap((t) => scales(t.a)))];
    case 'grad-reduce':
    case 'seed':
      return [];
    case 'adam-m':
      return ['beta1', 'oneMinusBeta1'];
    case 'adam-v':
      return ['beta2', 'oneMinusBeta2'];
    case 'adam-param':
      return ['sqrtCorrection2', 'stepSize'];
    case 'sgd':
      return ['lr'];
    case 'ema':
      return ['emaBeta'];
  }
}

/** Forward through an MLP: returns the activation names [input, a_1, …, output]. */
function forward(
  p: PlanBuilder,
  net: NetLayout,
  prefix: string,
  params: string,
  inputs: { name: string; rows: number }[],
): string[] {
  const layers = net.sizes.length - 1;
  const rows = inputs.reduce((n, s) => n + s.rows, 0);
  const acts: string[] = [];
  let segments = inputs;
  for (let l = 0; l < layers; l++) {
    const hidden = l < layers - 1;
    const names = [params, ...segments.map((s) => s.name)];
    const out = p.add(
      {
        kind: 'product',
        rows,
        segments: segments.map((s, i) => ({ input: i + 1, rows: s.rows, offset: 0 })),
        inDim: net.sizes[l],
        outDim: net.sizes[l + 1],
        params: 0,
        weightOffset: net.weightOffsets[l],
        transposed: false,
        biasOffset: net.biasOffsets[l],
        activation: hidden ? { kind: 'leaky' } : { kind: 'none' },
      },
      names,
      hidden ? `${prefix}.a${l + 1}` : `${prefix}.out`,
    );
    acts.push(out);
    segments = [{ name: out, rows }];
  }
  return acts;
}

/**
 * Backward from the gradient w.r.t. the output layer's pre-activation (`seed`, `rows` rows) down
 * to layer 0's: returns δ_l names for l = 0 … K-1 (δ_{K-1} = seed). Masks come from the forward
 * activations `acts` (a_{l+1} for δ_l), row (r mod period) + maskOffset.
 */
function backward(
  p: PlanBuilder,
  net: NetLayout,
  prefix: string,
  params: string,
  acts: string[],
  seed: string,
  rows: number,
  mask: { period: number; offset: number },
): string[] {
  const layers = net.sizes.length - 1;
  const deltas: string[] = Array<string>(layers);
  deltas[layers - 1] = seed;
  for (let l = layers - 2; l >= 0; l--) {
    deltas[l] = p.add(
      {
        kind: 'product',
        rows,
        segments: [{ input: 1, rows, offset: 0 }],
        inDim: net.sizes[l + 2],
        outDim: net.sizes[l + 1],
        params: 0,
        weightOffset: net.weightOffsets[l + 1],
        transposed: true,
        biasOffset: null,
        activation: { kind: 'mask', input: 2, ...mask },
      },
      [params, deltas[l + 1], acts[l]],
      `${prefix}.delta${l}`,
    );
  }
  return deltas;
}

/** ∂/∂x of layer 0 (no activation before it): δ_0·W_0ᵀ for `rows` rows from `offset`. */
function inputGradient(
  p: PlanBuilder,
  net: NetLayout,
  params: string,
  delta0: string,
  rows: number,
  offset: number,
  output: string,
): string {
  return p.add(
    {
      kind: 'product',
      rows,
      segments: [{ input: 1, rows, offset }],
      inDim: net.sizes[1],
      outDim: net.sizes[0],
      params: 0,
      weightOffset: net.weightOffsets[0],
      transposed: true,
      biasOffset: null,
      activation: { kind: 'none' },
    },
    [params, delta0],
    output,
  );
}

/** The optimiser over a whole network: returns the names of [params', m', v'] (m', v' for Adam). */
function update(
  p: PlanBuilder,
  prefix: string,
  kind: OptimizerKind,
  total: number,
  grad: string,
): { params: string; m?: string; v?: string } {
  const params = `${prefix}.params`;
  if (kind === 'sgd') {
    return { params: p.add({ kind: 'sgd', total }, [params, grad], `${prefix}.params'`) };
  }
  const m = p.add({ kind: 'adam-m', total }, [`${prefix}.m`, grad], `${prefix}.m'`);
  const v = p.add({ kind: 'adam-v', total }, [`${prefix}.v`, grad], `${prefix}.v'`);
  const next = p.add({ kind: 'adam-param', total }, [params, m, v], `${prefix}.params'`);
  return { params: next, m, v };
}

/**
 * Weight gradients of every layer of a net: partial sums over row chunks per layer, then summed
 * into one flat buffer, `${prefix}.grad` (see gradBufferName); returns its name.
 */
function gradients(
  p: PlanBuilder,
  net: NetLayout,
  prefix: string,
  layerTerms: (l: number) => { inputs: string[]; terms: GradTerm[]; rows: number },
  pairedBias = false,
): string {
  const layers = net.sizes.length - 1;
  const partials: { name: string; layer: Omit<ReducedLayer, 'input'> }[] = [];
  for (let l = 0; l < layers; l++) {
    const { inputs, terms, rows } = layerTerms(l);
    const fanIn = net.sizes[l];
    const fanOut = net.sizes[l + 1];
    const chunks = gradChunks(rows);
    const name = p.add(
      { kind: 'grad-partial', fanIn, fanOut, rows, chunks, terms, pairedBias },
      inputs,
      `${prefix}.gradPart${l}`,
    );
    const layer = {
      fanIn,
      fanOut,
      chunks,
      weightOffset: net.weightOffsets[l],
      biasOffset: net.biasOffsets[l],
    };
    partials.push({ name, layer });
  }
  let previous: string | null = null;
  for (let first = 0; first < layers; first += MAX_REDUCED_LAYERS) {
    const group = partials.slice(first, first + MAX_REDUCED_LAYERS);
    const last = first + group.length >= layers;
    const inputs = group.map((g) => g.name);
    previous = p.add(
      {
        kind: 'grad-reduce',
        total: net.total,
        layers: group.map((g, i) => ({ ...g.layer, input: i })),
        previous: previous === null ? null : inputs.length,
      },
      previous === null ? inputs : [...inputs, previous],
      last ? gradBufferName(prefix) : `${prefix}.grad@${first}`,
    );
  }
  return previous!;
}

/** The flat gradient buffer a step plan writes for a network ('D' or 'G'). */
export function gradBufferName(prefix: string): string {
  return `${prefix}.grad`;
}

export interface DiscriminatorOptions {
  loss: SupportedLoss;
  batch: number;
  /** Compute ∇ₓD (for the penalties or the diagnostics). */
  inputGradient: boolean;
  /** Add R1/R2's weight gradient (scales r1Scale = γ1/B, r2Scale = γ2/B). */
  penalty: boolean;
}

/**
 * D's gradient (adversarial loss + R1 + R2) on rows [real; fake], from the buffers `real` and
 * `fake`: returns the flat gradient's name. Also writes BUFFERS.logits and (inputGradient)
 * BUFFERS.inputGrad, which the diagnostics read.
 */
export function discriminatorGradientPlan(
  p: PlanBuilder,
  d: NetLayout,
  o: DiscriminatorOptions,
  fake: string,
): string {
  const B = o.batch;
  const params = BUFFERS.dParams;
  const acts = forward(p, d, 'D', params, [
    { name: BUFFERS.real, rows: B },
    { name: fake, rows: B },
  ]);
  const logits = acts[acts.length - 1];
  // Stacked seeds [e; u]: the adversarial ∂loss/∂logit and (for ∇ₓD) ones.
  const rows = o.inputGradient ? 4 * B : 2 * B;
  const seed = p.add(
    {
      kind: 'seed',
      role: 'discriminator',
      loss: o.loss,
      batch: B,
      withOnes: o.inputGradient,
      fakeOffset: B,
    },
    [logits],
    'D.seed',
  );
  const deltas = backward(p, d, 'D', params, acts, seed, rows, { period: 2 * B, offset: 0 });
  const layers = d.sizes.length - 1;
  let inputGrad: string | null = null;
  if (o.inputGradient) {
    inputGrad = inputGradient(p, d, params, deltas[0], 2 * B, 2 * B, BUFFERS.inputGrad);
  }
  // The penalty's second pass: v_l = (v_{l-1}·W_l) ⊙ s_l from v_{-1} = 2c·∇ₓD.
  const scaled: RowSegment[] = [
    { input: 0, rows: B, offset: 0, scale: 'r1Scale' },
    { input: 0, rows: B, offset: B, scale: 'r2Scale' },
  ];
  const vs: string[] = [];
  if (o.penalty && inputGrad) {
    for (let l = 0; l < layers - 1; l++) {
      vs.push(
        p.add(
          {
            kind: 'product',
            rows: 2 * B,
            segments:
              l === 0
                ? scaled.map((s) => ({ ...s, input: 1 }))
                : [{ input: 1, rows: 2 * B, offset: 0 }],
            inDim: d.sizes[l],
            outDim: d.sizes[l + 1],
            params: 0,
            weightOffset: d.weightOffsets[l],
            transposed: false,
            biasOffset: null,
            activation: { kind: 'mask', input: 2, period: 2 * B, offset: 0 },
          },
          [params, l === 0 ? inputGrad : vs[l - 1], acts[l]],
          `D.v${l}`,
        ),
      );
    }
  }
  return gradients(
    p,
    d,
    'D',
    (l) => {
      // Inputs: [a_l sources…, δ_l, (penalty) v_{l-1}]
      const aInputs = l === 0 ? [BUFFERS.real, fake] : [acts[l - 1]];
      const aSegments: RowSegment[] =
        l === 0
          ? [
              { input: 0, rows: B, offset: 0 },
              { input: 1, rows: B, offset: 0 },
            ]
          : [{ input: 0, rows: 2 * B, offset: 0 }];
      const dIndex = aInputs.length;
      const terms: GradTerm[] = [{ a: aSegments, d: { input: dIndex, offset: 0 } }];
      const inputs = [...aInputs, deltas[l]];
      if (o.penalty && inputGrad) {
        const vIndex = inputs.length;
        inputs.push(l === 0 ? inputGrad : vs[l - 1]);
        terms.push({
          a:
            l === 0
              ? scaled.map((s) => ({ ...s, input: vIndex }))
              : [{ input: vIndex, rows: 2 * B, offset: 0 }],
          d: { input: dIndex, offset: 2 * B },
        });
      }
      return { inputs, terms, rows: 2 * B };
    },
    true,
  );
}

export interface StepDims {
  g: NetLayout;
  d: NetLayout;
  batch: number;
  loss: SupportedLoss;
  gOptimizer: OptimizerKind;
  dOptimizer: OptimizerKind;
}

export interface StepPlan {
  steps: Invocation[];
  /** The names the trainer reads back after the plan ran. */
  outputs: { params: string; m?: string; v?: string; grad: string; logits: string };
}

/**
 * One discriminator update: G forward on the latents (fake rows, detached), D's gradient, the
 * optimiser. Reads G.params, D.params, D.m, D.v, latents, real.
 */
export function discriminatorStepPlan(
  dims: StepDims,
  o: { inputGradient: boolean; penalty: boolean },
): StepPlan {
  const p = new PlanBuilder();
  const gActs = forward(p, dims.g, 'G', BUFFERS.gParams, [
    { name: BUFFERS.latents, rows: dims.batch },
  ]);
  const grad = discriminatorGradientPlan(
    p,
    dims.d,
    { loss: dims.loss, batch: dims.batch, ...o },
    gActs[gActs.length - 1],
  );
  const next = update(p, 'D', dims.dOptimizer, dims.d.total, grad);
  return { steps: p.steps, outputs: { ...next, grad, logits: 'D.out' } };
}

/** D's gradient only (the finite-difference check): reads D.params, real, fake. */
export function discriminatorGradientOnlyPlan(
  d: NetLayout,
  o: DiscriminatorOptions,
): { steps: Invocation[]; grad: string } {
  const p = new PlanBuilder();
  const grad = discriminatorGradientPlan(p, d, o, 'fake');
  return { steps: p.steps, grad };
}

/** Whether G's loss reads D on a real batch (the relativistic pairing). */
export function generatorNeedsReal(loss: SupportedLoss): boolean {
  return loss === 'rpgan';
}

/**
 * One generator update: G forward, D forward on [real; fake] (rpgan) or [fake], ∂loss/∂fake
 * logits, back through D to its input and on through G, G's weight gradients, the optimiser.
 * Reads G.params, G.m, G.v, D.params, latents, (rpgan) real.
 */
export function generatorStepPlan(dims: StepDims): StepPlan {
  const p = new PlanBuilder();
  const B = dims.batch;
  const gActs = forward(p, dims.g, 'G', BUFFERS.gParams, [{ name: BUFFERS.latents, rows: B }]);
  const fake = gActs[gActs.length - 1];
  // G's output layer is linear: ∂loss/∂(its pre-activation) is ∂loss/∂fake.
  const { grad: gSeed, logits } = generatorLossGradient(p, dims.d, dims.loss, {
    fake,
    real: BUFFERS.real,
    rows: B,
    output: 'G.outGrad',
  });
  const gDeltas = backward(p, dims.g, 'G', BUFFERS.gParams, gActs, gSeed, B, {
    period: B,
    offset: 0,
  });
  const grad = gradients(p, dims.g, 'G', (l) => ({
    inputs: [l === 0 ? BUFFERS.latents : gActs[l - 1], gDeltas[l]],
    terms: [{ a: [{ input: 0, rows: B, offset: 0 }], d: { input: 1, offset: 0 } }],
    rows: B,
  }));
  const next = update(p, 'G', dims.gOptimizer, dims.g.total, grad);
  return { steps: p.steps, outputs: { ...next, grad, logits } };
}

/**
 * ∂ℓ_G/∂x at `rows` fakes, ℓ_G being G's loss averaged over them (the G step's first half, and
 * the views' transport vectors): D forward on [(rpgan) real; fake], ∂ℓ_G/∂logit, back through D
 * to its input. Returns the gradient's name (`output`, [rows, 2]) and D's logits'.
 */
function generatorLossGradient(
  p: PlanBuilder,
  d: NetLayout,
  loss: SupportedLoss,
  o: { fake: string; real: string; rows: number; output: string },
): { grad: string; logits: string } {
  const n = o.rows;
  const withReal = generatorNeedsReal(loss);
  const dActs = forward(p, d, 'D', BUFFERS.dParams, [
    ...(withReal ? [{ name: o.real, rows: n }] : []),
    { name: o.fake, rows: n },
  ]);
  const logits = dActs[dActs.length - 1];
  const fakeOffset = withReal ? n : 0;
  const seed = p.add(
    { kind: 'seed', role: 'generator', loss, batch: n, withOnes: false, fakeOffset },
    [logits],
    'D.seed',
  );
  const deltas = backward(p, d, 'D', BUFFERS.dParams, dActs, seed, n, {
    period: n,
    offset: fakeOffset,
  });
  return { grad: inputGradient(p, d, BUFFERS.dParams, deltas[0], n, 0, o.output), logits };
}

/** The external buffers of a view plan (besides G.params and D.params). */
export const VIEW_BUFFERS = {
  latents: 'view.latents',
  real: 'view.real',
  manifold: 'view.manifold',
  grid: 'view.grid',
} as const;

export interface ViewPlanOptions {
  loss: SupportedLoss;
  /** Rows of the point cloud (G on view.latents); 0 for none. */
  points: number;
  /** Also ∂ℓ_G/∂x at each of those points (the transport vectors, before their −n factor). */
  transport: boolean;
  /** Rows of the manifold mesh (G on view.manifold); 0 for none. */
  manifoldRows: number;
  /** Cells of the heatmap (D on view.grid); 0 for none. */
  gridRows: number;
}

export interface ViewPlan {
  steps: Invocation[];
  outputs: { points?: string; pointsGrad?: string; manifold?: string; logits?: string };
}

/**
 * The toy views (engine/toy/views.ts) as fused kernels: the same forward and backward kernels
 * the step runs, on the view's fixed rows, so a view costs 10–21 dispatches instead of the op
 * path's 81–136 (on SwiftShader WebGPU the op-path views took 2/3 of the app's time on GAN Lab's
 * model). The transport vectors are the G step's first half: G forward, D forward on
 * [(rpgan) real; fake], ∂ℓ_G/∂logit (divided by the rows, ℓ_G being a mean), back through D to
 * its input. Reads G.params, D.params and the VIEW_BUFFERS it needs.
 */
export function viewPlan(g: NetLayout, d: NetLayout, o: ViewPlanOptions): ViewPlan {
  const p = new PlanBuilder();
  const outputs: ViewPlan['outputs'] = {};
  if (o.points > 0) {
    const n = o.points;
    const gActs = forward(p, g, 'G', BUFFERS.gParams, [{ name: VIEW_BUFFERS.latents, rows: n }]);
    const fake = gActs[gActs.length - 1];
    outputs.points = fake;
    if (o.transport) {
      outputs.pointsGrad = generatorLossGradient(p, d, o.loss, {
        fake,
        real: VIEW_BUFFERS.real,
        rows: n,
        output: 'view.pointsGrad',
      }).grad;
    }
  }
  if (o.manifoldRows > 0) {
    const acts = forward(p, g, 'Gm', BUFFERS.gParams, [
      { name: VIEW_BUFFERS.manifold, rows: o.manifoldRows },
    ]);
    outputs.manifold = acts[acts.length - 1];
  }
  if (o.gridRows > 0) {
    const acts = forward(p, d, 'Dg', BUFFERS.dParams, [
      { name: VIEW_BUFFERS.grid, rows: o.gridRows },
    ]);
    outputs.logits = acts[acts.length - 1];
  }
  return { steps: p.steps, outputs };
}

/** The EMA of G's weights: ema' = p + β(ema − p), one kernel. Reads G.params, Gema.params. */
export function emaPlan(g: NetLayout): Invocation {
  const spec: KernelSpec = { kind: 'ema', total: g.total };
  return {
    spec,
    inputs: ['G.params', 'Gema.params'],
    output: "Gema.params'",
    uniforms: uniformsOf(spec),
  };
}

/** Every input a plan reads that no earlier step of it wrote (what the trainer must bind). */
export function externalInputs(steps: Invocation[]): string[] {
  const written = new Set<string>();
  const external = new Set<string>();
  for (const s of steps) {
    for (const name of s.inputs) if (!written.has(name)) external.add(name);
    written.add(s.output);
  }
  return [...external];
}

/**
 * Convolutional generators and discriminators for 28×28×3 images (Stacked MNIST), in three
 * stages at 7, 14 and 28 pixels (28/2 = 14, 14/2 = 7), with optional progressive growing.
 *
 * - 'dcgan': the classic baseline (Radford et al.) rebuilt from second-order-safe ops.
 *   G: z → dense to 7×7×C₀ → [BN → lReLU] → per stage (×2 bilinear up →) 3×3 conv → BN → lReLU
 *   → 1×1 to RGB. D: 1×1 from RGB → lReLU → per stage 3×3 conv + bias → lReLU (→ [1,3,3,1]
 *   downsample) → [minibatch std] → dense to one logit. DCGAN's 4×4 stride-2 (transposed) convs
 *   become ×2 filtered resampling plus a stride-1 3×3 conv: our conv (ops.ts) is stride 1 only,
 *   because that is the form whose gradients of every order are forward convs (wasm has no
 *   Conv2DBackpropFilter); a stride-2 conv as stride 1 + subsampling would cost 4× the work.
 *   D has no normalisation: R1/R2 are per-sample penalties and batch statistics would couple the
 *   samples (R3GAN §3). G keeps DCGAN's batch norm (batch statistics, tf.moments), which stabilises
 *   this plain stack; G is only differentiated once, and coupling G's samples affects no penalty.
 * - 'resnet': R3GAN's Config E (gan-facts.md §4) scaled down for a browser tab. Residual blocks
 *   x + Conv1×1 ∘ φ ∘ GConv3×3 ∘ φ ∘ Conv1×1 (x), inverted bottleneck (expansion 2), grouped 3×3
 *   with `groupSize` channels per group, a learned bias before each φ = leaky ReLU 0.2, no
 *   normalisation, fix-up init (He with the leaky gain on fan_in = (Cin/G)·k², the first two convs
 *   of every block ×L^(−1/4), the last conv zero). Transitions: G 1×1 conv then ×2 bilinear up;
 *   D ×2 [1,3,3,1] down then 1×1 conv. G starts from a learned 7×7 basis (N(0,1)) multiplied per
 *   channel by a linear projection of z; D ends with a "global depthwise" 7×7 layer (per-channel
 *   7×7 weights, elementwise product summed over the map) and a dense layer to one logit. RGB
 *   goes in and out through 1×1 convs; no tanh on G's output.
 *
 * Progressive growing (ProGAN): at stage s the models work at 7·2ˢ pixels; while stage s fades
 * in, G outputs lerp(up(toRGB_{s−1}(h_{s−1})), toRGB_s(h_s), α) and D's input is read both by
 * fromRGB_s → stage s and by fromRGB_{s−1} ∘ down, blended with the same α. Each stage has its
 * own to/from-RGB layer only when progressive growing is on.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  batchNorm,
  biasAct,
  conv1x1,
  conv3x3,
  groupedConv3x3,
  lerp,
  LEAKY_GAIN,
  minibatchStd,
  ParamStore,
  type GroupedConvMode,
} from './convLayers';
import type { ConvArch } from '../core/config';
import { dense, leakyRelu, matMul } from '../core/ops';
import { downsample2x, upsample2x } from './resample';
import type { Rng } from '../core/rng';

export type { ConvArch };

/** Side lengths of the three stages. */
export const STAGE_SIZES = [7, 14, 28] as const;
export const IMAGE_SIZE = 28;
export const IMAGE_CHANNELS = 3;

export interface ConvModelSpec {
  arch: ConvArch;
  latentDim: number;
  /**
   * Side of the coarsest stage: 7 for 28×28 images (stages 7, 14, 28). Tests use 2 (2, 4, 8) to
   * keep finite-difference checks fast.
   */
  baseSize: number;
  /** Widths at the three stages, coarsest first (7, 14 and 28 pixels). */
  channels: readonly [number, number, number];
  /** Residual blocks per stage ('resnet'). */
  blocks: number;
  /** Channels per group of the grouped 3×3 conv ('resnet'; R3GAN uses 16). */
  groupSize: number;
  /** Inverted-bottleneck expansion of the residual blocks ('resnet'; R3GAN uses 2). */
  expansion: number;
  /** Minibatch standard deviation before D's head (group size 4). */
  mbstd: boolean;
  /** Per-stage to/from-RGB layers for progressive growing. */
  progressive: boolean;
  groupedConv: GroupedConvMode;
}

/** Which stage is trained and how far it has faded in (α = 1: fully in). */
export interface Growth {
  stage: 0 | 1 | 2;
  alpha: number;
}

export const FULL_GROWTH: Growth = { stage: 2, alpha: 1 };

export interface ImageGenerator {
  readonly spec: ConvModelSpec;
  readonly variables: tf.Variable[];
  readonly parameterCount: number;
  /** z [N, latentDim] → images [N, r, r, 3] at the stage's resolution r. */
  apply(z: tf.Tensor2D, growth?: Growth): tf.Tensor4D;
  dispose(): void;
}

export interface ImageDiscriminator {
  readonly spec: ConvModelSpec;
  readonly variables: tf.Variable[];
  readonly parameterCount: number;
  /** images [N, r, r, 3] at the stage's resolution → logits [N, 1]. */
  apply(x: tf.Tensor4D, growth?: Growth): tf.Tensor2D;
  dispose(): void;
}

/** Stages that have their own RGB layer: all three when progressive, else only 28×28. */
function rgbStages(spec: ConvModelSpec): number[] {
  return spec.progressive ? [0, 1, 2] : [2];
}

function checkGrowth(spec: ConvModelSpec, growth: Growth): void {
  if (!spec.progressive && (growth.stage !== 2 || growth.alpha < 1))
    throw new Error('Growth stages below 28×28 need a model built with progressive growing.');
}

abstract class Model {
  protected readonly params: ParamStore;

  constructor(
    readonly spec: ConvModelSpec,
    rng: Rng,
    name: string,
  ) {
    this.params = new ParamStore(name, rng);
  }

  get variables(): tf.Variable[] {
    return this.params.variables;
  }

  get parameterCount(): number {
    return this.params.parameterCount;
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** 1×1 conv weights [cin, cout] with He init of the given gain. */
function pointwise(p: ParamStore, name: string, cin: number, cout: number, gain = 1) {
  return p.normal(name, [cin, cout], gain / Math.sqrt(cin));
}

// ---------------------------------------------------------------------------------------------
// DCGAN

export class DcganGenerator extends Model implements ImageGenerator {
  private readonly project: {
    w: tf.Variable;
    b: tf.Variable;
    scale: tf.Variable;
    offset: tf.Variable;
  };
  private readonly stages: { w: tf.Variable; scale: tf.Variable; offset: tf.Variable }[] = [];
  private readonly toRgb: ({ w: tf.Variable; b: tf.Variable } | null)[] = [null, null, null];

  constructor(spec: ConvModelSpec, rng: Rng, name: string) {
    super(spec, rng, name);
    const p = this.params;
    const [c0] = spec.channels;
    const b0 = spec.baseSize;
    this.project = {
      w: p.normal('project/w', [spec.latentDim, b0 * b0 * c0], 1 / Math.sqrt(spec.latentDim)),
      b: p.zeros('project/b', [b0 * b0 * c0]),
      scale: p.ones('project/bn_scale', [c0]),
      offset: p.zeros('project/bn_offset', [c0]),
    };
    for (let s = 0; s < 3; s++) {
      const cin = spec.channels[Math.max(0, s - 1)];
      const cout = spec.channels[s];
      this.stages.push({
        w: p.normal(`stage${s}/conv`, [3, 3, cin, cout], LEAKY_GAIN / Math.sqrt(9 * cin)),
        scale: p.ones(`stage${s}/bn_scale`, [cout]),
        offset: p.zeros(`stage${s}/bn_offset`, [cout]),
      });
    }
    for (const s of rgbStages(spec)) {
      const c = spec.channels[s];
      this.toRgb[s] = {
        w: pointwise(p, `toRGB${s}/w`, c, IMAGE_CHANNELS),
        b: p.zeros(`toRGB${s}/b`, [IMAGE_CHANNELS]),
      };
    }
  }

  apply(z: tf.Tensor2D, growth: Growth = FULL_GROWTH): tf.Tensor4D {
    checkGrowth(this.spec, growth);
    const n = z.shape[0];
    const [c0] = this.spec.channels;
    const pr = this.project;
    const b0 = this.spec.baseSize;
    let h = tf.reshape(dense(z, pr.w, pr.b), [n, b0, b0, c0]) as tf.Tensor4D;
    h = leakyRelu(batchNorm(h, pr.scale, pr.offset)) as tf.Tensor4D;
    let previous: tf.Tensor4D = h;
    for (let s = 0; s <= growth.stage; s++) {
      previous = h;
      const st = this.stages[s];
      const input = s > 0 ? upsample2x(h) : h;
      h = leakyRelu(batchNorm(conv3x3(input, st.w), st.scale, st.offset)) as tf.Tensor4D;
    }
    return this.output(h, previous, growth);
  }

  private output(h: tf.Tensor4D, previous: tf.Tensor4D, growth: Growth): tf.Tensor4D {
    const rgb = (s: number, x: tf.Tensor4D) => conv1x1(x, this.toRgb[s]!.w, this.toRgb[s]!.b);
    const out = rgb(growth.stage, h);
    if (growth.alpha >= 1 || growth.stage === 0) return out;
    return lerp(upsample2x(rgb(growth.stage - 1, previous)), out, growth.alpha) as tf.Tensor4D;
  }
}

export class DcganDiscriminator extends Model implements ImageDiscriminator {
  private readonly fromRgb: ({ w: tf.Variable; b: tf.Variable } | null)[] = [null, null, null];
  private readonly stages: { w: tf.Variable; b: tf.Variable }[] = [];
  private readonly head: { w: tf.Variable; b: tf.Variable };

  constructor(spec: ConvModelSpec, rng: Rng, name: string) {
    super(spec, rng, name);
    const p = this.params;
    for (const s of rgbStages(spec)) {
      const c = spec.channels[s];
      this.fromRgb[s] = {
        w: pointwise(p, `fromRGB${s}/w`, IMAGE_CHANNELS, c, LEAKY_GAIN),
        b: p.zeros(`fromRGB${s}/b`, [c]),
      };
    }
    // Stage s maps channels[s] → channels[s − 1] (the next, coarser stage's width).
    for (let s = 0; s < 3; s++) {
      const cin = spec.channels[s];
      const cout = spec.channels[Math.max(0, s - 1)];
      this.stages.push({
        w: p.normal(`stage${s}/conv`, [3, 3, cin, cout], LEAKY_GAIN / Math.sqrt(9 * cin)),
        b: p.zeros(`stage${s}/b`, [cout]),
      });
    }
    const features = spec.baseSize ** 2 * (spec.channels[0] + (spec.mbstd ? 1 : 0));
    this.head = {
      w: p.normal('head/w', [features, 1], 1 / Math.sqrt(features)),
      b: p.zeros('head/b', [1]),
    };
  }

  apply(x: tf.Tensor4D, growth: Growth = FULL_GROWTH): tf.Tensor2D {
    checkGrowth(this.spec, growth);
    const fromRgb = (s: number, img: tf.Tensor4D) =>
      leakyRelu(conv1x1(img, this.fromRgb[s]!.w, this.fromRgb[s]!.b)) as tf.Tensor4D;
    const stage = (s: number, h: tf.Tensor4D) => {
      const y = biasAct(conv3x3(h, this.stages[s].w), this.stages[s].b);
      return s > 0 ? downsample2x(y) : y;
    };
    let s = growth.stage;
    let h = stage(s, fromRgb(s, x));
    if (s > 0 && growth.alpha < 1)
      h = lerp(fromRgb(s - 1, downsample2x(x)), h, growth.alpha) as tf.Tensor4D;
    for (s = s - 1; s >= 0; s--) h = stage(s, h);
    if (this.spec.mbstd) h = minibatchStd(h);
    const n = h.shape[0];
    return dense(tf.reshape(h, [n, -1]), this.head.w, this.head.b) as tf.Tensor2D;
  }
}

// ---------------------------------------------------------------------------------------------
// R3GAN-style residual networks

interface ResBlock {
  expand: tf.Variable; // [C, E·C] 1×1
  bias1: tf.Variable;
  grouped: tf.Variable; // [3, 3, groupSize, E·C]
  bias2: tf.Variable;
  project: tf.Variable; // [E·C, C] 1×1, zero-initialised, no bias
}

function makeBlock(p: ParamStore, name: string, spec: ConvModelSpec, c: number): ResBlock {
  const inner = c * spec.expansion;
  const groupSize = Math.min(spec.groupSize, inner);
  const totalBlocks = 3 * spec.blocks;
  const fixup = totalBlocks ** -0.25;
  return {
    expand: p.normal(`${name}/expand`, [c, inner], (LEAKY_GAIN / Math.sqrt(c)) * fixup),
    bias1: p.zeros(`${name}/bias1`, [inner]),
    grouped: p.normal(
      `${name}/grouped`,
      [3, 3, groupSize, inner],
      (LEAKY_GAIN / Math.sqrt(9 * groupSize)) * fixup,
    ),
    bias2: p.zeros(`${name}/bias2`, [inner]),
    project: p.normal(`${name}/project`, [inner, c], 0),
  };
}

function applyBlock(x: tf.Tensor4D, b: ResBlock, mode: GroupedConvMode): tf.Tensor4D {
  const inner = b.bias1.shape[0];
  const groups = inner / (b.grouped.shape[2] as number);
  const [n, h, w, c] = x.shape;
  const flat = tf.reshape(x, [n * h * w, c]);
  // 1×1 expand with its bias fused into the matMul, then φ.
  const a = leakyRelu(dense(flat, b.expand, b.bias1));
  const g = biasAct(
    groupedConv3x3(tf.reshape(a, [n, h, w, inner]) as tf.Tensor4D, b.grouped, groups, mode),
    b.bias2,
  );
  const out = matMul(tf.reshape(g, [n * h * w, inner]), b.project);
  return tf.add(x, tf.reshape(out, [n, h, w, c])) as tf.Tensor4D;
}

function checkResnetSpec(spec: ConvModelSpec): void {
  for (const c of spec.channels) {
    const inner = c * spec.expansion;
    const groupSize = Math.min(spec.groupSize, inner);
    if (inner % groupSize !== 0)
      throw new Error(
        `ResNet width ${c} × expansion ${spec.expansion} is not a multiple of the group size ${groupSize}.`,
      );
  }
}

export class ResnetGenerator extends Model implements ImageGenerator {
  private readonly basis: tf.Variable;
  private readonly zProject: tf.Variable;
  private readonly blocks: ResBlock[][] = [];
  private readonly transitions: (tf.Variable | null)[] = [null];
  private readonly toRgb: ({ w: tf.Variable; b: tf.Variable } | null)[] = [null, null, null];

  constructor(spec: ConvModelSpec, rng: Rng, name: string) {
    super(spec, rng, name);
    checkResnetSpec(spec);
    const p = this.params;
    const [c0] = spec.channels;
    this.basis = p.normal('basis', [1, spec.baseSize, spec.baseSize, c0], 1);
    this.zProject = pointwise(p, 'basis/z', spec.latentDim, c0);
    for (let s = 0; s < 3; s++) {
      const c = spec.channels[s];
      if (s > 0) this.transitions.push(pointwise(p, `up${s}`, spec.channels[s - 1], c));
      this.blocks.push(
        Array.from({ length: spec.blocks }, (_, i) => makeBlock(p, `stage${s}/block${i}`, spec, c)),
      );
    }
    for (const s of rgbStages(spec)) {
      const c = spec.channels[s];
      this.toRgb[s] = {
        w: pointwise(p, `toRGB${s}/w`, c, IMAGE_CHANNELS),
        b: p.zeros(`toRGB${s}/b`, [IMAGE_CHANNELS]),
      };
    }
  }

  apply(z: tf.Tensor2D, growth: Growth = FULL_GROWTH): tf.Tensor4D {
    checkGrowth(this.spec, growth);
    const n = z.shape[0];
    const [c0] = this.spec.channels;
    let h = tf.mul(this.basis, tf.reshape(matMul(z, this.zProject), [n, 1, 1, c0])) as tf.Tensor4D;
    let previous = h;
    for (let s = 0; s <= growth.stage; s++) {
      previous = h;
      if (s > 0) h = upsample2x(conv1x1(h, this.transitions[s]!));
      for (const b of this.blocks[s]) h = applyBlock(h, b, this.spec.groupedConv);
    }
    const rgb = (s: number, x: tf.Tensor4D) => conv1x1(x, this.toRgb[s]!.w, this.toRgb[s]!.b);
    const out = rgb(growth.stage, h);
    if (growth.alpha >= 1 || growth.stage === 0) return out;
    return lerp(upsample2x(rgb(growth.stage - 1, previous)), out, growth.alpha) as tf.Tensor4D;
  }
}

export class ResnetDiscriminator extends Model implements ImageDiscriminator {
  private readonly fromRgb: (tf.Variable | null)[] = [null, null, null];
  private readonly blocks: ResBlock[][] = [];
  /** transitions[s]: 1×1 conv channels[s] → channels[s − 1] after downsampling (s ≥ 1). */
  private readonly transitions: (tf.Variable | null)[] = [null];
  private readonly headDepthwise: tf.Variable;
  private readonly head: { w: tf.Variable; b: tf.Variable };

  constructor(spec: ConvModelSpec, rng: Rng, name: string) {
    super(spec, rng, name);
    checkResnetSpec(spec);
    const p = this.params;
    for (const s of rgbStages(spec))
      this.fromRgb[s] = pointwise(p, `fromRGB${s}`, IMAGE_CHANNELS, spec.channels[s]);
    for (let s = 0; s < 3; s++) {
      const c = spec.channels[s];
      if (s > 0) this.transitions.push(pointwise(p, `down${s}`, c, spec.channels[s - 1]));
      this.blocks.push(
        Array.from({ length: spec.blocks }, (_, i) => makeBlock(p, `stage${s}/block${i}`, spec, c)),
      );
    }
    const c = spec.channels[0] + (spec.mbstd ? 1 : 0);
    // Depthwise 7×7 with fan_in 49 (gain 1), then a linear layer to one logit.
    const b0 = spec.baseSize;
    this.headDepthwise = p.normal('head/depthwise', [1, b0, b0, c], 1 / b0);
    this.head = { w: pointwise(p, 'head/w', c, 1), b: p.zeros('head/b', [1]) };
  }

  apply(x: tf.Tensor4D, growth: Growth = FULL_GROWTH): tf.Tensor2D {
    checkGrowth(this.spec, growth);
    const mode = this.spec.groupedConv;
    const fromRgb = (s: number, img: tf.Tensor4D) => conv1x1(img, this.fromRgb[s]!);
    const stage = (s: number, h: tf.Tensor4D) => {
      for (const b of this.blocks[s]) h = applyBlock(h, b, mode);
      return s > 0 ? conv1x1(downsample2x(h), this.transitions[s]!) : h;
    };
    let s = growth.stage;
    let h = stage(s, fromRgb(s, x));
    if (s > 0 && growth.alpha < 1)
      h = lerp(fromRgb(s - 1, downsample2x(x)), h, growth.alpha) as tf.Tensor4D;
    for (s = s - 1; s >= 0; s--) h = stage(s, h);
    if (this.spec.mbstd) h = minibatchStd(h);
    const pooled = tf.sum(tf.mul(h, this.headDepthwise), [1, 2]);
    return dense(pooled, this.head.w, this.head.b) as tf.Tensor2D;
  }
}

export function makeGenerator(spec: ConvModelSpec, rng: Rng, name: string): ImageGenerator {
  return spec.arch === 'dcgan'
    ? new DcganGenerator(spec, rng, name)
    : new ResnetGenerator(spec, rng, name);
}

export function makeDiscriminator(spec: ConvModelSpec, rng: Rng, name: string): ImageDiscriminator {
  return spec.arch === 'dcgan'
    ? new DcganDiscriminator(spec, rng, name)
    : new ResnetDiscriminator(spec, rng, name);
}

/** Side length of the images at a growth stage. */
export function stageSize(growth: Growth, baseSize: number = STAGE_SIZES[0]): number {
  return baseSize * 2 ** growth.stage;
}

/**
 * Real images at a growth stage: 28×28 images downsampled ([1,3,3,1]) to the stage's size, and
 * while the stage fades in, blended with their own ×2 up-down copy by the same α as G's output
 * (ProGAN), so real and fake images have the same blur at every α.
 */
export function realsAtGrowth(x: tf.Tensor4D, growth: Growth): tf.Tensor4D {
  let h = x;
  for (let s = 2; s > growth.stage; s--) h = downsample2x(h);
  if (growth.stage === 0 || growth.alpha >= 1) return h;
  return lerp(upsample2x(downsample2x(h)), h, growth.alpha) as tf.Tensor4D;
}

/** Images at any stage brought to full size by bilinear upsampling (evaluation, display). */
export function toFullSize(x: tf.Tensor4D, size = IMAGE_SIZE): tf.Tensor4D {
  let h = x;
  while (h.shape[1] < size) h = upsample2x(h);
  return h;
}

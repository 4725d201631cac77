/**
 * Shader source for the fused kernels (plan.ts), in WGSL (tfjs-backend-webgpu) or GLSL ES 3.0
 * (tfjs-backend-webgl). One generator writes each kernel's arithmetic once against a `Dialect`,
 * the handful of places where the two languages differ (declarations, loops, buffer reads,
 * select, uniforms, the entry point), so the two backends compute the same expression in the same
 * order. Sizes and offsets are baked in as constants (a trainer's shapes never change, and
 * constant loop bounds let the compilers unroll); per-step scalars are uniforms.
 *
 * Each thread computes one element of the kernel's flat output (index = its position), as every
 * tfjs elementwise program does. Arithmetic follows the op path's order where it matters (Adam:
 * exactly engine/adam.ts's sequence), so the two paths agree to float32 rounding.
 */
import { ADAM_EPSILON } from '../../engine/adam';
import {
  SLOPE,
  type GradSpec,
  type KernelSpec,
  type ProductSpec,
  type RowSegment,
  type SeedSpec,
  type UniformName,
  type UpdateSpec,
} from './plan';

export interface Dialect {
  name: 'wgsl' | 'glsl';
  /** Element `index` of input `i` (inputs are bound as flat float arrays). */
  read(i: number, index: string): string;
  float(name: string, value: string): string;
  int(name: string, value: string): string;
  loop(counter: string, count: number, body: string): string;
  select(condition: string, ifTrue: string, ifFalse: string): string;
  uniform(name: UniformName): string;
  /** The whole userCode: `body` computes `out` for flat output element `index` (< size). */
  main(size: number, body: string): string;
}

export const WGSL: Dialect = {
  name: 'wgsl',
  read: (i, index) => `${inputName(i)}[${index}]`,
  float: (name, value) => `var ${name}: f32 = ${value};`,
  int: (name, value) => `let ${name}: i32 = ${value};`,
  loop: (c, n, body) => `for (var ${c}: i32 = 0; ${c} < ${n}; ${c}++) {\n${body}\n}`,
  select: (c, t, f) => `select(${f}, ${t}, ${c})`,
  uniform: (name) => `uniforms.${name}`,
  // The bound comes from tfjs's own uniform (outShape = [size]): a shader that reads no
  // uniform loses the binding from its 'auto' pipeline layout, and tfjs always binds one.
  main: (_size, body) =>
    `fn main(index: i32) {\n  if (index < uniforms.outShape) {\n    var res: f32 = 0.0;\n${body}\n    result[index] = res;\n  }\n}`,
};

export const GLSL: Dialect = {
  name: 'glsl',
  read: (i, index) => `get${inputName(i)}(${index})`,
  float: (name, value) => `float ${name} = ${value};`,
  int: (name, value) => `int ${name} = ${value};`,
  loop: (c, n, body) => `for (int ${c} = 0; ${c} < ${n}; ${c}++) {\n${body}\n}`,
  select: (c, t, f) => `((${c}) ? (${t}) : (${f}))`,
  uniform: (name) => name,
  main: (_size, body) =>
    `void main() {\n  int index = getOutputCoords();\n  float res = 0.0;\n${body}\n  setOutput(res);\n}`,
};

/** Input i's name in the shader ('X0', 'X1', …; tfjs declares them from variableNames). */
export function inputName(i: number): string {
  return `X${i}`;
}

/** A float literal both languages accept (an integer needs its '.0'). */
export function lit(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`shader literal ${x} is not finite`);
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** How many inputs a kernel binds (tfjs needs variableNames of that length). */
export function inputCount(spec: KernelSpec): number {
  switch (spec.kind) {
    case 'product': {
      const used = [spec.params, ...spec.segments.map((s) => s.input)];
      if (spec.activation.kind === 'mask') used.push(spec.activation.input);
      return Math.max(...used) + 1;
    }
    case 'seed':
      return 1;
    case 'grad': {
      const used = spec.terms.flatMap((t) => [...t.a.map((s) => s.input), t.d.input]);
      if (spec.previous !== null) used.push(spec.previous);
      return Math.max(...used) + 1;
    }
    case 'adam-m':
    case 'adam-v':
    case 'sgd':
    case 'ema':
      return 2;
    case 'adam-param':
      return 3;
  }
}

/** Elements of the kernel's flat output. */
export function outputSize(spec: KernelSpec): number {
  switch (spec.kind) {
    case 'product':
      return spec.rows * spec.outDim;
    case 'seed':
      return spec.batch * (spec.role === 'generator' ? 1 : spec.withOnes ? 4 : 2);
    case 'grad':
    case 'adam-m':
    case 'adam-v':
    case 'adam-param':
    case 'sgd':
    case 'ema':
      return spec.total;
  }
}

/** The kernel's userCode in the dialect. */
export function kernelSource(spec: KernelSpec, d: Dialect): string {
  return d.main(outputSize(spec), body(spec, d));
}

function body(spec: KernelSpec, d: Dialect): string {
  switch (spec.kind) {
    case 'product':
      return productBody(spec, d);
    case 'seed':
      return seedBody(spec, d);
    case 'grad':
      return gradBody(spec, d);
    default:
      return updateBody(spec, d);
  }
}

/** `if (r < a) {…} else if (r < b) {…}` over consecutive row segments. */
function bySegment(
  segments: RowSegment[],
  row: string,
  each: (s: RowSegment, start: number) => string,
): string {
  let start = 0;
  const branches = segments.map((s) => {
    const code = each(s, start);
    start += s.rows;
    return `if (${row} < ${start}) {\n${code}\n}`;
  });
  return branches.join(' else ');
}

function scaled(d: Dialect, value: string, s: RowSegment): string {
  return s.scale ? `${value} * ${d.uniform(s.scale)}` : value;
}

function productBody(s: ProductSpec, d: Dialect): string {
  const weight = (k: string) =>
    s.transposed
      ? `${s.weightOffset} + j * ${s.inDim} + ${k}`
      : `${s.weightOffset} + ${k} * ${s.outDim} + j`;
  const lines = [
    d.int('r', `index / ${s.outDim}`),
    d.int('j', `index % ${s.outDim}`),
    d.float('acc', '0.0'),
    bySegment(s.segments, 'r', (seg, start) =>
      [
        d.loop(
          'k',
          s.inDim,
          `acc = acc + ${d.read(seg.input, `(r - ${start} + ${seg.offset}) * ${s.inDim} + k`)} * ${d.read(s.params, weight('k'))};`,
        ),
        seg.scale ? `acc = ${scaled(d, 'acc', seg)};` : '',
      ].join('\n'),
    ),
  ];
  if (s.biasOffset !== null) lines.push(`acc = acc + ${d.read(s.params, `${s.biasOffset} + j`)};`);
  const a = s.activation;
  if (a.kind === 'leaky')
    lines.push(`acc = ${d.select('acc < 0.0', `${lit(SLOPE)} * acc`, 'acc')};`);
  if (a.kind === 'mask') {
    const row = `(r % ${a.period}) + ${a.offset}`;
    lines.push(
      d.float('saved', d.read(a.input, `(${row}) * ${s.outDim} + j`)),
      `acc = acc * ${d.select('saved > 0.0', '1.0', lit(SLOPE))};`,
    );
  }
  lines.push('res = acc;');
  return lines.join('\n');
}

/** ∂loss/∂logit of the discriminator's real and fake rows, and the generator's fake rows. */
function seedBody(s: SeedSpec, d: Dialect): string {
  const B = s.batch;
  const inv = lit(1 / B);
  const sig = (t: string) => `(1.0 / (1.0 + exp(-(${t}))))`;
  const positive = (t: string) => d.select(`${t} > 0.0`, '1.0', '0.0');
  if (s.role === 'generator') {
    const y = d.read(0, `index + ${s.fakeOffset}`);
    const x = d.read(0, 'index');
    const grad: Record<SeedSpec['loss'], string> = {
      rpgan: `-(${inv} * ${sig(`${x} - ${y}`)})`,
      nsgan: `-(${inv} * ${sig(`-${y}`)})`,
      minimax: `-(${inv} * ${sig(y)})`,
      hinge: `-${inv}`,
      lsgan: `${inv} * (${y} - 1.0)`,
    };
    return `res = ${grad[s.loss]};`;
  }
  // Real row r pairs with fake row r + B (the relativistic loss compares them).
  const real: Record<SeedSpec['loss'], string> = {
    rpgan: `-(${inv} * ${sig('y - x')})`,
    nsgan: `-(${inv} * ${sig('-x')})`,
    minimax: `-(${inv} * ${sig('-x')})`,
    hinge: `-(${inv} * ${positive('1.0 - x')})`,
    lsgan: `${inv} * (x - 1.0)`,
  };
  const fake: Record<SeedSpec['loss'], string> = {
    rpgan: `${inv} * ${sig('y - x')}`,
    nsgan: `${inv} * ${sig('y')}`,
    minimax: `${inv} * ${sig('y')}`,
    hinge: `${inv} * ${positive('1.0 + y')}`,
    lsgan: `${inv} * y`,
  };
  return [
    `if (index < ${B}) {`,
    d.float('x', d.read(0, 'index')),
    d.float('y', d.read(0, `index + ${B}`)),
    `res = ${real[s.loss]};`,
    `} else if (index < ${2 * B}) {`,
    d.float('x', d.read(0, `index - ${B}`)),
    d.float('y', d.read(0, 'index')),
    `res = ${fake[s.loss]};`,
    `} else {`,
    'res = 1.0;',
    '}',
  ].join('\n');
}

function gradBody(s: GradSpec, d: Dialect): string {
  const weights = s.fanIn * s.fanOut;
  const termCode = s.terms
    .map((t) =>
      bySegmentAll(t.a, (seg, start) =>
        [
          d.float('part', '0.0'),
          d.loop(
            'q',
            seg.rows,
            `part = part + ${d.read(seg.input, `(q + ${seg.offset}) * ${s.fanIn} + i`)} * ${d.read(t.d.input, `(q + ${start + t.d.offset}) * ${s.fanOut} + j`)};`,
          ),
          `acc = acc + ${scaled(d, 'part', seg)};`,
        ].join('\n'),
      ),
    )
    .join('\n');
  const first = s.terms[0].d;
  return [
    `if (index >= ${s.weightOffset} && index < ${s.weightOffset + weights}) {`,
    d.int('i', `(index - ${s.weightOffset}) / ${s.fanOut}`),
    d.int('j', `(index - ${s.weightOffset}) % ${s.fanOut}`),
    d.float('acc', '0.0'),
    termCode,
    'res = acc;',
    `} else if (index >= ${s.biasOffset} && index < ${s.biasOffset + s.fanOut}) {`,
    d.int('j', `index - ${s.biasOffset}`),
    d.float('acc', '0.0'),
    s.pairedBias
      ? d.loop(
          'q',
          s.rows / 2,
          `acc = acc + (${d.read(first.input, `(q + ${first.offset}) * ${s.fanOut} + j`)} + ${d.read(first.input, `(q + ${first.offset + s.rows / 2}) * ${s.fanOut} + j`)});`,
        )
      : d.loop(
          'q',
          s.rows,
          `acc = acc + ${d.read(first.input, `(q + ${first.offset}) * ${s.fanOut} + j`)};`,
        ),
    'res = acc;',
    '} else {',
    s.previous === null ? 'res = 0.0;' : `res = ${d.read(s.previous, 'index')};`,
    '}',
  ].join('\n');
}

/** Each segment in its own block (scoped declarations), rows offset by the earlier ones. */
function bySegmentAll(segments: RowSegment[], each: (s: RowSegment, start: number) => string) {
  let start = 0;
  return segments
    .map((s) => {
      const code = each(s, start);
      start += s.rows;
      return `{\n${code}\n}`;
    })
    .join('\n');
}

/** engine/adam.ts's arithmetic, operation for operation. */
function updateBody(s: UpdateSpec, d: Dialect): string {
  const a = d.read(0, 'index');
  const b = d.read(1, 'index');
  const u = (n: UniformName) => d.uniform(n);
  switch (s.kind) {
    case 'adam-m':
      return `res = ${a} * ${u('beta1')} + ${b} * ${u('oneMinusBeta1')};`;
    case 'adam-v':
      return [
        d.float('g', b),
        `res = ${a} * ${u('beta2')} + (g * g) * ${u('oneMinusBeta2')};`,
      ].join('\n');
    case 'adam-param': {
      const v = d.read(2, 'index');
      return [
        d.float('denom', `sqrt(${v}) / ${u('sqrtCorrection2')} + ${lit(ADAM_EPSILON)}`),
        `res = ${a} - (${b} / denom) * ${u('stepSize')};`,
      ].join('\n');
    }
    case 'sgd':
      return `res = ${a} - ${b} * ${u('lr')};`;
    case 'ema':
      return [d.float('p', a), `res = p + (${b} - p) * ${u('emaBeta')};`].join('\n');
  }
}

/** A key that identifies the shader (tfjs caches compiled programs by it). */
export function shaderKey(spec: KernelSpec): string {
  return `fused_${JSON.stringify(spec)}`;
}

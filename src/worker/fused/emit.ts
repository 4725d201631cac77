/**
 * Shader source for the fused kernels (plan.ts), in WGSL (tfjs-backend-webgpu) or GLSL ES 3.0
 * (tfjs-backend-webgl). One generator writes each kernel's arithmetic once against a `Dialect`,
 * the handful of places where the two languages differ (declarations, loops, buffer reads,
 * select, uniforms, the entry point), so the two backends compute the same expression in the same
 * order. Sizes are baked in as constants (a trainer's shapes never change, and the short constant
 * loops unroll); per-step scalars are uniforms, and so are a product's offsets into the flat
 * parameters (`intUniformsOf`), so the layers of one shape share one compiled program: the
 * compile phase on a software renderer is mostly the number of distinct programs.
 *
 * Each thread computes one element of the kernel's flat output (index = its position), as every
 * tfjs elementwise program does. Arithmetic follows the op path's order where it matters (Adam:
 * exactly engine/core/adam.ts's sequence), so the two paths agree to float32 rounding.
 */
import { ADAM_EPSILON } from '../../engine/core/adam';
import {
  SLOPE,
  type GradPartialSpec,
  type GradReduceSpec,
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
  /** A per-step float uniform or an int uniform of intUniformsOf. */
  uniform(name: UniformName | IntUniformName): string;
  /**
   * The whole userCode. columns = 1: `body` sets `res`, flat output element `index`. columns > 1
   * (WGSL only): thread `index` computes `columns` elements and stores them with `write`.
   */
  main(columns: number, body: string): string;
  /** Stores `value` at flat output element `index` (columns > 1 only). */
  write(index: string, value: string): string;
  /**
   * Output elements one thread may compute: a WGSL thread can write several and so read each
   * input value once for all of them (fewer loads per multiply-add); a fragment writes one.
   */
  maxColumns: number;
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
  main: (columns, body) =>
    columns === 1
      ? `fn main(index: i32) {\n  if (index < uniforms.outShape) {\n    var res: f32 = 0.0;\n${body}\n    result[index] = res;\n  }\n}`
      : `fn main(index: i32) {\n  if (index * ${columns} < uniforms.outShape) {\n${body}\n  }\n}`,
  write: (index, value) => `result[${index}] = ${value};`,
  maxColumns: 4,
};

export const GLSL: Dialect = {
  name: 'glsl',
  read: (i, index) => `get${inputName(i)}(${index})`,
  float: (name, value) => `float ${name} = ${value};`,
  int: (name, value) => `int ${name} = ${value};`,
  loop: (c, n, body) => `for (int ${c} = 0; ${c} < ${n}; ${c}++) {\n${body}\n}`,
  select: (c, t, f) => `((${c}) ? (${t}) : (${f}))`,
  uniform: (name) => name,
  main: (_columns, body) =>
    `void main() {\n  int index = getOutputCoords();\n  float res = 0.0;\n${body}\n  setOutput(res);\n}`,
  write: () => {
    throw new Error('a GLSL fragment writes one output element');
  },
  maxColumns: 1,
};

/** Offsets passed as int uniforms (not baked in): see intUniformsOf. */
export type IntUniformName = 'weightOffset' | 'biasOffset';

/**
 * The int uniforms a kernel's shader reads, with their values (from the spec). shaderKey leaves
 * these fields out, so kernels that differ only in them share one compiled program.
 */
export function intUniformsOf(spec: KernelSpec): { name: IntUniformName; value: number }[] {
  if (spec.kind !== 'product') return [];
  const uniforms: { name: IntUniformName; value: number }[] = [
    { name: 'weightOffset', value: spec.weightOffset },
  ];
  if (spec.biasOffset !== null) uniforms.push({ name: 'biasOffset', value: spec.biasOffset });
  return uniforms;
}

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
    case 'grad-partial':
      return Math.max(...spec.terms.flatMap((t) => [...t.a.map((s) => s.input), t.d.input])) + 1;
    case 'grad-reduce': {
      const used = spec.layers.map((l) => l.input);
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
    case 'grad-partial':
      return spec.chunks * (spec.fanIn * spec.fanOut + spec.fanOut);
    case 'grad-reduce':
    case 'adam-m':
    case 'adam-v':
    case 'adam-param':
    case 'sgd':
    case 'ema':
      return spec.total;
  }
}

/**
 * Adjacent output columns one thread computes: a product's units j…j+U−1 of one row, a weight
 * gradient's W[i, j…j+U−1] (or b[j…j+U−1]) of one chunk; 1 where the width is not a multiple.
 */
export function columnsOf(spec: KernelSpec, d: Dialect): number {
  const width =
    spec.kind === 'product' ? spec.outDim : spec.kind === 'grad-partial' ? spec.fanOut : 1;
  return width % d.maxColumns === 0 ? d.maxColumns : 1;
}

/** Threads (WGSL) the kernel runs: one per `columnsOf` output elements. */
export function threadCount(spec: KernelSpec, d: Dialect): number {
  return outputSize(spec) / columnsOf(spec, d);
}

/** The kernel's userCode in the dialect. */
export function kernelSource(spec: KernelSpec, d: Dialect): string {
  return d.main(columnsOf(spec, d), body(spec, d));
}

/** `name0 … name{U-1}`: one accumulator per column. */
function perColumn(columns: number, each: (t: number) => string): string {
  return Array.from({ length: columns }, (_, t) => each(t)).join('\n');
}

/** The kernel's results: `res` for one column, else one write per column. */
function store(
  d: Dialect,
  columns: number,
  index: (t: number) => string,
  value: (t: number) => string,
) {
  return columns === 1
    ? `res = ${value(0)};`
    : perColumn(columns, (t) => d.write(index(t), value(t)));
}

function body(spec: KernelSpec, d: Dialect): string {
  switch (spec.kind) {
    case 'product':
      return productBody(spec, d);
    case 'seed':
      return seedBody(spec, d);
    case 'grad-partial':
      return gradPartialBody(spec, d);
    case 'grad-reduce':
      return gradReduceBody(spec, d);
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
  const U = columnsOf(s, d);
  const groups = s.outDim / U;
  const column = (t: number) => (t === 0 ? 'j' : `j + ${t}`);
  const weight = (k: string, t: number) =>
    s.transposed
      ? `${d.uniform('weightOffset')} + (${column(t)}) * ${s.inDim} + ${k}`
      : `${d.uniform('weightOffset')} + ${k} * ${s.outDim} + ${column(t)}`;
  const lines = [
    d.int('r', `index / ${groups}`),
    d.int('j', U === 1 ? `index % ${groups}` : `(index % ${groups}) * ${U}`),
    perColumn(U, (t) => d.float(`acc${t}`, '0.0')),
    bySegment(s.segments, 'r', (seg, start) =>
      [
        d.loop(
          'k',
          s.inDim,
          [
            d.float('x', d.read(seg.input, `(r - ${start} + ${seg.offset}) * ${s.inDim} + k`)),
            perColumn(U, (t) => `acc${t} = acc${t} + x * ${d.read(s.params, weight('k', t))};`),
          ].join('\n'),
        ),
        seg.scale ? perColumn(U, (t) => `acc${t} = ${scaled(d, `acc${t}`, seg)};`) : '',
      ].join('\n'),
    ),
  ];
  if (s.biasOffset !== null) {
    const bias = (t: number) => d.read(s.params, `${d.uniform('biasOffset')} + ${column(t)}`);
    lines.push(perColumn(U, (t) => `acc${t} = acc${t} + ${bias(t)};`));
  }
  const a = s.activation;
  if (a.kind === 'leaky') {
    lines.push(
      perColumn(
        U,
        (t) => `acc${t} = ${d.select(`acc${t} < 0.0`, `${lit(SLOPE)} * acc${t}`, `acc${t}`)};`,
      ),
    );
  }
  if (a.kind === 'mask') {
    const row = `(r % ${a.period}) + ${a.offset}`;
    lines.push(
      perColumn(U, (t) =>
        [
          d.float(`saved${t}`, d.read(a.input, `(${row}) * ${s.outDim} + ${column(t)}`)),
          `acc${t} = acc${t} * ${d.select(`saved${t} > 0.0`, '1.0', lit(SLOPE))};`,
        ].join('\n'),
      ),
    );
  }
  lines.push(
    store(
      d,
      U,
      (t) => `r * ${s.outDim} + ${column(t)}`,
      (t) => `acc${t}`,
    ),
  );
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

/**
 * Thread (c, e): chunk c's share of W[i, j] (e < fanIn·fanOut) or b[j]. Chunk c of a segment of n
 * rows is rows [c·⌈n/chunks⌉, (c+1)·⌈n/chunks⌉) ∩ [0, n).
 */
function gradPartialBody(s: GradPartialSpec, d: Dialect): string {
  const U = columnsOf(s, d);
  const weights = s.fanIn * s.fanOut;
  const perChunk = weights + s.fanOut;
  const column = (t: number) => (t === 0 ? 'j' : `j + ${t}`);
  const chunkRows = (rows: number, each: (row: string) => string) => {
    const per = Math.ceil(rows / s.chunks);
    const exact = per * s.chunks === rows;
    return d.loop(
      'q',
      per,
      [
        d.int('row', `c * ${per} + q`),
        exact ? each('row') : `if (row < ${rows}) {\n${each('row')}\n}`,
      ].join('\n'),
    );
  };
  const termCode = s.terms
    .map((t) =>
      bySegmentAll(t.a, (seg, start) =>
        [
          perColumn(U, (u) => d.float(`part${u}`, '0.0')),
          chunkRows(seg.rows, (row) =>
            [
              d.float('x', d.read(seg.input, `(${row} + ${seg.offset}) * ${s.fanIn} + i`)),
              perColumn(
                U,
                (u) =>
                  `part${u} = part${u} + x * ${d.read(t.d.input, `(${row} + ${start + t.d.offset}) * ${s.fanOut} + ${column(u)}`)};`,
              ),
            ].join('\n'),
          ),
          perColumn(U, (u) => `acc${u} = acc${u} + ${scaled(d, `part${u}`, seg)};`),
        ].join('\n'),
      ),
    )
    .join('\n');
  const first = s.terms[0].d;
  const deltaAt = (row: string, u: number) =>
    d.read(first.input, `(${row}) * ${s.fanOut} + ${column(u)}`);
  const half = s.rows / 2;
  return [
    d.int('c', `(index * ${U}) / ${perChunk}`),
    d.int('e', `(index * ${U}) % ${perChunk}`),
    perColumn(U, (u) => d.float(`acc${u}`, '0.0')),
    `if (e < ${weights}) {`,
    d.int('i', `e / ${s.fanOut}`),
    d.int('j', `e % ${s.fanOut}`),
    termCode,
    '} else {',
    d.int('j', `e - ${weights}`),
    s.pairedBias
      ? chunkRows(half, (row) =>
          perColumn(
            U,
            (u) =>
              `acc${u} = acc${u} + (${deltaAt(`${row} + ${first.offset}`, u)} + ${deltaAt(`${row} + ${first.offset + half}`, u)});`,
          ),
        )
      : chunkRows(s.rows, (row) =>
          perColumn(U, (u) => `acc${u} = acc${u} + ${deltaAt(`${row} + ${first.offset}`, u)};`),
        ),
    '}',
    store(
      d,
      U,
      (u) => `c * ${perChunk} + e + ${u}`,
      (u) => `acc${u}`,
    ),
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

/** Each entry of a reduced layer: the sum of its chunks, in chunk order. */
function gradReduceBody(s: GradReduceSpec, d: Dialect): string {
  const sum = (l: GradReduceSpec['layers'][number], element: string) => {
    const stride = l.fanIn * l.fanOut + l.fanOut;
    return [
      d.int('e', element),
      d.float('acc', '0.0'),
      d.loop('c', l.chunks, `acc = acc + ${d.read(l.input, `c * ${stride} + e`)};`),
      'res = acc;',
    ].join('\n');
  };
  const branches = s.layers.flatMap((l) => {
    const weights = l.fanIn * l.fanOut;
    return [
      `if (index >= ${l.weightOffset} && index < ${l.weightOffset + weights}) {\n${sum(l, `index - ${l.weightOffset}`)}\n}`,
      `if (index >= ${l.biasOffset} && index < ${l.biasOffset + l.fanOut}) {\n${sum(l, `index - ${l.biasOffset} + ${weights}`)}\n}`,
    ];
  });
  const rest = s.previous === null ? 'res = 0.0;' : `res = ${d.read(s.previous, 'index')};`;
  return [...branches, `{\n${rest}\n}`].join(' else ');
}

/** engine/core/adam.ts's arithmetic, operation for operation. */
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

/**
 * A key that identifies the shader (tfjs caches compiled programs by it): the spec without the
 * fields passed as int uniforms.
 */
export function shaderKey(spec: KernelSpec): string {
  const baked =
    spec.kind === 'product'
      ? {
          ...spec,
          weightOffset: undefined,
          biasOffset: spec.biasOffset === null ? null : 'uniform',
        }
      : spec;
  return `fused_${JSON.stringify(baked)}`;
}

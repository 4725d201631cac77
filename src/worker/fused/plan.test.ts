import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../engine/core/config';
import {
  columnsOf,
  GLSL,
  inputCount,
  intUniformsOf,
  kernelSource,
  outputSize,
  shaderKey,
  WGSL,
} from './emit';
import {
  discriminatorStepPlan,
  emaPlan,
  externalInputs,
  generatorStepPlan,
  gradChunks,
  MAX_REDUCED_LAYERS,
  netLayout,
  SUPPORTED_LOSSES,
  VIEW_BUFFERS,
  viewPlan,
  type Invocation,
  type RowSegment,
  type StepDims,
  type SupportedLoss,
} from './plan';

const layoutOf = (inputDim: number, outputDim: number, c = DEFAULT_CONFIG) =>
  netLayout({ inputDim, width: c.gWidth, depth: c.gDepth, outputDim });

function presetDims(loss: SupportedLoss = 'rpgan', batch = DEFAULT_CONFIG.batchSize): StepDims {
  return {
    g: layoutOf(DEFAULT_CONFIG.latentDim, 2),
    d: layoutOf(2, 1),
    batch,
    loss,
    gOptimizer: 'adam',
    dOptimizer: 'adam',
  };
}

/** Sizes of the buffers a step plan reads from outside. */
function externalSizes(dims: StepDims, latentDim: number): Record<string, number> {
  return {
    'G.params': dims.g.total,
    'G.m': dims.g.total,
    'G.v': dims.g.total,
    'D.params': dims.d.total,
    'D.m': dims.d.total,
    'D.v': dims.d.total,
    'Gema.params': dims.g.total,
    latents: dims.batch * latentDim,
    real: dims.batch * 2,
  };
}

/**
 * Simulates a plan on buffer sizes: every read of every kernel must fall inside its buffer, every
 * input must exist (written earlier or bound), and each kernel must bind what its shader reads.
 */
function checkBounds(steps: Invocation[], external: Record<string, number>): void {
  const sizes = new Map(Object.entries(external));
  const size = (step: Invocation, input: number) => {
    const name = step.inputs[input];
    const n = sizes.get(name);
    if (n === undefined) throw new Error(`${step.output} reads ${name}, which nothing wrote`);
    return n;
  };
  const rowsFit = (step: Invocation, segments: RowSegment[], width: number) => {
    for (const s of segments) {
      expect(
        (s.offset + s.rows) * width,
        `${step.output} ← ${step.inputs[s.input]}`,
      ).toBeLessThanOrEqual(size(step, s.input));
    }
  };
  for (const step of steps) {
    const spec = step.spec;
    expect(step.inputs.length, step.output).toBe(inputCount(spec));
    switch (spec.kind) {
      case 'product': {
        rowsFit(step, spec.segments, spec.inDim);
        expect(spec.segments.reduce((n, s) => n + s.rows, 0)).toBe(spec.rows);
        const weightEnd = spec.weightOffset + spec.inDim * spec.outDim;
        expect(weightEnd).toBeLessThanOrEqual(size(step, spec.params));
        if (spec.biasOffset !== null) {
          expect(spec.biasOffset + spec.outDim).toBeLessThanOrEqual(size(step, spec.params));
        }
        if (spec.activation.kind === 'mask') {
          const a = spec.activation;
          expect((a.period + a.offset) * spec.outDim).toBeLessThanOrEqual(size(step, a.input));
        }
        break;
      }
      case 'seed':
        expect(spec.fakeOffset + spec.batch).toBeLessThanOrEqual(size(step, 0));
        break;
      case 'grad-partial':
        for (const t of spec.terms) {
          rowsFit(step, t.a, spec.fanIn);
          const rows = t.a.reduce((n, s) => n + s.rows, 0);
          expect(rows).toBe(spec.rows);
          expect((t.d.offset + rows) * spec.fanOut).toBeLessThanOrEqual(size(step, t.d.input));
        }
        expect(spec.chunks).toBe(gradChunks(spec.rows));
        break;
      case 'grad-reduce': {
        expect(spec.layers.length).toBeLessThanOrEqual(MAX_REDUCED_LAYERS);
        for (const l of spec.layers) {
          expect(size(step, l.input)).toBe(l.chunks * (l.fanIn * l.fanOut + l.fanOut));
          expect(l.biasOffset + l.fanOut).toBeLessThanOrEqual(spec.total);
        }
        if (spec.previous !== null) expect(size(step, spec.previous)).toBe(spec.total);
        break;
      }
      default:
        for (let i = 0; i < step.inputs.length; i++) expect(size(step, i)).toBe(spec.total);
    }
    sizes.set(step.output, outputSize(spec));
  }
}

describe('fused plan', () => {
  it('lays parameters out in Mlp.variables order [W_0 … W_K, b_0 … b_K]', () => {
    const d = netLayout({ inputDim: 2, width: 64, depth: 3, outputDim: 1 });
    expect(d.sizes).toEqual([2, 64, 64, 64, 1]);
    expect(d.weightOffsets).toEqual([0, 128, 128 + 4096, 128 + 8192]);
    expect(d.biasOffsets).toEqual([8384, 8448, 8512, 8576]);
    expect(d.total).toBe(8577);
  });

  it('runs one opening-preset iteration (R1 + R2) in at most 60 kernels', () => {
    const dims = presetDims();
    const d = discriminatorStepPlan(dims, { inputGradient: true, penalty: true });
    const g = generatorStepPlan(dims);
    // 4 layers per net: D step = G fwd 4 + D fwd 4 + seed + back 3 + ∇ₓD + R1/R2 pass 3 + grads
    // 4 + their sum 1 + Adam 3; G step = G fwd 4 + D fwd 4 + seed + D back 3 + ∂/∂fake + G back
    // 3 + grads 4 + their sum 1 + Adam 3.
    expect(d.steps).toHaveLength(24);
    expect(g.steps).toHaveLength(24);
    expect(d.steps.length + g.steps.length).toBeLessThanOrEqual(60);
    // Without penalty or diagnostics, the input-gradient passes drop out.
    expect(
      discriminatorStepPlan(dims, { inputGradient: false, penalty: false }).steps,
    ).toHaveLength(20);
  });

  it('shares one compiled program between layers of one shape', () => {
    const dims = presetDims();
    const steps = [
      ...discriminatorStepPlan(dims, { inputGradient: true, penalty: true }).steps,
      ...discriminatorStepPlan(dims, { inputGradient: true, penalty: false }).steps,
      ...discriminatorStepPlan(dims, { inputGradient: false, penalty: false }).steps,
      ...generatorStepPlan(dims).steps,
    ];
    const programs = new Set(steps.map((s) => shaderKey(s.spec)));
    // 89 dispatches over the 4 plans checkKernels compiles, 38 programs (46 for 85 dispatches
    // when the offsets were baked in).
    expect(steps).toHaveLength(89);
    expect(programs.size).toBeLessThanOrEqual(38);
    // D's two hidden 64×64 layers (forward) are one program with different offsets.
    const hidden = steps.filter((s) => s.output === 'D.a2' || s.output === 'D.a3');
    expect(shaderKey(hidden[0].spec)).toBe(shaderKey(hidden[1].spec));
    expect(intUniformsOf(hidden[0].spec)).not.toEqual(intUniformsOf(hidden[1].spec));
  });

  it('splits a layer weight gradient into chunks of rows and sums them into one buffer', () => {
    const dims = presetDims('rpgan', 256);
    const d = discriminatorStepPlan(dims, { inputGradient: true, penalty: true }).steps;
    const partials = d.filter((s) => s.spec.kind === 'grad-partial');
    expect(partials).toHaveLength(4);
    // 2·256 rows in chunks of 32: 16 threads per weight.
    for (const p of partials) expect(p.spec.kind === 'grad-partial' && p.spec.chunks).toBe(16);
    const sums = d.filter((s) => s.spec.kind === 'grad-reduce');
    expect(sums.map((s) => s.output)).toEqual(['D.grad']);
    // A 7-layer net needs a second sum kernel, chained through `previous`.
    const deep = netLayout({ inputDim: 2, width: 8, depth: 6, outputDim: 1 });
    const deepSums = discriminatorStepPlan(
      { ...dims, d: deep },
      { inputGradient: false, penalty: false },
    ).steps.filter((s) => s.spec.kind === 'grad-reduce');
    expect(deepSums).toHaveLength(2);
    expect(deepSums[1].inputs.at(-1)).toBe(deepSums[0].output);
    expect(deepSums[1].output).toBe('D.grad');
  });

  it('reads only bound buffers, within their bounds, for every loss, batch and variant', () => {
    for (const loss of SUPPORTED_LOSSES) {
      for (const batch of [1, 7, 256]) {
        const dims = presetDims(loss, batch);
        const external = externalSizes(dims, DEFAULT_CONFIG.latentDim);
        for (const [inputGradient, penalty] of [
          [true, true],
          [true, false],
          [false, false],
        ]) {
          const plan = discriminatorStepPlan(dims, { inputGradient, penalty });
          checkBounds(plan.steps, external);
          expect(externalInputs(plan.steps).sort()).toEqual(
            ['D.m', 'D.params', 'D.v', 'G.params', 'latents', 'real'].sort(),
          );
        }
        const g = generatorStepPlan(dims);
        checkBounds(g.steps, external);
        const reads = externalInputs(g.steps).sort();
        expect(reads).toEqual(
          [
            'D.params',
            'G.m',
            'G.params',
            'G.v',
            'latents',
            ...(loss === 'rpgan' ? ['real'] : []),
          ].sort(),
        );
        checkBounds([emaPlan(dims.g)], external);
      }
    }
  });

  it('computes the views in a dozen kernels, within bounds, reading only what they need', () => {
    const dims = presetDims();
    const latentDim = DEFAULT_CONFIG.latentDim;
    for (const loss of SUPPORTED_LOSSES) {
      const [points, manifoldRows, gridRows] = [512, 21 * 21, 48 * 48];
      const plan = viewPlan(dims.g, dims.d, {
        loss,
        points,
        transport: true,
        manifoldRows,
        gridRows,
      });
      checkBounds(plan.steps, {
        'G.params': dims.g.total,
        'D.params': dims.d.total,
        [VIEW_BUFFERS.latents]: points * latentDim,
        [VIEW_BUFFERS.real]: points * 2,
        [VIEW_BUFFERS.manifold]: manifoldRows * latentDim,
        [VIEW_BUFFERS.grid]: gridRows * 2,
      });
      const rpgan = loss === 'rpgan';
      expect(externalInputs(plan.steps).sort()).toEqual(
        [
          'D.params',
          'G.params',
          VIEW_BUFFERS.grid,
          VIEW_BUFFERS.latents,
          VIEW_BUFFERS.manifold,
          ...(rpgan ? [VIEW_BUFFERS.real] : []),
        ].sort(),
      );
      // G (4 layers) on the points, D (4) on [real;] fake, the seed, D back (3) and to its input
      // (1), G on the manifold (4), D on the grid (4): 21 kernels, all products but the seed.
      expect(plan.steps).toHaveLength(21);
      const sizes = new Map(plan.steps.map((s) => [s.output, outputSize(s.spec)]));
      expect(sizes.get(plan.outputs.points!)).toBe(points * 2);
      expect(sizes.get(plan.outputs.pointsGrad!)).toBe(points * 2);
      expect(sizes.get(plan.outputs.manifold!)).toBe(manifoldRows * 2);
      expect(sizes.get(plan.outputs.logits!)).toBe(gridRows);
    }
    // Only what is asked: the heatmap alone is D's forward pass.
    const heatmap = viewPlan(dims.g, dims.d, {
      loss: 'rpgan',
      points: 0,
      transport: true,
      manifoldRows: 0,
      gridRows: 9,
    });
    expect(heatmap.steps.map((s) => s.spec.kind)).toEqual([
      'product',
      'product',
      'product',
      'product',
    ]);
    expect(Object.keys(heatmap.outputs)).toEqual(['logits']);
  });

  it('uses SGD as one kernel per network', () => {
    const dims = { ...presetDims(), gOptimizer: 'sgd' as const, dOptimizer: 'sgd' as const };
    const kinds = generatorStepPlan(dims).steps.map((s) => s.spec.kind);
    expect(kinds.filter((k) => k === 'sgd')).toHaveLength(1);
    expect(kinds.some((k) => k.startsWith('adam'))).toBe(false);
  });
});

describe('fused shader sources', () => {
  const dims = presetDims();
  const steps = [
    ...discriminatorStepPlan(dims, { inputGradient: true, penalty: true }).steps,
    ...generatorStepPlan({ ...dims, loss: 'nsgan', gOptimizer: 'sgd' }).steps,
    emaPlan(dims.g),
  ];

  it('emits WGSL and GLSL for every kernel, reading only the bound inputs', () => {
    for (const step of steps) {
      for (const dialect of [WGSL, GLSL]) {
        const source = kernelSource(step.spec, dialect);
        expect(source, step.output).not.toMatch(/undefined|NaN|\[object/);
        const read = [...source.matchAll(/\bX(\d+)\b|getX(\d+)\(/g)].map((m) =>
          Number(m[1] ?? m[2]),
        );
        expect(Math.max(...read), step.output).toBe(step.inputs.length - 1);
        // Exactly the listed uniforms (each one bound, none missing).
        const named =
          dialect === WGSL
            ? [...source.matchAll(/uniforms\.(\w+)/g)]
                .map((m) => m[1])
                .filter((n) => n !== 'outShape')
            : [];
        const uniforms = [...step.uniforms, ...intUniformsOf(step.spec).map((u) => u.name)];
        if (dialect === WGSL) expect([...new Set(named)].sort()).toEqual(uniforms.sort());
        for (const u of uniforms) expect(source).toContain(u);
        // Each language's own syntax only.
        if (dialect === WGSL) {
          // One element per thread, or (columnsOf > 1) one write per column.
          const columns = columnsOf(step.spec, WGSL);
          if (columns === 1) expect(source).toContain('result[index] = res;');
          else expect(source.match(/result\[/g), step.output).toHaveLength(columns);
          expect(source).not.toMatch(/\bfloat |\bint |getX/);
        } else {
          expect(source).toContain('setOutput(res);');
          expect(source).not.toMatch(/\bvar |\blet |select\(|uniforms\./);
        }
        // Balanced braces: a quick guard against a broken template.
        expect(source.split('{').length, step.output).toBe(source.split('}').length);
      }
    }
  });

  it('writes floats with a decimal point or exponent (GLSL rejects int·float)', () => {
    const source = kernelSource(steps.find((s) => s.spec.kind === 'seed')!.spec, GLSL);
    expect(source).toContain('0.00390625'); // 1/256
    expect(source).not.toMatch(/[^\w.]1 \*/);
  });
});

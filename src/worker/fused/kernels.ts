/**
 * Runs the fused kernels through tfjs's own program APIs: a WGSL WebGPUProgram on the webgpu
 * backend (`runWebGPUProgram`), a GLSL GPGPUProgram on the webgl backend (`compileAndRun`).
 *
 * Each kernel kind is registered as a tfjs kernel (tf.registerKernel) and dispatched with
 * tf.engine().runKernel, rather than by calling the backend directly: the engine then tracks
 * the outputs like any tensor (tidy, dispose, leak counts) and tf.profile counts each dispatch
 * under its name ('FusedDense', …), so the bench's kernel count stays honest.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  GLSL,
  inputCount,
  inputName,
  intUniformsOf,
  kernelSource,
  outputSize,
  shaderKey,
  threadCount,
  WGSL,
} from './emit';
import type { Invocation, KernelSpec, UniformName } from './plan';

export type FusedBackend = 'webgpu' | 'webgl';
export const FUSED_BACKENDS: readonly FusedBackend[] = ['webgpu', 'webgl'];

export function isFusedBackend(name: string): name is FusedBackend {
  return (FUSED_BACKENDS as readonly string[]).includes(name);
}

/** tfjs kernel name per kind (what tf.profile and the bench's kernel table show). */
export const KERNEL_NAMES: Record<KernelSpec['kind'], string> = {
  product: 'FusedDense',
  seed: 'FusedLossGrad',
  'grad-partial': 'FusedWeightGradPartial',
  'grad-reduce': 'FusedWeightGradSum',
  'adam-m': 'FusedAdamMoment1',
  'adam-v': 'FusedAdamMoment2',
  'adam-param': 'FusedAdamUpdate',
  sgd: 'FusedSgdUpdate',
  ema: 'FusedEma',
};

interface FusedAttrs {
  spec: KernelSpec;
  uniformNames: UniformName[];
  uniformValues: number[];
}

/** The parts of tfjs-backend-webgpu's WebGPUBackend used here (not in its public typings). */
interface WebGpuBackendLike {
  runWebGPUProgram(
    program: object,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms?: { type: string; data: number[] }[],
  ): tf.TensorInfo;
}

/** The parts of tfjs-backend-webgl's MathBackendWebGL used here. */
interface WebGlBackendLike {
  compileAndRun(
    program: object,
    inputs: tf.TensorInfo[],
    dtype?: tf.DataType,
    customUniformValues?: number[][],
  ): tf.TensorInfo;
}

/** The flat view of an input (every fused kernel reads its inputs as flat float arrays). */
function flat(info: tf.TensorInfo): tf.TensorInfo {
  return { dataId: info.dataId, dtype: info.dtype, shape: [tf.util.sizeFromShape(info.shape)] };
}

/** Program objects by shader key: the source is generated once per kernel, not per dispatch. */
const programs = new Map<string, object>();

function cached(backend: FusedBackend, spec: KernelSpec, names: UniformName[]): object {
  const key = `${backend}/${shaderKey(spec)}/${names.join(',')}`;
  let program = programs.get(key);
  if (!program) {
    program = backend === 'webgpu' ? webgpuProgram(spec, names) : webglProgram(spec, names);
    programs.set(key, program);
  }
  return program;
}

function webgpuProgram(spec: KernelSpec, uniformNames: UniformName[]) {
  const size = outputSize(spec);
  const workgroupSize: [number, number, number] = [64, 1, 1];
  const program = {
    outputShape: [size],
    shaderKey: shaderKey(spec),
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(threadCount(spec, WGSL) / workgroupSize[0]), 1, 1] as [
      number,
      number,
      number,
    ],
    variableNames: Array.from({ length: inputCount(spec) }, (_, i) => inputName(i)),
    workgroupSize,
    getUserCode: () => kernelSource(spec, WGSL),
  };
  const declared = [
    ...uniformNames.map((n) => `${n} : f32,`),
    ...intUniformsOf(spec).map((u) => `${u.name} : i32,`),
  ];
  return declared.length > 0 ? { ...program, uniforms: declared.join(' ') } : program;
}

function webglProgram(spec: KernelSpec, uniformNames: UniformName[]) {
  return {
    variableNames: Array.from({ length: inputCount(spec) }, (_, i) => inputName(i)),
    outputShape: [outputSize(spec)],
    userCode: kernelSource(spec, GLSL),
    customUniforms: [
      ...uniformNames.map((name) => ({ name, type: 'float' as const })),
      ...intUniformsOf(spec).map(({ name }) => ({ name, type: 'int' as const })),
    ],
  };
}

function ordered(inputs: tf.NamedTensorInfoMap, count: number): tf.TensorInfo[] {
  return Array.from({ length: count }, (_, i) => flat(inputs[inputName(i)]!));
}

const kernelFuncs: Record<FusedBackend, tf.KernelFunc> = {
  webgpu: ({ inputs, backend, attrs }) => {
    const { spec, uniformNames, uniformValues } = attrs as unknown as FusedAttrs;
    return (backend as unknown as WebGpuBackendLike).runWebGPUProgram(
      // runWebGPUProgram rewrites shaderKey/dispatch on the object: give it its own copy.
      { ...cached('webgpu', spec, uniformNames) },
      ordered(inputs, inputCount(spec)),
      'float32',
      [
        ...uniformValues.map((value) => ({ type: 'float32', data: [value] })),
        ...intUniformsOf(spec).map(({ value }) => ({ type: 'int32', data: [value] })),
      ],
    );
  },
  webgl: ({ inputs, backend, attrs }) => {
    const { spec, uniformNames, uniformValues } = attrs as unknown as FusedAttrs;
    return (backend as unknown as WebGlBackendLike).compileAndRun(
      cached('webgl', spec, uniformNames),
      ordered(inputs, inputCount(spec)),
      'float32',
      [...uniformValues, ...intUniformsOf(spec).map((u) => u.value)].map((value) => [value]),
    );
  },
};

/** Registers the fused kernels for both GPU backends (once per tfjs instance). */
export function registerFusedKernels(): void {
  for (const kernelName of new Set(Object.values(KERNEL_NAMES))) {
    for (const backendName of FUSED_BACKENDS) {
      if (tf.getKernel(kernelName, backendName)) continue;
      tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFuncs[backendName] });
    }
  }
}

/** Scalars a plan's uniforms take this step. */
export type UniformValues = Partial<Record<UniformName, number>>;

/**
 * Runs a plan's invocations in order. `buffers` holds the plan's external inputs by name; every
 * output is added to it (the caller disposes what it does not keep, e.g. with tf.tidy).
 */
export function runPlan(
  steps: Invocation[],
  buffers: Map<string, tf.Tensor>,
  uniforms: UniformValues,
): Map<string, tf.Tensor> {
  for (const step of steps) {
    const inputs: tf.NamedTensorMap = {};
    step.inputs.forEach((name, i) => {
      const tensor = buffers.get(name);
      if (!tensor) throw new Error(`fused plan: buffer ${name} is not bound`);
      inputs[inputName(i)] = tensor;
    });
    const uniformValues = step.uniforms.map((name) => {
      const value = uniforms[name];
      if (value === undefined) throw new Error(`fused plan: uniform ${name} has no value`);
      return value;
    });
    const attrs: FusedAttrs = { spec: step.spec, uniformNames: step.uniforms, uniformValues };
    const out = tf
      .engine()
      .runKernel(
        KERNEL_NAMES[step.spec.kind],
        inputs,
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
    buffers.set(step.output, out);
  }
  return buffers;
}

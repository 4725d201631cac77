/**
 * The digit classifier: the measuring instrument of Stacked MNIST (gan-facts.md §2.3). Each
 * colour channel of a generated 28×28×3 image is classified as a digit; the triple is the mode.
 *
 * Architecture (206,922 parameters with the defaults), input [n, 28, 28, 1] in [−1, 1]:
 *   conv 3×3 1→16 + bias, leaky ReLU 0.2, 2×2 average pool   → 14×14×16
 *   conv 3×3 16→32 + bias, leaky ReLU 0.2, 2×2 average pool  → 7×7×32
 *   flatten (1568) → dense 128, leaky ReLU 0.2 → dense 10 (logits)
 *
 * Built only from ops that are correct on every backend we ship (webgpu, webgl, wasm, cpu):
 * ops.ts's conv2d (stride 1, 'same'; its gradients are forward convolutions, so it trains on wasm,
 * which lacks Conv2DBackpropFilter), dense/matMul, leakyRelu, add, reshape and mean. Pooling is
 * reshape + mean, never tf.avgPool/maxPool (tfjs-second-order.md §3–4).
 *
 * Weights file (public/mnist/classifier.bin), little-endian:
 *   bytes 0–7   magic, ASCII "GPDIGIT1"
 *   bytes 8–11  uint32 length L of the JSON header
 *   L bytes     UTF-8 JSON { format: 1, arch, dtype: "float32", tensors: [{ name, shape }], meta }
 *   zero padding to a multiple of 4 bytes
 *   float32 values of every tensor, in header order, each row-major
 */
import * as tf from '@tensorflow/tfjs-core';
import { deepEqual } from '../core/equal';
import { conv2d, dense, leakyRelu } from '../core/ops';
import type { Rng } from '../core/rng';

export interface ClassifierArch {
  /** Channels of the first and second conv. */
  conv1: number;
  conv2: number;
  /** Width of the hidden dense layer. */
  hidden: number;
}

export const DEFAULT_CLASSIFIER_ARCH: ClassifierArch = { conv1: 16, conv2: 32, hidden: 128 };

/** Free-form facts about how the weights were made (seed, accuracy, …), kept in the file. */
export type ClassifierMeta = Record<string, string | number | boolean>;

export const CLASSIFIER_MAGIC = 'GPDIGIT1';
const FORMAT_VERSION = 1;

interface TensorSpec {
  name: string;
  shape: number[];
}

function tensorSpecs(arch: ClassifierArch): TensorSpec[] {
  const { conv1, conv2, hidden } = arch;
  return [
    { name: 'conv1.w', shape: [3, 3, 1, conv1] },
    { name: 'conv1.b', shape: [conv1] },
    { name: 'conv2.w', shape: [3, 3, conv1, conv2] },
    { name: 'conv2.b', shape: [conv2] },
    { name: 'dense1.w', shape: [7 * 7 * conv2, hidden] },
    { name: 'dense1.b', shape: [hidden] },
    { name: 'dense2.w', shape: [hidden, 10] },
    { name: 'dense2.b', shape: [10] },
  ];
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function badWeights(reason: string): Error {
  return new Error(
    `Digit classifier weights are missing or corrupt: ${reason}. Retrain them with \`npm run train:classifier\`.`,
  );
}

/** 2×2 average pooling as reshape + mean (correct gradients on every backend, unlike avgPool). */
export function avgPool2(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.mean(tf.reshape(x, [n, h / 2, 2, w / 2, 2, c]), [2, 4]) as tf.Tensor4D;
}

let nextId = 0;

export class DigitClassifier {
  readonly arch: ClassifierArch;
  readonly meta: ClassifierMeta;
  /** In the order of the weights file. */
  readonly variables: tf.Variable[];

  private constructor(arch: ClassifierArch, tensors: tf.Tensor[], meta: ClassifierMeta) {
    this.arch = arch;
    this.meta = meta;
    const specs = tensorSpecs(arch);
    // tfjs variable names are global: number each classifier so several can coexist.
    const id = nextId++;
    this.variables = tensors.map((t, i) =>
      tf.variable(t, true, `digitClassifier${id}/${specs[i].name}`),
    );
    tf.dispose(tensors);
  }

  /** Fresh weights: He-normal convs and dense layers (gain √2 for leaky ReLU), zero biases. */
  static create(rng: Rng, arch: ClassifierArch = DEFAULT_CLASSIFIER_ARCH): DigitClassifier {
    const tensors = tensorSpecs(arch).map(({ name, shape }) => {
      if (name.endsWith('.b')) return tf.zeros(shape);
      const fanIn = sizeOf(shape.slice(0, -1));
      const gain = name === 'dense2.w' ? 1 : Math.SQRT2;
      return tf.tensor(rng.normals(sizeOf(shape), gain / Math.sqrt(fanIn)), shape);
    });
    return new DigitClassifier(arch, tensors, {});
  }

  /** Loads a weights file; throws "Digit classifier weights are missing or corrupt: …". */
  static fromBytes(bytes: Uint8Array): DigitClassifier {
    const { arch, values, meta } = parseClassifierBytes(bytes);
    const specs = tensorSpecs(arch);
    let at = 0;
    const tensors = specs.map(({ shape }) => {
      const size = sizeOf(shape);
      const t = tf.tensor(values.subarray(at, at + size), shape);
      at += size;
      return t;
    });
    return new DigitClassifier(arch, tensors, meta);
  }

  get parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  /** Logits [n, 10] for images [n, 28, 28, 1] in [−1, 1]. */
  logits(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const [c1w, c1b, c2w, c2b, d1w, d1b, d2w, d2b] = this.variables;
      const n = images.shape[0];
      let h = leakyRelu(tf.add(conv2d(images, c1w as tf.Tensor4D), c1b)) as tf.Tensor4D;
      h = avgPool2(h);
      h = leakyRelu(tf.add(conv2d(h, c2w as tf.Tensor4D), c2b)) as tf.Tensor4D;
      h = avgPool2(h);
      const flat = tf.reshape(h, [n, 7 * 7 * this.arch.conv2]);
      return dense(leakyRelu(dense(flat, d1w, d1b)), d2w, d2b) as tf.Tensor2D;
    });
  }

  /** The predicted digit (int32) of each image [n, 28, 28, 1] in [−1, 1]. */
  predictDigits(images: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => tf.argMax(this.logits(images), 1) as tf.Tensor1D);
  }

  /**
   * The Stacked MNIST mode of each image [n, 28, 28, 3]: 100·d_R + 10·d_G + d_B (int32), each
   * channel classified on its own. Pixels are clipped to [−1, 1] first (what a display shows).
   */
  classifyTriples(images: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => tripleModes(tf.argMax(this.channelLogits(images), 1)));
  }

  /**
   * The mode of each image (as classifyTriples) and its confidence: the smallest of its three
   * digits' top softmax probabilities, so a triple is only as sure as its least legible digit.
   */
  classifyTriplesWithConfidence(images: tf.Tensor4D): {
    modes: tf.Tensor1D;
    confidence: tf.Tensor1D;
  } {
    return tf.tidy(() => {
      const logits = this.channelLogits(images);
      const n = images.shape[0];
      return {
        modes: tripleModes(tf.argMax(logits, 1)),
        confidence: tf.min(tf.reshape(tf.max(tf.softmax(logits), 1), [n, 3]), 1) as tf.Tensor1D,
      };
    });
  }

  /** Logits [3n, 10] of the R, G and B digits of images [n, 28, 28, 3], image by image. */
  private channelLogits(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const [n, h, w, c] = images.shape;
      if (c !== 3 || h !== 28 || w !== 28)
        throw new Error(`classifyTriples needs [n, 28, 28, 3] images, got [${images.shape}]`);
      const channels = tf.reshape(tf.transpose(tf.clipByValue(images, -1, 1), [0, 3, 1, 2]), [
        n * 3,
        h,
        w,
        1,
      ]) as tf.Tensor4D;
      return this.logits(channels);
    });
  }

  /** The weights file (layout above); `meta` replaces the classifier's own meta when given. */
  async toBytes(meta: ClassifierMeta = this.meta): Promise<Uint8Array> {
    const specs = tensorSpecs(this.arch);
    const header = new TextEncoder().encode(
      JSON.stringify({
        format: FORMAT_VERSION,
        arch: this.arch,
        dtype: 'float32',
        tensors: specs,
        meta,
      }),
    );
    const dataStart = align4(12 + header.length);
    const total = dataStart + 4 * this.parameterCount;
    const out = new Uint8Array(total);
    for (let i = 0; i < CLASSIFIER_MAGIC.length; i++) out[i] = CLASSIFIER_MAGIC.charCodeAt(i);
    const view = new DataView(out.buffer);
    view.setUint32(8, header.length, true);
    out.set(header, 12);
    let at = dataStart;
    for (const v of this.variables) {
      const values = await v.data();
      for (let i = 0; i < values.length; i++, at += 4) view.setFloat32(at, values[i], true);
    }
    return out;
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

const align4 = (n: number) => (n + 3) & ~3;

/** Digits [3n] (R, G, B of each image in turn) → modes 100·d_R + 10·d_G + d_B [n] (int32). */
function tripleModes(digits: tf.Tensor): tf.Tensor1D {
  const perImage = tf.reshape(digits, [-1, 3]);
  return tf.sum(tf.mul(perImage, tf.tensor1d([100, 10, 1], 'int32')), 1) as tf.Tensor1D;
}

function parseClassifierBytes(bytes: Uint8Array): {
  arch: ClassifierArch;
  values: Float32Array;
  meta: ClassifierMeta;
} {
  if (!(bytes instanceof Uint8Array) || bytes.length < 12)
    throw badWeights(`${bytes?.length ?? 0} bytes is too short for a header`);
  let magic = '';
  for (let i = 0; i < CLASSIFIER_MAGIC.length; i++) magic += String.fromCharCode(bytes[i]);
  if (magic !== CLASSIFIER_MAGIC)
    throw badWeights(`wrong magic ${JSON.stringify(magic)} (expected "${CLASSIFIER_MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length)
    throw badWeights(`header length ${headerLength} runs past the end of the file`);
  let header: {
    format?: unknown;
    arch?: Partial<ClassifierArch>;
    dtype?: unknown;
    tensors?: unknown;
    meta?: unknown;
  };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    throw badWeights('the header is not valid JSON');
  }
  if (header.format !== FORMAT_VERSION) throw badWeights(`unknown format ${String(header.format)}`);
  if (header.dtype !== 'float32') throw badWeights(`unsupported dtype ${String(header.dtype)}`);
  const a = header.arch ?? {};
  const positive = (x: unknown) =>
    Number.isInteger(x) && (x as number) >= 1 && (x as number) <= 4096;
  if (!positive(a.conv1) || !positive(a.conv2) || !positive(a.hidden))
    throw badWeights(`bad architecture ${JSON.stringify(a)}`);
  const arch: ClassifierArch = { conv1: a.conv1!, conv2: a.conv2!, hidden: a.hidden! };
  const specs = tensorSpecs(arch);
  if (!deepEqual(header.tensors, specs))
    throw badWeights(
      `tensor list ${JSON.stringify(header.tensors)} does not match the architecture`,
    );
  const count = specs.reduce((n, s) => n + sizeOf(s.shape), 0);
  const dataStart = align4(12 + headerLength);
  if (bytes.length !== dataStart + 4 * count)
    throw badWeights(
      `${bytes.length} bytes, but the header's ${count} float32 weights need ${dataStart + 4 * count}`,
    );
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const v = view.getFloat32(dataStart + 4 * i, true);
    if (!Number.isFinite(v)) throw badWeights(`weight ${i} is not finite`);
    values[i] = v;
  }
  const meta =
    header.meta && typeof header.meta === 'object' ? (header.meta as ClassifierMeta) : {};
  return { arch, values, meta };
}

/**
 * What a run's snapshot must hold for its settings, known without building the models (no tfjs:
 * the UI checks imported run files with it). A toy's variables are exact: G's weights then
 * biases, D's, the EMA copy of G, then each Adam optimiser's two flat moments (trainer.ts
 * `variables`). Image models are checked by their total size (cost.ts's parameter estimate).
 */
import { estimateRunCost } from './cost';
import { isImageConfig, type AnyGanConfig, type GanConfig } from './config';

function mlpShapes(inputs: number, width: number, depth: number, outputs: number): number[][] {
  const sizes = [inputs, ...Array<number>(depth).fill(width), outputs];
  const weights = sizes.slice(1).map((out, i) => [sizes[i], out]);
  const biases = sizes.slice(1).map((out) => [out]);
  return [...weights, ...biases];
}

const count = (shapes: readonly (readonly number[])[]) =>
  shapes.reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);

/** The shapes of a toy run's snapshot, in order. */
export function toySnapshotShapes(c: GanConfig): number[][] {
  const g = mlpShapes(c.latentDim, c.gWidth, c.gDepth, 2);
  const d = mlpShapes(2, c.dWidth, c.dDepth, 1);
  const moments = (kind: 'adam' | 'sgd', shapes: number[][]) =>
    kind === 'adam' ? [[count(shapes)], [count(shapes)]] : [];
  return [
    ...g,
    ...d,
    ...(c.emaHalfLife > 0 ? g : []),
    ...moments(c.gOptimizer.kind, g),
    ...moments(c.dOptimizer.kind, d),
  ];
}

/** An image snapshot's size may differ from the estimate by this factor (bias terms, heads). */
const IMAGE_SIZE_TOLERANCE = 1.5;

/** Why `shapes` cannot be the snapshot of a run with these settings, or null. */
export function snapshotShapesProblem(
  config: AnyGanConfig,
  shapes: readonly (readonly number[])[],
): string | null {
  if (!isImageConfig(config)) {
    const expected = toySnapshotShapes(config);
    if (expected.length !== shapes.length)
      return `the settings build ${expected.length} weight tensors, the file holds ${shapes.length}`;
    const i = expected.findIndex((shape, k) => shape.join('×') !== shapes[k].join('×'));
    if (i >= 0)
      return `weight tensor ${i + 1} is [${shapes[i].join(', ')}], the settings need [${expected[i].join(', ')}]`;
    return null;
  }
  // Weights of G and D, G's EMA copy, and two Adam moments per network.
  const { parameters } = estimateRunCost(config);
  const copies = 2 + (config.emaHalfLife > 0 ? 1 : 0) + 2;
  const expected = parameters * copies;
  const held = count(shapes);
  if (held > expected * IMAGE_SIZE_TOLERANCE || held < expected / IMAGE_SIZE_TOLERANCE)
    return `the file holds ${held} weight values, the settings need about ${Math.round(expected)}`;
  return null;
}

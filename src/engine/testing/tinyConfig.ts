/**
 * A tiny toy run for tests: 2×16 MLPs on ring8. Small enough that SwiftShader WebGPU (e2e) and
 * the cpu backend (unit tests) take milliseconds per step; tests override what they examine.
 */
import { DEFAULT_CONFIG, type GanConfig } from '../core/config';

export const TINY_MODEL: Partial<GanConfig> = {
  dataset: 'ring8',
  gWidth: 16,
  dWidth: 16,
  gDepth: 2,
  dDepth: 2,
  batchSize: 64,
};

export function tinyConfig(overrides: Partial<GanConfig> = {}): GanConfig {
  return { ...DEFAULT_CONFIG, ...TINY_MODEL, ...overrides };
}

/**
 * The largest model and batch the settings schema allows (issue 14: it aborted wasm): what the
 * cost estimate must refuse on the browser backends. A link's worth of settings over the defaults.
 */
export const LARGEST_MODEL = {
  gWidth: 1024,
  dWidth: 1024,
  gDepth: 8,
  dDepth: 8,
  batchSize: 4096,
  latentDim: 256,
} as const satisfies Partial<GanConfig>;

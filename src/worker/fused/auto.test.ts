import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GanConfig } from '../../engine/core/config';
import { estimateRunCost } from '../../engine/core/cost';
import { fusedStepUnwantedReason, SOFTWARE_WEBGL_FUSED_MAX_FLOPS } from './auto';

/** Measured workloads on either side of the rule: GAN Lab's size (fused faster), 16×2 (ops). */
const OPENING: GanConfig = { ...DEFAULT_CONFIG, loss: 'nsgan', r1Gamma: 0, r2Gamma: 0 };
const SMALL = { latentDim: 2, gWidth: 8, dWidth: 8, gDepth: 2, dDepth: 2 };
const GAN_LAB: GanConfig = { ...OPENING, ...SMALL, batchSize: 150, dSteps: 2 };
const MID: GanConfig = { ...OPENING, gWidth: 16, dWidth: 16, gDepth: 2, dDepth: 2 };

describe('fusedStepUnwantedReason', () => {
  const swiftshader = 'a software renderer (SwiftShader)';

  it('keeps the fused step on hardware GPUs and on software WebGPU', () => {
    for (const config of [OPENING, GAN_LAB]) {
      expect(fusedStepUnwantedReason('auto', null, 'webgl', config)).toBeNull();
      expect(fusedStepUnwantedReason('auto', null, 'webgpu', config)).toBeNull();
      expect(fusedStepUnwantedReason('auto', swiftshader, 'webgpu', config)).toBeNull();
    }
  });

  it('on software WebGL, takes the fused step for small models and the op path for large ones', () => {
    expect(estimateRunCost(GAN_LAB).flops).toBeLessThan(SOFTWARE_WEBGL_FUSED_MAX_FLOPS);
    expect(estimateRunCost(MID).flops).toBeGreaterThan(SOFTWARE_WEBGL_FUSED_MAX_FLOPS);
    expect(fusedStepUnwantedReason('auto', swiftshader, 'webgl', GAN_LAB)).toBeNull();
    expect(fusedStepUnwantedReason('auto', swiftshader, 'webgl', MID)).toMatch(/ 2.5 MFLOP/);
    expect(fusedStepUnwantedReason('auto', swiftshader, 'webgl', OPENING)).toMatch(
      /op path is faster.*SwiftShader.*58 MFLOP per iteration/,
    );
  });

  it('follows an explicit choice', () => {
    expect(fusedStepUnwantedReason('on', swiftshader, 'webgl', OPENING)).toBeNull();
    expect(fusedStepUnwantedReason('off', null, 'webgpu', GAN_LAB)).toMatch(/turned off/);
  });
});

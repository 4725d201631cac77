/**
 * The stream option fusedStep's rule: when a toy run on a GPU backend takes the fused step.
 *
 * Measured side by side on SwiftShader (npm run bench -- --paths fused,ops, 2 cores, docs/runtime.md
 * "The fused GPU step"): on WebGPU the fused step won every workload (the op path pays for each of
 * its ~300 dispatches). On WebGL it depends on the work: each fused kernel reads its inputs one
 * float per texture fetch, two fetches per multiply-add, where tfjs's packed matMul reads four
 * floats per fetch, so the fused step is slower once the arithmetic outweighs the ~250 dispatches
 * it saves. Iterations/s fused against ops, by MFLOP per iteration (estimateRunCost): GAN Lab's
 * model (0.54) 25 vs 14; MLPs 16×2, batch 256 (2.5) 13 vs 17; 32×2 (8.4) 7.0 vs 12; the opening
 * preset without penalty (58) 1.4 vs 4.7. The cut lies between the first two.
 */
import type { GanConfig } from '../../engine/core/config';
import { estimateRunCost } from '../../engine/core/cost';
import type { BackendName, FusedStepChoice } from '../../protocol';

/** Above this much work per iteration (estimateRunCost), a software WebGL renderer runs the op path. */
export const SOFTWARE_WEBGL_FUSED_MAX_FLOPS = 1e6;

/**
 * Why a toy run on a GPU backend should not take the fused step, or null when it should: 'off'
 * asks for the op path; 'auto' takes the op path on a software WebGL renderer (`software`: its
 * name, null for a hardware one) for runs above SOFTWARE_WEBGL_FUSED_MAX_FLOPS per iteration.
 */
export function fusedStepUnwantedReason(
  choice: FusedStepChoice,
  software: string | null,
  backend: BackendName,
  config: GanConfig,
): string | null {
  if (choice === 'off') return 'the fused step is turned off (stream option fusedStep)';
  if (choice !== 'auto' || software === null || backend !== 'webgl') return null;
  const mflops = estimateRunCost(config).flops / 1e6;
  if (mflops <= SOFTWARE_WEBGL_FUSED_MAX_FLOPS / 1e6) return null;
  return `the op path is faster on a software WebGL renderer (${software}) for a model of ${Number(mflops.toPrecision(2))} MFLOP per iteration`;
}

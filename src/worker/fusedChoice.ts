/**
 * Whether a toy run steps with the fused GPU kernels (src/worker/fused) or tfjs's ops, as the
 * worker decides it: the stream's `fusedStep` choice and the renderer (the rule is in
 * fused/auto.ts: software WebGL runs larger models faster on the op path), the one-time kernel
 * check before a run's first step, and the step path the debug commands report. The kernels and the trainer that uses them live in fused/; this is the
 * worker's side of that choice, kept out of the run lifecycle.
 */
import type { AnyTrainer } from '../engine/core/snapshot';
import { ToyGanTrainer } from '../engine/core/trainer';
import type { BackendName, FusedStepChoice } from '../protocol';
import { fusedStepUnwantedReason } from './fused/auto';
import { FusedToyTrainer } from './fused/fusedTrainer';
import type { Run, RunContext } from './run';

/** Why the GPU backend is a software renderer, or null (RuntimeHooks.softwareRenderer). */
export type SoftwareRenderer = (backend: BackendName) => string | null;

/** Applies `choice` to a fused trainer; returns it, or null when the trainer has no fused step. */
export function applyFusedChoice(
  trainer: AnyTrainer | null,
  choice: FusedStepChoice,
  softwareRenderer: SoftwareRenderer,
): FusedToyTrainer | null {
  if (!(trainer instanceof FusedToyTrainer)) return null;
  trainer.unwantedReason = fusedStepUnwantedReason(
    choice,
    softwareRenderer(trainer.backendName),
    trainer.backendName,
    trainer.config,
  );
  return trainer;
}

/**
 * Before a toy run steps on a GPU backend: applies the stream's fusedStep choice and compiles
 * the fused kernels once (during the 'compiling' phase); if one fails, the run continues on
 * the op path and the UI is told why.
 */
export async function prepareFusedStep(
  run: Run,
  context: RunContext,
  softwareRenderer: SoftwareRenderer,
): Promise<void> {
  const trainer = applyFusedChoice(run.trainer, run.stream.fusedStep, softwareRenderer);
  if (!trainer?.needsKernelCheck) return;
  const failure = await context.guard(trainer.checkKernels());
  if (failure)
    context.post({ type: 'error', runId: run.id, message: `Fused GPU step: ${failure}.` });
}

/** Which path a toy run's steps take (absent for image runs). */
export function stepPathOf(trainer: AnyTrainer | null): {
  stepPath?: 'fused' | 'ops';
  stepPathReason?: string | null;
} {
  if (trainer instanceof FusedToyTrainer) {
    return { stepPath: trainer.stepPath, stepPathReason: trainer.opsReason };
  }
  if (trainer instanceof ToyGanTrainer) {
    return { stepPath: 'ops', stepPathReason: 'the fused step runs on webgpu and webgl only' };
  }
  return {};
}

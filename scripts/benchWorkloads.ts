/**
 * The benchmark workloads, shared by the browser bench (bench.ts) and the Node WebGPU bench
 * (bench-gpu-node.ts), so both measure the same models: the flag parsing here, the workloads
 * themselves in workloads.ts (also read by the step bench's page, which cannot import Node code).
 */
import { UsageError } from '../src/cli/args';
import type { StepPath } from '../src/protocol';
import { WORKLOADS, type Workload } from './workloads';

export { WORKLOADS, type Workload };

/** The workloads named by a `--workloads` list (all when absent). */
export function parseWorkloads(raw: string | undefined): Workload[] {
  if (raw === undefined) return WORKLOADS;
  const ids = raw.split(',').map((s) => s.trim().toLowerCase());
  for (const id of ids) {
    if (!WORKLOADS.some((w) => w.id === id)) {
      throw new UsageError(
        `--workloads: unknown workload '${id}' (${WORKLOADS.map((w) => w.id).join(', ')})`,
      );
    }
  }
  return WORKLOADS.filter((w) => ids.includes(w.id));
}

/** How toy runs on webgpu/webgl step: the fused kernels (src/worker/fused) or tfjs's ops. */
export type { StepPath };

/** The step paths named by `--paths` (or the one `--ops` implies; the fused step by default). */
export function parsePaths(raw: string | undefined, ops: boolean): StepPath[] {
  if (raw === undefined) return [ops ? 'ops' : 'fused'];
  if (ops) throw new UsageError('--ops and --paths: give one of them.');
  const paths = raw.split(',').map((s) => s.trim().toLowerCase());
  for (const path of paths) {
    if (path !== 'fused' && path !== 'ops') {
      throw new UsageError(`--paths: unknown path '${path}' (fused, ops)`);
    }
  }
  return paths as StepPath[];
}

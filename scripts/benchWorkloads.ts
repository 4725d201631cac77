/**
 * The benchmark workloads, shared by the browser bench (bench.ts) and the Node WebGPU bench
 * (bench-gpu-node.ts), so both measure the same models: the flag parsing here, the workloads
 * themselves in workloads.ts (also read by the step bench's page, which cannot import Node code).
 */
import { UsageError } from '../src/cli/args';
import type { StepPath } from '../src/protocol';
import { WORKLOADS, type Workload } from './workloads';

export { WORKLOADS, type Workload };

/** The names a comma-separated `--flag` list gives, each one of `allowed` (else a UsageError). */
export function parseChoices<T extends string>(
  flag: string,
  noun: string,
  raw: string,
  allowed: readonly T[],
): T[] {
  const names = raw.split(',').map((s) => s.trim().toLowerCase());
  for (const name of names) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw new UsageError(`--${flag}: unknown ${noun} '${name}' (${allowed.join(', ')})`);
    }
  }
  return names as T[];
}

/** The workloads named by a `--workloads` list (all when absent). */
export function parseWorkloads(raw: string | undefined): Workload[] {
  if (raw === undefined) return WORKLOADS;
  const ids = parseChoices(
    'workloads',
    'workload',
    raw,
    WORKLOADS.map((w) => w.id),
  );
  return WORKLOADS.filter((w) => ids.includes(w.id));
}

/** How toy runs on webgpu/webgl step: the fused kernels (src/worker/fused) or tfjs's ops. */
export type { StepPath };

/** The step paths named by `--paths` (or the one `--ops` implies; the fused step by default). */
export function parsePaths(raw: string | undefined, ops: boolean): StepPath[] {
  if (raw === undefined) return [ops ? 'ops' : 'fused'];
  if (ops) throw new UsageError('--ops and --paths: give one of them.');
  return parseChoices('paths', 'path', raw, ['fused', 'ops'] as const);
}

/**
 * Automatic, the worker's side of it: at `init` without a chosen backend, a remembered
 * measurement for this device and model size, else a timed burst of the run on each candidate
 * (the timing and the bookkeeping are backendChoice.ts), else the first backend that works.
 * Apart from the manager because it runs before any run exists and only needs to build and
 * step a throwaway trainer on each candidate.
 */
import type { AnyGanConfig } from '../engine/core/config';
import type { AnyTrainer } from '../engine/core/snapshot';
import {
  DEFAULT_STREAM,
  type AutoBackendRequest,
  type BackendChoice,
  type BackendName,
} from '../protocol';
import { choiceKey, measureBurst, measureCandidates } from './backendChoice';
import { selectBackend, type BackendSelection } from './backendSelection';
import { errorMessage } from '../errors';
import { applyFusedChoice, type SoftwareRenderer } from './fusedChoice';
import type { RuntimeHooks } from './runtimeHooks';

/** What Automatic needs from the manager. */
export interface AutomaticHost {
  readonly hooks: RuntimeHooks;
  now(): number;
  softwareRenderer: SoftwareRenderer;
  /** The candidate being timed (null between candidates): trainers are built for it. */
  setMeasuring(backend: BackendName | null): void;
  /** A trainer of `config` on the active backend, its assets loaded. */
  buildTrainer(config: AnyGanConfig): Promise<AnyTrainer>;
}

/**
 * Automatic: a remembered measurement for this device and model size, else a burst of the run
 * on each candidate (backendChoice.ts). Software adapters are the last resort, before cpu.
 */
export async function chooseAutomatically(
  host: AutomaticHost,
  auto: AutoBackendRequest,
): Promise<BackendSelection> {
  const { probeBackends, tryBackend } = host.hooks;
  if (!probeBackends || !tryBackend) return host.hooks.selectBackend();
  const probe = await probeBackends(auto.includeSoftware ?? false);
  const key = choiceKey(probe.deviceKey, auto.config, probe.candidates);
  const choice = (
    backend: BackendName,
    rates: BackendChoice['rates'],
    failed: BackendChoice['skipped'] = [],
  ): BackendChoice => ({
    key,
    backend,
    rates,
    skipped: [...probe.skipped, ...failed],
    measuredAt: Date.now(),
    fromCache: false,
  });
  const settle = async (made: BackendChoice): Promise<BackendSelection> => {
    // Through the ordinary selection, which also watches a GPU device for loss.
    const selection = await host.hooks.selectBackend(made.backend);
    return { ...selection, choice: { ...made, backend: selection.backend } };
  };
  const known = auto.remembered?.find((c) => c.key === key);
  if (known && probe.candidates.includes(known.backend)) {
    try {
      return await settle({ ...known, fromCache: true });
    } catch {
      // e.g. the driver changed since: measure again
    }
  }
  let failed: BackendChoice['skipped'] = [];
  if (probe.candidates.length > 1) {
    try {
      const measured = await measureCandidates(probe.candidates, {
        activate: async (name) => {
          host.setMeasuring(null);
          await tryBackend(name);
          host.setMeasuring(name);
        },
        burst: (budgetMs) => measureBurstOn(host, auto.config, budgetMs),
      });
      return await settle(choice(measured.backend, measured.rates, measured.failed));
    } catch (error) {
      failed = [{ backend: probe.candidates[0], reason: errorMessage(error) }];
    } finally {
      host.setMeasuring(null);
    }
  }
  // One candidate (nothing to compare) or none measured: the first that works, software
  // adapters and then cpu last.
  const order = [
    ...probe.candidates,
    ...probe.skipped.map((s) => s.backend).filter((b) => b !== 'cpu'),
    'cpu' as const,
  ];
  const picked = await selectBackend([...new Set(order)], tryBackend);
  return settle(choice(picked.backend, [], failed));
}

/** A burst of `config`'s training on the active backend (Automatic's measurement). */
async function measureBurstOn(
  host: AutomaticHost,
  config: AnyGanConfig,
  budgetMs: number,
): Promise<{ warmupMs: number; steps: number; ms: number }> {
  const trainer = await host.buildTrainer(config);
  try {
    // Time the path the run will take: on GPU backends, the fused kernels once compiled.
    const fused = applyFusedChoice(trainer, DEFAULT_STREAM.fusedStep, host.softwareRenderer);
    if (fused) await fused.checkKernels();
    return await measureBurst(
      {
        step: () => trainer.step(),
        sync: async () => {
          await trainer.flushLogs();
          await trainer.generator.variables[0].data();
        },
        now: host.now,
      },
      budgetMs,
    );
  } finally {
    trainer.dispose();
  }
}

/**
 * A complete headless toy run: train for `steps` iterations, log diagnostics, evaluate every
 * `evalEvery` iterations, and stop cleanly (with a reason) on divergence. Used by the CLI, the
 * experiment runner and the tests; the browser worker drives the trainer step by step instead.
 */
import type { GanConfig } from '../core/config';
import { evaluate, generateEvalSamples, scoreSamples, type ToyEvaluation } from './evaluate';
import { DivergenceError, ToyGanTrainer, type LogRow } from '../core/trainer';

export interface RunOptions {
  steps: number;
  evalEvery: number;
  evalSamples: number;
  logEvery: number;
  /** Called after each evaluation and every `logEvery` steps. */
  onProgress?: (p: {
    step: number;
    stepsPerSecond: number;
    log?: LogRow;
    eval?: ToyEvaluation;
  }) => void;
}

export interface RunResult {
  history: LogRow[];
  evals: ToyEvaluation[];
  final: ToyEvaluation & { stepsPerSecond: number; wallSeconds: number; diverged: string | null };
  /** The final evaluation's generated points, as [x, y] pairs. */
  samples: [number, number][];
  parameterCounts: { generator: number; discriminator: number };
}

/** What the headless loop needs of a trainer (ToyGanTrainer and ImageGanTrainer both fit). */
export interface SteppableTrainer {
  readonly iteration: number;
  step(): void;
  flushLogs(): Promise<LogRow[]>;
}

export interface LoopOptions<E> {
  steps: number;
  evalEvery: number;
  logEvery: number;
  onProgress?: (p: { step: number; stepsPerSecond: number; log?: LogRow; eval?: E }) => void;
}

export interface LoopResult<E> {
  history: LogRow[];
  /** Evaluations during the run (the caller adds the final one). */
  evals: E[];
  diverged: string | null;
  wallSeconds: number;
  /** Training speed: evaluation time is excluded. */
  stepsPerSecond: number;
}

/**
 * Trains for `steps` iterations: flushes diagnostics every `logEvery` steps, evaluates every
 * `evalEvery` (not at the last step: the caller's final evaluation covers it; `evaluate` null:
 * never), and stops cleanly on divergence with its reason. Shared by the toy and image runs.
 */
export async function trainLoop<E>(
  trainer: SteppableTrainer,
  options: LoopOptions<E>,
  evaluate: (() => Promise<E>) | null,
): Promise<LoopResult<E>> {
  const history: LogRow[] = [];
  const evals: E[] = [];
  let diverged: string | null = null;
  const start = performance.now();
  let evalMs = 0;
  const stepsPerSecond = () =>
    trainer.iteration / Math.max(1e-9, (performance.now() - start - evalMs) / 1000);
  try {
    while (trainer.iteration < options.steps) {
      trainer.step();
      const step = trainer.iteration;
      if (step % options.logEvery === 0 || step === options.steps) {
        const rows = await trainer.flushLogs();
        history.push(...rows);
        options.onProgress?.({ step, stepsPerSecond: stepsPerSecond(), log: rows.at(-1) });
      }
      if (evaluate && step % options.evalEvery === 0 && step !== options.steps) {
        const t = performance.now();
        const ev = await evaluate();
        evals.push(ev);
        evalMs += performance.now() - t;
        options.onProgress?.({ step, stepsPerSecond: stepsPerSecond(), eval: ev });
      }
    }
  } catch (error) {
    if (!(error instanceof DivergenceError)) throw error;
    diverged = error.message;
  }
  return {
    history,
    evals,
    diverged,
    wallSeconds: (performance.now() - start) / 1000,
    stepsPerSecond: stepsPerSecond(),
  };
}

export async function runToyTraining(config: GanConfig, options: RunOptions): Promise<RunResult> {
  const trainer = new ToyGanTrainer(config, options.logEvery);
  const { history, evals, diverged, wallSeconds, stepsPerSecond } = await trainLoop(
    trainer,
    options,
    () => evaluate(trainer, options.evalSamples),
  );
  const samples = await generateEvalSamples(trainer, options.evalSamples);
  const finalEval = scoreSamples(trainer, samples, trainer.iteration);
  evals.push(finalEval);
  const pairs: [number, number][] = [];
  for (let i = 0; i < samples.length; i += 2) pairs.push([samples[i], samples[i + 1]]);
  const parameterCounts = {
    generator: trainer.generator.parameterCount,
    discriminator: trainer.discriminator.parameterCount,
  };
  trainer.dispose();
  return {
    history,
    evals,
    final: { ...finalEval, stepsPerSecond, wallSeconds, diverged },
    samples: pairs,
    parameterCounts,
  };
}

/**
 * Extreme hyper-parameters (the edges ganConfigSchema allows: lr = 10, γ = 0, batch 1, width 1,
 * and all of them at once): training either stops with a DivergenceError that names the quantity
 * and the step, or goes on with finite numbers everywhere — never a crash, never a NaN that
 * reaches the UI, never leaked tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from './backend';
import { DEFAULT_CONFIG, type GanConfig } from './config';
import { tinyConfig } from '../testing/tinyConfig';
import { DivergenceError, LOG_FIELDS, ToyGanTrainer, type LogRow } from './trainer';
import { generatedPoints, makeViewBatch } from '../toy/views';

const STEPS = 60;
const adam = (lr: number) => ({ ...DEFAULT_CONFIG.gOptimizer, lr });
const sgd = (lr: number) => ({ ...DEFAULT_CONFIG.gOptimizer, kind: 'sgd' as const, lr });

const CASES: [string, Partial<GanConfig>][] = [
  ['lr = 10 (Adam)', { gOptimizer: adam(10), dOptimizer: adam(10) }],
  ['lr = 10 (SGD), LSGAN', { gOptimizer: sgd(10), dOptimizer: sgd(10), loss: 'lsgan' }],
  [
    'lr = 10 (SGD), WGAN-GP, λ = 0',
    { gOptimizer: sgd(10), dOptimizer: sgd(10), loss: 'wgan-gp', gpWeight: 0 },
  ],
  ['γ = 0, NSGAN', { r1Gamma: 0, r2Gamma: 0, loss: 'nsgan' }],
  ['γ = 10⁴ (the largest allowed)', { r1Gamma: 1e4, r2Gamma: 1e4 }],
  ['batch 1', { batchSize: 1 }],
  ['width 1, depth 1', { gWidth: 1, dWidth: 1, gDepth: 1, dDepth: 1, latentDim: 1 }],
  [
    'all at once: lr 10, γ 0, batch 1, width 1',
    {
      gOptimizer: sgd(10),
      dOptimizer: sgd(10),
      r1Gamma: 0,
      r2Gamma: 0,
      batchSize: 1,
      gWidth: 1,
      dWidth: 1,
    },
  ],
  ['width 1024 (the largest allowed)', { gWidth: 1024, dWidth: 1024, batchSize: 16 }],
];

type Outcome = { kind: 'diverged'; error: DivergenceError } | { kind: 'finite'; rows: LogRow[] };

async function train(config: GanConfig, steps: number): Promise<Outcome> {
  const trainer = new ToyGanTrainer(config, 1);
  const rows: LogRow[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      trainer.step();
      if (i % 10 === 9) rows.push(...(await trainer.flushLogs()));
    }
    rows.push(...(await trainer.flushLogs()));
    // What the UI would draw: the generated points are finite too.
    const view = makeViewBatch(trainer, 64);
    const points = tf.tidy(() => generatedPoints(trainer, view));
    const data = await points.data();
    points.dispose();
    expect(Array.from(data).every(Number.isFinite)).toBe(true);
    return { kind: 'finite', rows };
  } catch (error) {
    if (error instanceof DivergenceError) return { kind: 'diverged', error };
    throw error;
  } finally {
    trainer.dispose();
  }
}

describe('extreme hyper-parameters', () => {
  beforeAll(() => useNodeBackend('wasm'));

  it.each(CASES)('%s: diverges with a named cause, or stays finite', async (_name, overrides) => {
    const config = tinyConfig(overrides);
    const steps = config.dWidth >= 1024 ? 5 : STEPS;
    const before = tf.memory().numTensors;
    const outcome = await train(config, steps);
    const what = outcome.kind === 'diverged' ? outcome.error.message : `finite over ${steps} steps`;
    console.log(`[extremes] ${_name}: ${what}`);
    if (outcome.kind === 'diverged') {
      const { error } = outcome;
      expect(LOG_FIELDS).toContain(error.field);
      expect(error.step).toBeGreaterThanOrEqual(1);
      expect(error.step).toBeLessThanOrEqual(steps);
      expect(error.message).toBe(
        `Training diverged: ${error.field} became NaN or infinite by step ${error.step}.`,
      );
    } else {
      expect(outcome.rows).toHaveLength(steps);
      for (const row of outcome.rows) {
        for (const field of LOG_FIELDS) expect(Number.isFinite(row[field]), field).toBe(true);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lr = 10 with SGD does diverge (so the divergence path above is exercised)', async () => {
    const outcome = await train(tinyConfig(CASES[1][1]), STEPS);
    expect(outcome.kind).toBe('diverged');
  });
});

/**
 * The toy lessons' promised outcomes, measured: every variant of lessons 1–4 is trained through
 * the engine (the same code as `npm run train`, wasm backend) for the lesson's budget on seeds
 * 1–3, and the lesson's claims about modes covered are checked. Each run is a real 2000-iteration
 * training (about a minute on one free core), so this lives in `npm run test:lessons`, not in
 * `npm test`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { useNodeBackend } from '../engine/core/backend';
import { runToyTraining } from '../engine/toy/run';
import { lessonConfig } from './applyLesson';
import { LESSONS, type LessonOutcome } from './lessons';

/** Same evaluation as the train CLI's defaults (2500 samples). */
const EVAL_SAMPLES = 2500;

const cache = new Map<string, number>();

async function modesCovered(outcome: LessonOutcome, label: string, seed: number) {
  const variant = outcome.variants.find((v) => v.label === label)!;
  const config = lessonConfig({ ...outcome.base, ...variant.patch, seed });
  const key = JSON.stringify([config, outcome.steps]);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = await runToyTraining(config, {
    steps: outcome.steps,
    evalEvery: outcome.steps,
    evalSamples: EVAL_SAMPLES,
    logEvery: 100,
  });
  const modes = result.final.modesCovered ?? 0;
  process.stderr.write(`  ${label}, seed ${seed}: ${modes} modes\n`);
  cache.set(key, modes);
  return modes;
}

beforeAll(async () => {
  await useNodeBackend('wasm');
  expect(tf.getBackend()).toBe('wasm');
});

describe.each(LESSONS.filter((l) => l.outcome).map((l) => [l.title, l] as const))(
  '%s',
  (_title, lesson) => {
    const outcome = lesson.outcome!;
    it('keeps its promise over seeds 1–3', async () => {
      const modes = new Map<string, number[]>();
      for (const v of outcome.variants) {
        const perSeed: number[] = [];
        for (const seed of outcome.seeds) perSeed.push(await modesCovered(outcome, v.label, seed));
        modes.set(v.label, perSeed);
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      for (const claim of outcome.claims) {
        const m = modes.get(claim.variant)!;
        if (claim.everyAtLeast !== undefined)
          expect(Math.min(...m), `${claim.variant}: ${m}`).toBeGreaterThanOrEqual(
            claim.everyAtLeast,
          );
        if (claim.someAtMost !== undefined)
          expect(Math.min(...m), `${claim.variant}: ${m}`).toBeLessThanOrEqual(claim.someAtMost);
        if (claim.meanAtMost !== undefined)
          expect(mean(m), `${claim.variant}: ${m}`).toBeLessThanOrEqual(claim.meanAtMost);
      }
      if (outcome.meanOrder) {
        const { better, worse, margin } = outcome.meanOrder;
        expect(mean(modes.get(better)!)).toBeGreaterThanOrEqual(mean(modes.get(worse)!) + margin);
      }
      if (outcome.meanClose) {
        const { a, b, within } = outcome.meanClose;
        expect(Math.abs(mean(modes.get(a)!) - mean(modes.get(b)!))).toBeLessThanOrEqual(within);
      }
    });
  },
);

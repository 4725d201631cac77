/**
 * What the "High quality" counter measures and, on the mixtures, why it can read a few per cent
 * while every mode is covered: the note shown beside the number (QualityNote.tsx). Pure text from
 * the settings, so it is unit-tested and always names the values actually configured.
 */
import type { GanConfig } from '../../engine/core/config';
import { makeToyDataset } from '../../engine/toy/datasets';
import { HQ_RADIUS_IN_SIGMAS } from '../../engine/toy/metrics';

export interface QualityNote {
  /** One line: the definition, with this dataset's radius. */
  definition: string;
  /** Why it is low with these settings, and what tightens the samples (null: nothing to add). */
  why: string | null;
  /** A lesson that shows the remedy (its id), or null. */
  lesson: string | null;
}

/** Lesson 9 (lessons.ts): the ring with γ and lr annealed over a class-sized budget. */
export const SHARPEN_LESSON = 'sharpen-ring';

const num = (x: number) => String(Number(x.toPrecision(2)));

/** The note for a toy config; null for datasets without modes (no HQ is measured there). */
export function qualityNote(config: GanConfig): QualityNote | null {
  if (config.dataset !== 'ring8' && config.dataset !== 'grid25') return null;
  const { sigma } = makeToyDataset(config.dataset).mixture!;
  const radius = HQ_RADIUS_IN_SIGMAS * sigma;
  const definition =
    `High quality: the share of generated points within ${HQ_RADIUS_IN_SIGMAS}σ = ${num(radius)} of ` +
    `a mode centre (σ = ${num(sigma)}, the width of each blob). Perfect samples score 98.9 %.`;
  const gamma = Math.max(config.r1Gamma, config.r2Gamma);
  if (gamma <= 0) return { definition, why: null, lesson: null };
  const blur = Math.sqrt(gamma);
  const start = config.burnInSteps > 0 ? gamma * config.gammaBurnInFactor : gamma;
  const schedule =
    start > gamma
      ? ` Here γ falls from ${num(start)} to ${num(gamma)} over ${config.burnInSteps} steps, a blur from ${num(Math.sqrt(start))} down to ${num(blur)}.`
      : '';
  if (blur <= radius && start > gamma)
    return {
      definition,
      why:
        `R1/R2 act like blurring the data by about √γ. Here γ falls from ${num(start)} to ${num(gamma)} over ${config.burnInSteps} steps: ` +
        `the blur shrinks from ${num(Math.sqrt(start))}, ${num(Math.sqrt(start) / radius)}× that radius, to ${num(blur)}, inside it, ` +
        'so high quality can rise as γ falls, once every mode is covered.',
      lesson: null,
    };
  if (blur <= radius)
    return {
      definition,
      why: `R1/R2 with γ ${num(gamma)} blur D by about √γ = ${num(blur)}, inside that radius, so they no longer hold the samples back.`,
      lesson: null,
    };
  const ring = config.dataset === 'ring8';
  return {
    definition,
    why:
      `R1/R2 with γ ${num(gamma)} act like blurring the data by about √γ = ${num(blur)}, ` +
      `${num(blur / radius)}× that radius: they keep D flat that far around the data and the samples, ` +
      'so once G’s points are that close to a mode D hardly pushes them further in. G’s blobs stay ' +
      'about that wide and few points land inside the radius, even when every mode is covered. ' +
      'That blur is what keeps every mode reachable early on; lowering γ later tightens the samples ' +
      (ring
        ? '(the lesson “Sharpen the ring” anneals γ and the learning rate).'
        : '(the CLI’s --recipe precision anneals γ and the learning rate over 30 000 steps).') +
      schedule,
    lesson: ring ? SHARPEN_LESSON : null,
  };
}

/**
 * How runs are named: after their settings ("RpGAN + R1 + R2 on ring8, step 1200"), and as the
 * user or a file names them (cleaned and capped: a name is only ever shown as text). Pure and
 * store-free, so the compare view, saved runs, run files and the CLI share it without importing
 * one another.
 */
import type { AnyGanConfig, GanConfig } from '../engine/core/config';

export const MAX_RUN_NAME_LENGTH = 80;

/** A short name for a config's loss and penalties ("RpGAN + R1 + R2"). */
export function variantName(
  config: Pick<GanConfig, 'loss' | 'r1Gamma' | 'r2Gamma' | 'lazyInterval'>,
): string {
  const loss =
    { minimax: 'Minimax', nsgan: 'NSGAN', rpgan: 'RpGAN', hinge: 'Hinge', lsgan: 'LSGAN' }[
      config.loss as string
    ] ?? 'WGAN-GP';
  const pens = [config.r1Gamma > 0 && 'R1', config.r2Gamma > 0 && 'R2'].filter(Boolean);
  const lazy = config.lazyInterval > 1 && pens.length > 0 ? ` (lazy ×${config.lazyInterval})` : '';
  return pens.length === 0 ? `${loss}, no penalty` : `${loss} + ${pens.join(' + ')}${lazy}`;
}

/** A run name as stored: control characters removed, spaces collapsed, at most 80 characters. */
export function cleanRunName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ');
  return [...clean.trim()].slice(0, MAX_RUN_NAME_LENGTH).join('').trim();
}

/** The name a run gets unless the user types one: "RpGAN + R1 + R2 on ring8, step 1200". */
export function defaultRunName(config: AnyGanConfig, iteration: number): string {
  return `${variantName(config)} on ${config.dataset}, step ${iteration}`;
}

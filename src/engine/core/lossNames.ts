/**
 * Loss names without tfjs, so the UI thread can validate settings (config.ts) without bundling
 * tfjs into the main page. The loss functions themselves live in losses.ts.
 */
export type LossName = 'minimax' | 'nsgan' | 'rpgan' | 'hinge' | 'lsgan' | 'wgan-gp';

export const LOSS_NAMES: readonly LossName[] = [
  'minimax',
  'nsgan',
  'rpgan',
  'hinge',
  'lsgan',
  'wgan-gp',
];

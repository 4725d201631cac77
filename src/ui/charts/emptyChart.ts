/** What an empty chart says: when its data will come (not "Press Play" while training runs). */
export function emptyChartText(
  source: 'metrics' | 'evals',
  started: boolean,
  evalEvery: number,
): string {
  if (source === 'evals') return `Evaluated every ${evalEvery} steps.`;
  return started ? 'Training: the first losses are on their way.' : 'Press Play to train.';
}

/**
 * A counter's number in at most ~9 characters, so it fits its box: fixed decimals up to 99 999,
 * then exponent notation (a diverging G loss of 2.8e17 printed with toFixed is 22 characters).
 */
export function formatCounter(x: number | null | undefined, digits: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return Math.abs(x) >= 1e5 ? x.toExponential(2) : x.toFixed(digits);
}

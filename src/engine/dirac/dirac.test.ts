/** The Dirac-GAN simulation against the closed forms of gan-facts §7 and the numbers. */
import { describe, expect, it } from 'vitest';
import {
  continuousEigenvalues,
  DIRAC_DEFAULTS,
  diracField,
  discreteEigenvalues,
  ganSimultaneousRadius,
  linearVerdict,
  modulus,
  simulateDirac,
  spectralRadius,
  updateMatrix,
  type DiracSettings,
} from './dirac';

const run = (patch: Partial<DiracSettings>) => simulateDirac({ ...DIRAC_DEFAULTS, ...patch });
const finalRadius = (patch: Partial<DiracSettings>) => {
  const t = run(patch);
  return t.radius[t.radius.length - 1];
};

describe('Dirac-GAN: the reference demo (500 steps, h = 0.2, from (1, 1))', () => {
  it('plain GAN, simultaneous: spirals out to radius 3.097', () => {
    expect(finalRadius({})).toBeCloseTo(3.097, 3);
  });

  it('R1 γ = 0.3: converges to radius 2.64e-6', () => {
    const r = finalRadius({ r1: 0.3 });
    expect(r / 2.64e-6).toBeGreaterThan(0.995);
    expect(r / 2.64e-6).toBeLessThan(1.005);
  });

  it('R1 + R2, γ = 0.3 each: damps twice as hard, radius 2.16e-13', () => {
    const r = finalRadius({ r1: 0.3, r2: 0.3 });
    expect(r / 2.16e-13).toBeGreaterThan(0.995);
    expect(r / 2.16e-13).toBeLessThan(1.005);
    // R2 alone is the same penalty as R1 alone here (∇ₓD = ψ on real and fake points alike).
    expect(finalRadius({ r2: 0.3 })).toBe(finalRadius({ r1: 0.3 }));
  });

  it('critical damping γ = 1: radius ~1e-21 (gan-facts §7.2)', () => {
    const r = finalRadius({ r1: 1 });
    expect(r).toBeGreaterThan(1e-22);
    expect(r).toBeLessThan(1e-20);
  });

  it('plain GAN, alternating (G, then D on the new θ): stays near the start, radius 1.421', () => {
    const t = run({ update: 'alternating' });
    expect(t.radius[500]).toBeCloseTo(1.421, 3);
    // Bounded oscillation, never convergence: every radius within 6 % of the start's √2.
    for (const r of t.radius) {
      expect(r).toBeGreaterThan(1.33);
      expect(r).toBeLessThan(1.43);
    }
  });

  it('NSGAN shrinks and stalls on a limit cycle (~0.64), it does not converge', () => {
    const t = run({ loss: 'nsgan' });
    expect(t.radius[500]).toBeGreaterThan(0.6);
    expect(t.radius[500]).toBeLessThan(0.7);
    const late = Array.from(t.radius.slice(400));
    expect(Math.max(...late) - Math.min(...late)).toBeLessThan(0.05);
  });

  it('RpGAN equals NSGAN in the Dirac-GAN (the paired real point has D(0) = 0)', () => {
    const a = run({ loss: 'rpgan', r1: 0.1 });
    const b = run({ loss: 'nsgan', r1: 0.1 });
    expect(Array.from(a.theta)).toEqual(Array.from(b.theta));
    expect(Array.from(a.psi)).toEqual(Array.from(b.psi));
  });

  it('WGAN-GP does not converge: the one-centred penalty keeps |ψ| near 1', () => {
    const t = run({ loss: 'wgan-gp' });
    expect(t.radius[500]).toBeGreaterThan(0.5);
    expect(Math.abs(t.psi[500])).toBeGreaterThan(0.3);
  });
});

describe('Dirac-GAN: closed forms', () => {
  it('plain GAN simultaneous: r grows by exactly √(1 + h²f′(θψ)²) per step', () => {
    const t = run({});
    const exact = ganSimultaneousRadius(DIRAC_DEFAULTS);
    for (let k = 0; k <= 500; k += 50) expect(t.radius[k]).toBeCloseTo(exact[k], 10);
  });

  it('the plain GAN field is a rotation: v ⊥ (θ, ψ) everywhere', () => {
    for (const [theta, psi] of [
      [1, 1],
      [-2, 0.5],
      [0.3, -1.7],
    ]) {
      const [vt, vp] = diracField({ ...DIRAC_DEFAULTS }, theta, psi);
      expect(vt * theta + vp * psi).toBeCloseTo(0, 12);
    }
  });

  it('continuous eigenvalues: ±i/2 without penalty, −γ/2 ± √(γ²/4 − 1/4) with one', () => {
    const [a, b] = continuousEigenvalues({ loss: 'gan', r1: 0, r2: 0 });
    expect([a.re, Math.abs(a.im), b.re, Math.abs(b.im)]).toEqual([0, 0.5, 0, 0.5]);
    const [c] = continuousEigenvalues({ loss: 'gan', r1: 0.3, r2: 0 });
    expect(c.re).toBeCloseTo(-0.15, 12);
    expect(Math.abs(c.im)).toBeCloseTo(Math.sqrt(0.25 - 0.0225), 12);
    // Overdamped: real eigenvalues, the slow one ≈ −f′(0)²/γ_eff.
    const over = continuousEigenvalues({ loss: 'gan', r1: 5, r2: 5 });
    expect(over.every((z) => z.im === 0)).toBe(true);
    expect(Math.max(...over.map((z) => z.re))).toBeCloseTo(-0.25 / 10, 2);
  });

  it('simultaneous |μ|² = 1 − hγ_eff + h²f′(0)² (underdamped), alternating |μ| = 1 unpenalised', () => {
    for (const g of [0, 0.3, 0.6]) {
      const rho = spectralRadius({ ...DIRAC_DEFAULTS, r1: g });
      expect(rho * rho).toBeCloseTo(1 - 0.2 * g + 0.04 * 0.25, 12);
    }
    const alt = discreteEigenvalues({ ...DIRAC_DEFAULTS, update: 'alternating' });
    for (const mu of alt) expect(modulus(mu)).toBeCloseTo(1, 12);
    expect(linearVerdict({ ...DIRAC_DEFAULTS, update: 'alternating' })).toBe('circles');
    expect(linearVerdict(DIRAC_DEFAULTS)).toBe('spirals out');
    expect(linearVerdict({ ...DIRAC_DEFAULTS, r1: 0.3 })).toBe('converges');
    // Alternating with a large step (a = h·f′(0) > 2) diverges.
    expect(linearVerdict({ ...DIRAC_DEFAULTS, update: 'alternating', lr: 4.2 })).toBe(
      'spirals out',
    );
  });

  it('convergence threshold h < 4γ_eff (gan-facts §7.1: γ = 0.3 → h = 1.1 converges, 1.3 not)', () => {
    expect(spectralRadius({ ...DIRAC_DEFAULTS, r1: 0.3, lr: 1.1 })).toBeCloseTo(0.986, 3);
    expect(spectralRadius({ ...DIRAC_DEFAULTS, r1: 0.3, lr: 1.3 })).toBeCloseTo(1.016, 3);
  });

  it('near the equilibrium the simulation follows the linearised map exactly', () => {
    for (const update of ['simultaneous', 'alternating'] as const) {
      const settings = { ...DIRAC_DEFAULTS, r1: 0.3, update, dSteps: 2 };
      const t = simulateDirac(settings);
      const [[a, b], [c, d]] = updateMatrix(settings);
      let [theta, psi] = [t.theta[300], t.psi[300]];
      for (let k = 0; k < 200; k++) [theta, psi] = [a * theta + b * psi, c * theta + d * psi];
      expect(Math.hypot(theta - t.theta[500], psi - t.psi[500]) / t.radius[500]).toBeLessThan(1e-6);
      // …so over many steps the distance shrinks at the rate |μ|max.
      const rate = Math.pow(t.radius[500] / t.radius[100], 1 / 400);
      expect(Math.abs(rate / spectralRadius(settings) - 1)).toBeLessThan(2e-3);
    }
  });

  it('stops cleanly when the numbers blow up', () => {
    const t = run({ loss: 'wgan-gp', gp: 0, lr: 2, steps: 100_000 });
    expect(t.divergedAt).not.toBeNull();
    expect(t.radius.every(Number.isFinite)).toBe(true);
  });
});

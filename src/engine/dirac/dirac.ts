/**
 * The Dirac-GAN (Mescheder, Geiger & Nowozin 2018; restated in R3GAN App. B): the smallest GAN
 * that shows why unregularised training oscillates. Pure TypeScript, no tfjs, so the UI thread
 * can simulate it every frame.
 *
 * - Generator p_θ = δ_θ (one parameter θ), discriminator D_ψ(x) = ψ·x (one parameter ψ),
 *   data p_data = δ_0. The only equilibrium is (θ, ψ) = (0, 0).
 * - Mescheder's sign convention (gan-facts §7.1): f(t) = −softplus(−t), D *maximises*
 *   f(D(fake)) + f(−D(real)), so f'(t) = σ(−t) and f'(0) = ½.
 * - The field v = (−∂_θ L_G, ∂_ψ L_D) is the direction gradient descent/ascent moves (θ, ψ);
 *   a step of size h moves by h·v.
 *
 * Penalties: ∇ₓD = ψ everywhere, so R1 = R2 = γ/2·ψ² and each adds −γψ to D's direction
 * (R1 + R2 together damp twice as hard, gan-facts §7.1). GAN_stability's notebook field for
 * "GAN + gradient penalty 0.3" is exactly this −0.3ψ term, which is why the numbers
 * (R1 γ = 0.3 → radius 2.64e-6) are comparable with gan-facts §7.2.
 */

export type DiracLoss = 'gan' | 'nsgan' | 'rpgan' | 'wgan-gp';
export const DIRAC_LOSSES: readonly DiracLoss[] = ['gan', 'nsgan', 'rpgan', 'wgan-gp'];

export type DiracUpdate = 'simultaneous' | 'alternating';
export const DIRAC_UPDATES: readonly DiracUpdate[] = ['simultaneous', 'alternating'];

export interface DiracSettings {
  loss: DiracLoss;
  /** R1 weight γ (penalty γ/2·ψ² on the real point); 0 disables it. */
  r1: number;
  /** R2 weight γ (penalty γ/2·ψ² on the fake point); 0 disables it. */
  r2: number;
  /** λ of WGAN-GP's one-centred penalty λ(|ψ| − 1)² (used only by wgan-gp). */
  gp: number;
  update: DiracUpdate;
  /** Step size h of plain gradient descent/ascent (no momentum: the classic analysis). */
  lr: number;
  steps: number;
  /** D updates per G update with alternating updates (GAN_stability shows 1 and 5). */
  dSteps: number;
  start: readonly [number, number];
}

/** GAN_stability's `DiracGAN.ipynb` demo: from (1, 1), h = 0.2, 500 steps (gan-facts §7.2). */
export const DIRAC_DEFAULTS: DiracSettings = {
  loss: 'gan',
  r1: 0,
  r2: 0,
  gp: 0.35,
  update: 'simultaneous',
  lr: 0.2,
  steps: 500,
  dSteps: 1,
  start: [1, 1],
};

/** Bounds the UI and the CLI accept (a simulation outside them is not informative). */
export const DIRAC_LIMITS = {
  gamma: { min: 0, max: 10 },
  gp: { min: 0, max: 10 },
  lr: { min: 1e-4, max: 2 },
  steps: { min: 1, max: 100_000 },
  dSteps: { min: 1, max: 10 },
  start: { min: -10, max: 10 },
} as const;

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
/** f'(t) = σ(−t) for f(t) = −softplus(−t). */
export const fPrime = (t: number) => sigmoid(-t);

/** The G part of the field, −∂L_G/∂θ. */
export function generatorDirection(loss: DiracLoss, theta: number, psi: number): number {
  switch (loss) {
    case 'gan':
      // G minimises f(ψθ) (the saturating minimax generator).
      return -psi * fPrime(psi * theta);
    case 'nsgan':
      // G maximises f(−ψθ)... i.e. minimises −f(−ψθ): the non-saturating generator.
      return -psi * fPrime(-psi * theta);
    case 'rpgan': {
      // R3GAN's code form: G minimises −f(−(D(fake) − D(real))) with the real point x = 0.
      const gap = psi * theta - psi * 0;
      return -psi * fPrime(-gap);
    }
    case 'wgan-gp':
      // G minimises D(fake) = ψθ (the Wasserstein critic is linear, f(t) = t).
      return -psi;
  }
}

/** The D part of the field, ∂L_D/∂ψ (ascent), including R1/R2 and WGAN-GP's penalty. */
export function discriminatorDirection(
  s: Pick<DiracSettings, 'loss' | 'r1' | 'r2' | 'gp'>,
  theta: number,
  psi: number,
): number {
  let v: number;
  switch (s.loss) {
    case 'gan':
    case 'nsgan':
      // D maximises f(ψθ) + f(−ψ·0).
      v = theta * fPrime(psi * theta);
      break;
    case 'rpgan': {
      // D maximises f(D(fake) − D(real)) = f(ψθ − ψ·0).
      const gap = psi * theta - psi * 0;
      v = (theta - 0) * fPrime(gap);
      break;
    }
    case 'wgan-gp':
      // D maximises ψθ − ψ·0 − λ(|ψ| − 1)²: ∇ₓD = ψ at every interpolate.
      v = theta - 2 * s.gp * (Math.abs(psi) - 1) * Math.sign(psi);
      break;
  }
  // −∂/∂ψ of γ/2·ψ², once per penalty.
  return v - (s.r1 + s.r2) * psi;
}

/** The field (θ̇, ψ̇) at a point, for drawing the phase portrait. */
export function diracField(
  s: Pick<DiracSettings, 'loss' | 'r1' | 'r2' | 'gp'>,
  theta: number,
  psi: number,
): [number, number] {
  return [generatorDirection(s.loss, theta, psi), discriminatorDirection(s, theta, psi)];
}

export interface DiracTrajectory {
  /** θ₀, θ₁, …, θ_steps (steps + 1 values). */
  theta: Float64Array;
  psi: Float64Array;
  /** √(θ² + ψ²) after each step, from the start. */
  radius: Float64Array;
  /** First step at which θ or ψ stopped being finite (the rest is cut), or null. */
  divergedAt: number | null;
}

/** One update of (θ, ψ). */
export function diracStep(s: DiracSettings, theta: number, psi: number): [number, number] {
  const h = s.lr;
  if (s.update === 'simultaneous') {
    const [vt, vp] = diracField(s, theta, psi);
    return [theta + h * vt, psi + h * vp];
  }
  // Alternating (gan-facts §7.1): G steps, then D steps against the new θ. This order gives the
  // reference's 1.421 after 500 steps; D first would give 1.413 (same linear spectrum).
  theta += h * generatorDirection(s.loss, theta, psi);
  for (let k = 0; k < s.dSteps; k++) psi += h * discriminatorDirection(s, theta, psi);
  return [theta, psi];
}

export function simulateDirac(s: DiracSettings): DiracTrajectory {
  const n = s.steps;
  const theta = new Float64Array(n + 1);
  const psi = new Float64Array(n + 1);
  const radius = new Float64Array(n + 1);
  let [t, p] = s.start;
  theta[0] = t;
  psi[0] = p;
  radius[0] = Math.hypot(t, p);
  let divergedAt: number | null = null;
  for (let k = 1; k <= n; k++) {
    [t, p] = diracStep(s, t, p);
    if (!Number.isFinite(t) || !Number.isFinite(p)) {
      divergedAt = k;
      return {
        theta: theta.slice(0, k),
        psi: psi.slice(0, k),
        radius: radius.slice(0, k),
        divergedAt,
      };
    }
    theta[k] = t;
    psi[k] = p;
    radius[k] = Math.hypot(t, p);
  }
  return { theta, psi, radius, divergedAt };
}

// ---------------------------------------------------------------------------------------------
// Closed forms (gan-facts §7.1): linearisation at the equilibrium (0, 0).

export interface Complex {
  re: number;
  im: number;
}

export const modulus = (z: Complex) => Math.hypot(z.re, z.im);

/** Eigenvalues of a real 2×2 matrix [[a, b], [c, d]]. */
export function eigenvalues2x2(a: number, b: number, c: number, d: number): [Complex, Complex] {
  const half = (a + d) / 2;
  const disc = half * half - (a * d - b * c);
  if (disc >= 0) {
    const r = Math.sqrt(disc);
    return [
      { re: half + r, im: 0 },
      { re: half - r, im: 0 },
    ];
  }
  const r = Math.sqrt(-disc);
  return [
    { re: half, im: r },
    { re: half, im: -r },
  ];
}

/**
 * The field's Jacobian at (0, 0): [[0, −c], [c, −γ_eff]] with c = f'(0) = ½ for the
 * logistic losses (c = 1 for the linear WGAN critic) and γ_eff = γ₁ + γ₂. For wgan-gp the
 * one-centred penalty is not differentiable at ψ = 0 (it pushes |ψ| towards 1, so (0, 0) is
 * not even a fixed point); it is left out here.
 */
export function equilibriumJacobian(
  s: Pick<DiracSettings, 'loss' | 'r1' | 'r2'>,
): [[number, number], [number, number]] {
  const c = s.loss === 'wgan-gp' ? 1 : fPrime(0);
  return [
    [0, -c],
    [c, -(s.r1 + s.r2)],
  ];
}

/** λ of the continuous dynamics: −γ_eff/2 ± √(γ_eff²/4 − c²). */
export function continuousEigenvalues(s: Pick<DiracSettings, 'loss' | 'r1' | 'r2'>) {
  const [[a, b], [c, d]] = equilibriumJacobian(s);
  return eigenvalues2x2(a, b, c, d);
}

/** The linearised update map of one step (simultaneous: I + hJ; alternating: G, then D). */
export function updateMatrix(
  s: Pick<DiracSettings, 'loss' | 'r1' | 'r2' | 'update' | 'lr' | 'dSteps'>,
): [[number, number], [number, number]] {
  const [[, negC], [c, negG]] = equilibriumJacobian(s);
  const h = s.lr;
  if (s.update === 'simultaneous') {
    return [
      [1, h * negC],
      [h * c, 1 + h * negG],
    ];
  }
  // θ' = θ − hcψ; then dSteps times ψ ← hcθ' + (1 − hγ)ψ, so ψ_final = α·θ' + β·ψ.
  let alpha = 0;
  let beta = 1;
  for (let k = 0; k < s.dSteps; k++) {
    alpha = h * c + (1 + h * negG) * alpha;
    beta = (1 + h * negG) * beta;
  }
  return [
    [1, h * negC],
    [alpha, alpha * h * negC + beta],
  ];
}

/** μ, the eigenvalues of the update map: |μ| < 1 converges, > 1 spirals out, = 1 circles. */
export function discreteEigenvalues(
  s: Pick<DiracSettings, 'loss' | 'r1' | 'r2' | 'update' | 'lr' | 'dSteps'>,
) {
  const [[a, b], [c, d]] = updateMatrix(s);
  return eigenvalues2x2(a, b, c, d);
}

/** The largest |μ|: the factor by which the distance to (0, 0) shrinks or grows per step. */
export function spectralRadius(
  s: Pick<DiracSettings, 'loss' | 'r1' | 'r2' | 'update' | 'lr' | 'dSteps'>,
): number {
  return Math.max(...discreteEigenvalues(s).map(modulus));
}

export type DiracVerdict = 'converges' | 'circles' | 'spirals out';

/** What the linearisation predicts near the equilibrium. */
export function linearVerdict(
  s: Pick<DiracSettings, 'loss' | 'r1' | 'r2' | 'update' | 'lr' | 'dSteps'>,
): DiracVerdict {
  const rho = spectralRadius(s);
  if (Math.abs(rho - 1) < 1e-9) return 'circles';
  return rho < 1 ? 'converges' : 'spirals out';
}

/**
 * Exact radius of the simultaneous, unregularised GAN (gan-facts §7.1 [derived]): each step
 * multiplies r by √(1 + h²f'(θψ)²) — the step is orthogonal to (θ, ψ).
 */
export function ganSimultaneousRadius(s: DiracSettings): Float64Array {
  const traj = simulateDirac({ ...s, loss: 'gan', r1: 0, r2: 0, update: 'simultaneous' });
  const out = new Float64Array(traj.radius.length);
  out[0] = Math.hypot(s.start[0], s.start[1]);
  for (let k = 1; k < out.length; k++) {
    const f = fPrime(traj.theta[k - 1] * traj.psi[k - 1]);
    out[k] = out[k - 1] * Math.sqrt(1 + s.lr * s.lr * f * f);
  }
  return out;
}

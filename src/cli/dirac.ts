/**
 * The Dirac-GAN from the command line: `npm run dirac -- --loss gan --r1 0.3 --out d.json`
 * simulates (θ, ψ) and writes the trajectory, the final radius and the linearisation's
 * eigenvalues. Pure TypeScript: no tfjs, instant.
 */
import { pathToFileURL } from 'node:url';
import {
  checkOutputPath,
  runCommand,
  UsageError,
  writeOutput,
  type FlagSpec,
  type ParsedFlags,
} from './args';
import {
  continuousEigenvalues,
  DIRAC_DEFAULTS,
  DIRAC_LIMITS,
  DIRAC_LOSSES,
  DIRAC_UPDATES,
  discreteEigenvalues,
  linearVerdict,
  simulateDirac,
  spectralRadius,
  type DiracLoss,
  type DiracSettings,
  type DiracUpdate,
} from '../engine/dirac/dirac';

export const DIRAC_FLAGS: Record<string, FlagSpec> = {
  loss: { type: 'string', choices: DIRAC_LOSSES, help: 'the game (default gan)' },
  r1: { type: 'number', placeholder: 'γ', help: 'R1 weight, penalty γ/2·ψ² (default 0)' },
  r2: { type: 'number', placeholder: 'γ', help: 'R2 weight, penalty γ/2·ψ² (default 0)' },
  gp: {
    type: 'number',
    placeholder: 'λ',
    help: `WGAN-GP weight, penalty λ(|ψ|−1)² (default ${DIRAC_DEFAULTS.gp}; wgan-gp only)`,
  },
  update: {
    type: 'string',
    choices: DIRAC_UPDATES,
    help: 'simultaneous, or alternating (G step, then D step(s) on the new θ)',
  },
  'd-steps': { type: 'integer', help: 'D steps per G step when alternating (default 1)' },
  lr: { type: 'number', placeholder: 'h', help: `step size h (default ${DIRAC_DEFAULTS.lr})` },
  steps: { type: 'integer', help: `number of updates (default ${DIRAC_DEFAULTS.steps})` },
  start: { type: 'string', placeholder: 'θ,ψ', help: 'starting point (default 1,1)' },
  out: { type: 'string', placeholder: 'file.json', help: 'write the trajectory here' },
  help: { type: 'boolean', help: 'show this help' },
};

const USAGE = `Usage: npm run dirac -- [flags]

Simulates the Dirac-GAN (Mescheder et al. 2018): G = δ_θ, D(x) = ψx, data δ_0. Prints the
final distance to the equilibrium (0, 0) and what the linearisation there predicts.`;

function inRange(flag: string, value: number, min: number, max: number): number {
  if (value < min || value > max)
    throw new UsageError(`--${flag}: must be between ${min} and ${max} (got ${value}).`);
  return value;
}

export function diracSettingsFromFlags(flags: ParsedFlags): DiracSettings {
  const L = DIRAC_LIMITS;
  const num = (name: string, fallback: number) =>
    flags[name] === undefined ? fallback : (flags[name] as number);
  let start = DIRAC_DEFAULTS.start;
  if (flags.start !== undefined) {
    const parts = String(flags.start).split(',');
    const values = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
    if (values.length !== 2 || !values.every(Number.isFinite))
      throw new UsageError(`--start needs two numbers θ,ψ (got '${String(flags.start)}').`);
    start = [
      inRange('start', values[0], L.start.min, L.start.max),
      inRange('start', values[1], L.start.min, L.start.max),
    ];
  }
  return {
    loss: (flags.loss as DiracLoss | undefined) ?? DIRAC_DEFAULTS.loss,
    update: (flags.update as DiracUpdate | undefined) ?? DIRAC_DEFAULTS.update,
    r1: inRange('r1', num('r1', DIRAC_DEFAULTS.r1), L.gamma.min, L.gamma.max),
    r2: inRange('r2', num('r2', DIRAC_DEFAULTS.r2), L.gamma.min, L.gamma.max),
    gp: inRange('gp', num('gp', DIRAC_DEFAULTS.gp), L.gp.min, L.gp.max),
    lr: inRange('lr', num('lr', DIRAC_DEFAULTS.lr), L.lr.min, L.lr.max),
    steps: inRange('steps', num('steps', DIRAC_DEFAULTS.steps), L.steps.min, L.steps.max),
    dSteps: inRange('d-steps', num('d-steps', DIRAC_DEFAULTS.dSteps), L.dSteps.min, L.dSteps.max),
    start,
  };
}

/** The JSON the CLI writes. */
export function diracJson(settings: DiracSettings) {
  const traj = simulateDirac(settings);
  const last = traj.radius.length - 1;
  return {
    settings,
    trajectory: Array.from(traj.theta, (theta, k) => [theta, traj.psi[k]]),
    radius: Array.from(traj.radius),
    final: {
      step: last,
      theta: traj.theta[last],
      psi: traj.psi[last],
      radius: traj.radius[last],
      divergedAt: traj.divergedAt,
    },
    linear: {
      continuousEigenvalues: continuousEigenvalues(settings),
      discreteEigenvalues: discreteEigenvalues(settings),
      spectralRadius: spectralRadius(settings),
      verdict: linearVerdict(settings),
    },
  };
}

/** 4 significant digits; exponent notation for tiny or huge values (2.643e-6). */
const fmt = (x: number) =>
  x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4) ? x.toExponential(3) : x.toPrecision(4);

async function main(flags: ParsedFlags): Promise<number> {
  checkOutputPath('out', flags.out);
  const settings = diracSettingsFromFlags(flags);
  const json = diracJson(settings);
  const { final, linear } = json;
  const penalties = [
    settings.r1 > 0 && `R1 γ=${settings.r1}`,
    settings.r2 > 0 && `R2 γ=${settings.r2}`,
  ]
    .filter(Boolean)
    .join(' + ');
  process.stdout.write(
    `${settings.loss}${penalties ? ` + ${penalties}` : ''}, ${settings.update}, h=${settings.lr}, ` +
      `${settings.steps} steps from (${settings.start.join(', ')})\n` +
      `final: θ=${fmt(final.theta)} ψ=${fmt(final.psi)} ` +
      `radius=${fmt(final.radius)}` +
      (final.divergedAt !== null ? ` (diverged at step ${final.divergedAt})` : '') +
      `\nlinearised at (0, 0): |μ|max=${linear.spectralRadius.toFixed(6)} → ${linear.verdict}\n`,
  );
  if (flags.out !== undefined) writeOutput('out', String(flags.out), JSON.stringify(json));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  void runCommand('dirac', USAGE, DIRAC_FLAGS, main).then((code) => {
    process.exitCode = code;
  });
}

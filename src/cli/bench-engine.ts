/**
 * Engine speed in Node: ms per iteration (one D step + one G step) on grid25, batch 256, for our
 * engine and for a naive implementation of the same step (stock tfjs ops: tf.matMul with its
 * transposed gradients, leaky ReLU as 0.6x + 0.4|x|, separate D passes for real, fake and each
 * penalty, tf.train.adam), with kernels per step and the share of kernel time spent in matMul.
 *
 *   npm run bench:engine -- [--steps 40] [--backend wasm|cpu] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { NODE_BACKENDS, useNodeBackend } from '../engine/backend';
import { DEFAULT_CONFIG, type GanConfig } from '../engine/config';
import { ToyGanTrainer } from '../engine/trainer';
import { Rng } from '../engine/rng';
import { makeToyDataset } from '../engine/datasets';
import { runCommand, type FlagSpec, type ParsedFlags } from './args';

const FLAGS: Record<string, FlagSpec> = {
  steps: { type: 'integer', help: 'timed iterations per workload (default 40)' },
  backend: { type: 'string', choices: NODE_BACKENDS, help: 'tfjs backend (default wasm)' },
  json: { type: 'string', placeholder: 'file.json', help: 'also write the results as JSON' },
  'skip-naive': { type: 'boolean', help: 'skip the (slow) naive baseline' },
  help: { type: 'boolean', help: 'show this help' },
};

interface Workload {
  name: string;
  config: GanConfig;
}

const base: GanConfig = { ...DEFAULT_CONFIG, dataset: 'grid25', batchSize: 256, emaHalfLife: 0 };
const WORKLOADS: Workload[] = [
  {
    name: '4×128 MLPs, RpGAN + R1 + R2',
    config: { ...base, gWidth: 128, dWidth: 128, gDepth: 4, dDepth: 4, r1Gamma: 1, r2Gamma: 1 },
  },
  {
    name: '4×128 MLPs, NSGAN, no penalty',
    config: {
      ...base,
      gWidth: 128,
      dWidth: 128,
      gDepth: 4,
      dDepth: 4,
      loss: 'nsgan',
      r1Gamma: 0,
      r2Gamma: 0,
    },
  },
  {
    name: '3×64 MLPs, RpGAN + R1 + R2',
    config: { ...base, gWidth: 64, dWidth: 64, gDepth: 3, dDepth: 3, r1Gamma: 1, r2Gamma: 1 },
  },
];

interface Measurement {
  msPerStep: number;
  kernelsPerStep: number;
  matMulShare: number;
}

async function measure(step: () => void, steps: number): Promise<Measurement> {
  for (let i = 0; i < 5; i++) step();
  const profile = await tf.profile(() => {
    step();
  });
  let total = 0;
  let matMul = 0;
  for (const k of profile.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    // Nested scopes (customGrad "forward"/"backward" wrappers) repeat their children's time.
    if (!/^[A-Z_]/.test(k.name)) continue;
    total += ms;
    if (k.name === 'BatchMatMul' || k.name === '_FusedMatMul') matMul += ms;
  }
  const kernelsPerStep = profile.kernels.filter((k) => /^[A-Z_]/.test(k.name)).length;
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  const msPerStep = (performance.now() - start) / steps;
  return { msPerStep, kernelsPerStep, matMulShare: total > 0 ? matMul / total : 0 };
}

/** The same iteration written the obvious way with stock tfjs ops (the baseline). */
function naiveStep(config: GanConfig): { step: () => void; dispose: () => void } {
  const rng = new Rng(config.seed);
  const data = makeToyDataset(config.dataset);
  const layer = (i: number, o: number) => ({
    w: tf.variable(tf.tensor2d(rng.normals(i * o, Math.sqrt(2 / i)), [i, o])),
    b: tf.variable(tf.zeros([o])),
  });
  const mlp = (inp: number, width: number, depth: number, out: number) => [
    layer(inp, width),
    ...Array.from({ length: depth - 1 }, () => layer(width, width)),
    layer(width, out),
  ];
  const G = mlp(config.latentDim, config.gWidth, config.gDepth, 2);
  const D = mlp(2, config.dWidth, config.dDepth, 1);
  const apply = (net: typeof G, x: tf.Tensor) =>
    net.reduce((h, { w, b }, i) => {
      const y = tf.add(tf.matMul(h, w), b);
      return i < net.length - 1 ? tf.add(tf.mul(y, 0.6), tf.mul(tf.abs(y), 0.4)) : y;
    }, x);
  const vars = (net: typeof G) => net.flatMap(({ w, b }) => [w, b]);
  const gOpt = tf.train.adam(config.gOptimizer.lr, 0, 0.99);
  const dOpt = tf.train.adam(config.dOptimizer.lr, 0, 0.99);
  const B = config.batchSize;
  const batch = () => tf.tensor2d(data.sample(rng, B), [B, 2]);
  const latents = () => tf.tensor2d(rng.normals(B * config.latentDim), [B, config.latentDim]);
  const gradSq = (x: tf.Tensor) =>
    tf.mean(tf.sum(tf.square(tf.grad((xx: tf.Tensor) => tf.sum(apply(D, xx)))(x)), 1));
  const penalised = config.r1Gamma > 0;
  const step = () =>
    tf.tidy(() => {
      const real = batch();
      const fake = apply(G, latents());
      dOpt.minimize(
        () => {
          const r = apply(D, real);
          const f = apply(D, fake);
          let loss =
            config.loss === 'rpgan'
              ? tf.mean(tf.softplus(tf.sub(f, r)))
              : tf.mean(tf.add(tf.softplus(tf.neg(r)), tf.softplus(f)));
          if (penalised)
            loss = tf.add(loss, tf.mul(tf.add(gradSq(real), gradSq(fake)), config.r1Gamma / 2));
          return loss as tf.Scalar;
        },
        false,
        vars(D),
      );
      const real2 = batch();
      const z = latents();
      gOpt.minimize(
        () => {
          const f = apply(D, apply(G, z));
          return (
            config.loss === 'rpgan'
              ? tf.mean(tf.softplus(tf.sub(apply(D, real2), f)))
              : tf.mean(tf.softplus(tf.neg(f)))
          ) as tf.Scalar;
        },
        false,
        vars(G),
      );
    });
  return { step, dispose: () => tf.dispose([...vars(G), ...vars(D)]) };
}

async function main(flags: ParsedFlags): Promise<number> {
  const steps = (flags.steps as number | undefined) ?? 40;
  const backend = (flags.backend as 'wasm' | 'cpu' | undefined) ?? 'wasm';
  await useNodeBackend(backend);
  const rows: Record<string, unknown>[] = [];
  const lines = [
    `| workload (grid25, batch 256, ${backend}) | engine ms/step | kernels/step | matMul share | naive ms/step | naive kernels/step | speed-up |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const w of WORKLOADS) {
    const trainer = new ToyGanTrainer(w.config, 1_000_000);
    const ours = await measure(() => trainer.step(), steps);
    trainer.dispose();
    let naive: Measurement | null = null;
    if (!flags['skip-naive']) {
      const n = naiveStep(w.config);
      naive = await measure(n.step, Math.max(5, Math.round(steps / 4)));
      n.dispose();
    }
    rows.push({ workload: w.name, backend, ours, naive });
    lines.push(
      `| ${w.name} | ${ours.msPerStep.toFixed(1)} | ${ours.kernelsPerStep} | ${(100 * ours.matMulShare).toFixed(0)} % | ${naive ? naive.msPerStep.toFixed(1) : '–'} | ${naive ? naive.kernelsPerStep : '–'} | ${naive ? `${(naive.msPerStep / ours.msPerStep).toFixed(1)}×` : '–'} |`,
    );
    process.stderr.write(`${w.name}: ${ours.msPerStep.toFixed(1)} ms/step\n`);
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, tfjs ${tf.version.tfjs}`;
  process.stdout.write(`${lines.join('\n')}\n\nMachine: ${machine}\n`);
  if (typeof flags.json === 'string')
    writeFileSync(flags.json, JSON.stringify({ machine, rows }, null, 2));
  return 0;
}

process.exitCode = await runCommand(
  'bench:engine',
  'Usage: npm run bench:engine -- [flags]',
  FLAGS,
  main,
);

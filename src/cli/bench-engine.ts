/**
 * Engine speed in Node: ms per iteration (one D step + one G step) on grid25, batch 256, for our
 * engine and for a naive implementation of the same step (stock tfjs ops: tf.matMul with its
 * transposed gradients, leaky ReLU as 0.6x + 0.4|x|, separate D passes for real, fake and each
 * penalty, tf.train.adam), with kernels per step and the share of kernel time spent in matMul.
 *
 *   npm run bench:engine -- [--steps 40] [--backend wasm|cpu] [--json out.json]
 */
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { NODE_BACKENDS, useNodeBackend } from '../engine/core/backend';
import { DEFAULT_CONFIG, type GanConfig } from '../engine/core/config';
import { ToyGanTrainer } from '../engine/core/trainer';
import { naiveToyStep } from '../engine/toy/naive';
import { checkOutputPath, runCommand, writeOutput, type FlagSpec, type ParsedFlags } from './args';

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

async function main(flags: ParsedFlags): Promise<number> {
  checkOutputPath('json', flags.json);
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
      const n = naiveToyStep(w.config);
      naive = await measure(n.step, Math.max(5, Math.round(steps / 4)));
      n.dispose();
    }
    rows.push({ workload: w.name, backend, ours, naive });
    lines.push(
      `| ${w.name} | ${ours.msPerStep.toFixed(1)} | ${ours.kernelsPerStep} | ${(100 * ours.matMulShare).toFixed(0)} % | ${naive ? naive.msPerStep.toFixed(1) : '–'} | ${naive ? naive.kernelsPerStep : '–'} | ${naive ? `${(naive.msPerStep / ours.msPerStep).toFixed(1)}×` : '–'} |`,
    );
    process.stderr.write(`${w.name}: ${ours.msPerStep.toFixed(1)} ms/step\n`);
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, tfjs ${tf.version_core}`;
  process.stdout.write(`${lines.join('\n')}\n\nMachine: ${machine}\n`);
  if (typeof flags.json === 'string')
    writeOutput('json', flags.json, JSON.stringify({ machine, rows }, null, 2));
  return 0;
}

process.exitCode = await runCommand(
  'bench:engine',
  'Usage: npm run bench:engine -- [flags]',
  FLAGS,
  main,
);

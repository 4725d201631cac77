/**
 * The science table: {nsgan, rpgan} × {no penalty, R1, R1+R2} × seeds on ring8 and grid25,
 * each run through the train CLI (one process per run, `--jobs` at a time), summarised as
 * mean ± sd in a markdown table. Everything else stays at the documented defaults.
 *
 *   npm run experiments -- [--seeds 3] [--jobs 2] [--steps N] [--datasets ring8,grid25]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { checkOutputPath, runCommand, UsageError, type FlagSpec, type ParsedFlags } from './args';
import { DATASET_GAMMA, TOY_RECIPES } from '../engine/core/config';
import type { ToyDatasetName } from '../engine/toy/datasets';
import { DEFAULT_STEPS } from './trainOptions';

const FLAGS: Record<string, FlagSpec> = {
  seeds: { type: 'integer', help: 'seeds per setting (default 3: seeds 1, 2, 3)' },
  recipe: {
    type: 'string',
    choices: TOY_RECIPES,
    help: 'training recipe of every run (default fast: the budget of the README table)',
  },
  jobs: { type: 'integer', help: 'runs in parallel (default: number of CPU cores)' },
  steps: { type: 'integer', help: "iterations per run (default: each dataset's default budget)" },
  datasets: { type: 'string', placeholder: 'ring8,grid25', help: 'comma-separated datasets' },
  'out-dir': {
    type: 'string',
    placeholder: 'dir',
    help: 'where run JSONs and table.md go (default runs/experiments)',
  },
  help: { type: 'boolean', help: 'show this help' },
};

interface Variant {
  loss: 'nsgan' | 'rpgan';
  penalty: 'none' | 'R1' | 'R1+R2';
}

const VARIANTS: Variant[] = (['nsgan', 'rpgan'] as const).flatMap((loss) =>
  (['none', 'R1', 'R1+R2'] as const).map((penalty) => ({ loss, penalty })),
);

function penaltyFlags(p: Variant['penalty'], dataset: ToyDatasetName): string[] {
  const gamma = String(DATASET_GAMMA[dataset]);
  if (p === 'none') return ['--r1', '0', '--r2', '0'];
  if (p === 'R1') return ['--r1', gamma, '--r2', '0'];
  return ['--r1', gamma, '--r2', gamma];
}

function runOne(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/train.ts', ...args, '--quiet'],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`train ${args.join(' ')} exited with ${code}`)),
    );
  });
}

const stats = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd =
    xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
};
const fmt = (xs: number[], digits: number, scale = 1) => {
  const finite = xs.filter((x) => Number.isFinite(x));
  if (finite.length === 0) return '–';
  const { mean, sd } = stats(finite.map((x) => x * scale));
  const missing = xs.length - finite.length;
  return `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}${missing ? ` (${missing} n/a)` : ''}`;
};

async function main(flags: ParsedFlags): Promise<number> {
  const seeds = (flags.seeds as number | undefined) ?? 3;
  const jobs = (flags.jobs as number | undefined) ?? cpus().length;
  const datasets = ((flags.datasets as string | undefined) ?? 'ring8,grid25').split(',');
  for (const d of datasets)
    if (!(d in DEFAULT_STEPS))
      throw new UsageError(`Bad value for --datasets: unknown dataset '${d}'.`);
  if (seeds < 1 || jobs < 1) throw new UsageError('--seeds and --jobs must be at least 1.');
  const outDir = (flags['out-dir'] as string | undefined) ?? 'runs/experiments';
  checkOutputPath('out-dir', outDir, 'folder');
  mkdirSync(outDir, { recursive: true });

  const tasks: { file: string; args: string[]; dataset: string; variant: Variant }[] = [];
  for (const dataset of datasets)
    for (const variant of VARIANTS)
      for (let seed = 1; seed <= seeds; seed++) {
        const file = join(outDir, `${dataset}-${variant.loss}-${variant.penalty}-s${seed}.json`);
        const args = [
          '--dataset',
          dataset,
          '--loss',
          variant.loss,
          ...penaltyFlags(variant.penalty, dataset as ToyDatasetName),
          '--seed',
          String(seed),
          '--out',
          file,
        ];
        args.push('--recipe', (flags.recipe as string | undefined) ?? 'fast');
        if (flags.steps !== undefined) args.push('--steps', String(flags.steps));
        tasks.push({ file, args, dataset, variant });
      }

  const started = Date.now();
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      await runOne(task.args);
      finished++;
      process.stderr.write(
        `[${finished}/${tasks.length}] ${task.file} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));

  const lines = [
    `| dataset | loss | penalty | modes | % high quality | reverse KL | sliced W₁ | steps | wall time (s) | diverged |`,
    `|---|---|---|---|---|---|---|---|---|---|`,
  ];
  for (const dataset of datasets)
    for (const variant of VARIANTS) {
      const runs = tasks
        .filter((t) => t.dataset === dataset && t.variant === variant)
        .map((t) => JSON.parse(readFileSync(t.file, 'utf8')));
      const final = runs.map((r) => r.final);
      lines.push(
        `| ${dataset} | ${variant.loss} | ${variant.penalty} | ${fmt(
          final.map((f) => f.modesCovered),
          1,
        )} / ${final[0].totalModes} | ${fmt(
          final.map((f) => f.highQuality),
          1,
          100,
        )} | ${fmt(
          final.map((f) => f.reverseKL ?? NaN),
          3,
        )} | ${fmt(
          final.map((f) => f.slicedWasserstein),
          3,
        )} | ${runs[0].config.steps} | ${fmt(
          final.map((f) => f.wallSeconds),
          0,
        )} | ${final.filter((f) => f.diverged).length}/${runs.length} |`,
      );
    }
  const table = lines.join('\n') + '\n';
  writeFileSync(join(outDir, 'table.md'), table);
  process.stdout.write(table);
  process.stderr.write(
    `total ${((Date.now() - started) / 1000).toFixed(0)} s with ${jobs} parallel jobs\n`,
  );
  return 0;
}

process.exitCode = await runCommand(
  'experiments',
  'Usage: npm run experiments -- [flags]',
  FLAGS,
  main,
);

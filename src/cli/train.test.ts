/** The train CLI as a user runs it: bad input exits 2 naming the flag; a run writes the JSON. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from './args';
import { settingsFromFlags, TRAIN_FLAGS } from './trainOptions';
import { DATASET_GAMMA } from '../engine/core/config';
import { importConfigText } from '../store/exportData';
import { imagePresetConfig, presetConfig } from '../store/settings';

function train(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/train.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('train CLI', () => {
  it.each([
    [['--bogus', '1'], /Unknown flag --bogus/],
    [['--steps', 'ten'], /--steps needs a finite number/],
    [['--steps', '2.5'], /--steps needs a whole number/],
    [['--steps', '0'], /--steps: must be between 1/],
    [['--lr', '-1'], /--lr|--g-lr/],
    [['--lr', 'NaN'], /--lr needs a finite number/],
    [['--dataset', 'mnist9'], /--dataset must be one of/],
    [['--loss', '<script>'], /--loss must be one of/],
    [['--batch', '-4'], /--batch/],
    [['--width', '100000'], /--width/],
    [['--r1', '-0.5'], /--r1/],
    [['--beta2', '1'], /--beta2/],
    [['--dataset', 'custom'], /--points is needed/],
    [['--dataset', 'custom', '--points', '/nonexistent.json'], /--points: cannot read/],
    [['--seed'], /--seed needs a value/],
    [['--g-steps', '0'], /--g-steps/],
    [['--g-steps', '11'], /--g-steps/],
    [['--noise', 'cauchy'], /--noise must be one of/],
    [['positional'], /Unexpected argument/],
  ])('%j is rejected with a message naming the flag', (args, message) => {
    // In-process: spawning the CLI for every case would cost ~3 s each.
    const parse = () => settingsFromFlags(parseFlags(args as string[], TRAIN_FLAGS));
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });

  // Every numeric flag × hostile values: a UsageError that names the flag the user typed.
  const numericFlags = Object.entries(TRAIN_FLAGS)
    .filter(([, spec]) => spec.type === 'number' || spec.type === 'integer')
    .map(([name]) => name);
  const hostileValues = [
    'NaN',
    '1e309',
    '-1e309',
    'Infinity',
    '-1',
    '-0.5',
    '',
    ' ',
    '1e999x',
    '0/0',
  ];
  it.each(numericFlags.flatMap((flag) => hostileValues.map((value) => [flag, value])))(
    'hostile value: --%s %j exits with a message naming the flag',
    (flag, value) => {
      for (const args of [[`--${flag}`, value], [`--${flag}=${value}`]]) {
        const parse = () => settingsFromFlags(parseFlags(args, TRAIN_FLAGS));
        expect(parse).toThrow(UsageError);
        expect(parse).toThrow(`--${flag}`);
      }
    },
  );

  it.each(['--evil', '--__proto__', '--constructor', '--<script>', '---', '--', '--lr-', '--LR'])(
    'unknown flag %s is named',
    (flag) => {
      const parse = () => settingsFromFlags(parseFlags([flag, '1'], TRAIN_FLAGS));
      expect(parse).toThrow(UsageError);
      expect(parse).toThrow(/Unknown flag|Unexpected argument/);
    },
  );

  it.each([
    [['--bogus', '1'], /train: Unknown flag --bogus/],
    [['--lr', 'NaN'], /train: Flag --lr needs a finite number/],
    [['--batch', '1e309'], /train: Flag --batch needs a finite number/],
    [['--gamma', '-1'], /train: Bad value for --gamma:/],
    [['--width=-3'], /train: Bad value for --width:/],
  ])('the CLI exits with code 2 on %j', (args, message) => {
    const r = train(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("starts from the dataset's own γ, which flags override", () => {
    const ring = settingsFromFlags(parseFlags(['--dataset', 'ring8'], TRAIN_FLAGS)).config;
    const grid = settingsFromFlags(
      parseFlags(['--dataset', 'grid25', '--recipe', 'fast'], TRAIN_FLAGS),
    ).config;
    expect(ring.dataset).toBe('ring8');
    expect(ring.r1Gamma).toBe(DATASET_GAMMA.ring8);
    expect(grid.r2Gamma).toBe(DATASET_GAMMA.grid25);
    const flags = parseFlags(['--dataset', 'ring8', '--r1', '0.5'], TRAIN_FLAGS);
    const custom = settingsFromFlags(flags).config;
    expect([custom.r1Gamma, custom.r2Gamma]).toEqual([0.5, DATASET_GAMMA.ring8]);
  });

  it('--recipe precision is exactly the recipe measured in the README', () => {
    const measured = settingsFromFlags(
      parseFlags(
        [
          ...['--dataset', 'grid25', '--steps', '30000', '--gamma', '0.01'],
          ...['--gamma-burn-in-factor', '100', '--burn-in', '30000', '--lr-end-factor', '0.01'],
          ...['--beta1', '0.5', '--ema', '1000'],
        ],
        TRAIN_FLAGS,
      ),
    );
    const recipe = settingsFromFlags(
      parseFlags(['--dataset', 'grid25', '--recipe', 'precision'], TRAIN_FLAGS),
    );
    expect(recipe).toEqual(measured);
    // It is grid25's default: the science bar holds "with the documented defaults".
    expect(settingsFromFlags(parseFlags(['--dataset', 'grid25'], TRAIN_FLAGS))).toEqual(measured);
    expect(settingsFromFlags(parseFlags([], TRAIN_FLAGS))).toEqual(measured);
    const short = settingsFromFlags(
      parseFlags(['--recipe', 'precision', '--steps', '500'], TRAIN_FLAGS),
    );
    expect(short.config.burnInSteps).toBe(500);
  });

  it('--g-steps and --noise set G updates per iteration and the noise distribution', () => {
    const plain = settingsFromFlags(parseFlags([], TRAIN_FLAGS)).config;
    expect([plain.gSteps, plain.latentDist]).toEqual([1, 'gaussian']);
    const set = settingsFromFlags(
      parseFlags(['--g-steps', '3', '--noise', 'uniform'], TRAIN_FLAGS),
    ).config;
    expect([set.gSteps, set.latentDist]).toEqual([3, 'uniform']);
  });

  it('rejects a malformed custom points file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gan-cli-'));
    const file = join(dir, 'points.json');
    writeFileSync(file, '{"not": "pairs"}');
    const flags = parseFlags(['--dataset', 'custom', '--points', file], TRAIN_FLAGS);
    expect(() => settingsFromFlags(flags)).toThrow(/array of \[x, y\] number pairs/);
  });

  // Issue 14: these trained first and then died on the write (exit 7, a 40 KB stack trace).
  it.each([
    [
      ['--out', '/nonexistent/dir/run.json'],
      "--out: cannot write there: the folder '/nonexistent/dir' does not exist.",
    ],
    [
      ['--out', tmpdir()],
      `--out: cannot write there: '${tmpdir()}' is a folder; give a file name.`,
    ],
    [
      ['--out', '/etc/hostname/run.json'],
      "--out: cannot write there: '/etc/hostname' is not a folder.",
    ],
    [['--out', ''], '--out needs a path.'],
    [
      ['--snapshot-out', '/nonexistent/dir/run.ganrun'],
      "--snapshot-out: cannot write there: the folder '/nonexistent/dir' does not exist.",
    ],
    [
      ['--snapshot-out', join(tmpdir(), 'run.ganrun')],
      '--snapshot-out needs --dataset stacked-mnist (or --lesson).',
    ],
    [
      ['--lesson', 'mode-collapse'],
      "--lesson trains the lesson's Stacked MNIST run: leave out --dataset.",
    ],
  ])('%j exits 2 before training, with one line naming the flag', (args, message) => {
    const r = train('--dataset', 'ring8', '--steps', '100000', ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`train: Flag ${message}\n`);
  });

  it('an empty --points file is refused, naming the flag', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gan-cli-'));
    const file = join(dir, 'empty.json');
    writeFileSync(file, '[]');
    const flags = parseFlags(['--dataset', 'custom', '--points', file], TRAIN_FLAGS);
    expect(() => settingsFromFlags(flags)).toThrow(`Flag --points: '${file}' has no points`);
  });

  it.each(['-1', '0', '1e8'])('--steps %s names its own range, whatever the recipe', (steps) => {
    for (const recipe of ['fast', 'precision']) {
      const flags = parseFlags(['--steps', steps, '--recipe', recipe], TRAIN_FLAGS);
      expect(() => settingsFromFlags(flags)).toThrow(
        'Bad value for --steps: must be between 1 and 10000000.',
      );
    }
  });

  it('--help lists the flags and the default budgets', () => {
    const r = train('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--r1 <number>/);
    expect(r.stdout).toMatch(/grid25\s+\d+/);
  });

  it('writes config, history, evals, final and samples with the documented field names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gan-cli-'));
    const out = join(dir, 'run.json');
    const r = train(
      ...['--dataset', 'ring8', '--loss', 'rpgan', '--r1', '1', '--r2', '1', '--steps', '20'],
      ...['--width', '16', '--depth', '2', '--batch', '32', '--eval-every', '10'],
      ...['--eval-samples', '100', '--seed', '3', '--quiet', '--out', out],
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const run = JSON.parse(readFileSync(out, 'utf8'));
    expect(run.config).toMatchObject({
      loss: 'rpgan',
      r1Gamma: 1,
      r2Gamma: 1,
      seed: 3,
      backend: 'wasm',
      steps: 20,
    });
    expect(run.config.dataset.name).toBe('ring8');
    expect(run.config.dataset.centers).toHaveLength(8);
    expect(run.config.dataset.sigma).toBeGreaterThan(0);
    expect(run.history.at(-1).step).toBe(20);
    expect(run.evals.map((e: { step: number }) => e.step)).toEqual([10, 20]);
    for (const field of [
      'modesCovered',
      'totalModes',
      'highQuality',
      'reverseKL',
      'stepsPerSecond',
    ])
      expect(run.final).toHaveProperty(field);
    expect(run.final.totalModes).toBe(8);
    expect(run.samples).toHaveLength(100);
    expect(run.samples[0]).toHaveLength(2);
    // The app imports this file as a settings file: its `config` (issue 14), with nothing
    // ignored or named unknown.
    const imported = importConfigText(
      readFileSync(out, 'utf8'),
      presetConfig(),
      imagePresetConfig(),
    );
    expect(imported.message).toBeNull();
    expect(imported.config).toMatchObject({
      dataset: 'ring8',
      loss: 'rpgan',
      r1Gamma: 1,
      r2Gamma: 1,
      seed: 3,
      gWidth: 16,
      dDepth: 2,
      batchSize: 32,
    });
  });
});

/** `npm run dirac` as a user runs it: the numbers, the JSON, and bad flags → exit 2. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from './args';
import { DIRAC_FLAGS, diracJson, diracSettingsFromFlags } from './dirac';

const settings = (...args: string[]) => diracSettingsFromFlags(parseFlags(args, DIRAC_FLAGS));

function dirac(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/dirac.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dirac CLI', () => {
  it.each([
    [[], 3.097, 1e-3],
    [['--r1', '0.3'], 2.64e-6, 1e-8],
    [['--r1', '0.3', '--r2', '0.3'], 2.16e-13, 1e-15],
    [['--update', 'alternating'], 1.421, 1e-3],
  ])('%j from (1, 1), h = 0.2, 500 steps: final.radius %f', (args, radius, tolerance) => {
    const json = diracJson(settings('--loss', 'gan', '--lr', '0.2', '--steps', '500', ...args));
    expect(Math.abs(json.final.radius - radius)).toBeLessThan(tolerance);
    expect(json.trajectory).toHaveLength(501);
    expect(json.trajectory[0]).toEqual([1, 1]);
  });

  it('--out in a missing folder exits 2 with one line, before simulating (issue 14)', () => {
    const r = dirac('--out', '/nonexistent/dir/t.json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "dirac: Flag --out: cannot write there: the folder '/nonexistent/dir' does not exist.\n",
    );
  });

  it.each([
    [['--loss', 'wgan'], /--loss must be one of gan, nsgan, rpgan, wgan-gp/],
    [['--update', 'sometimes'], /--update must be one of/],
    [['--r1', '-1'], /--r1: must be between 0/],
    [['--lr', '0'], /--lr: must be between/],
    [['--steps', '1.5'], /--steps needs a whole number/],
    [['--start', '1'], /--start needs two numbers/],
    [['--start', '1,x'], /--start needs two numbers/],
    [['--start', '1,99'], /--start: must be between/],
  ])('%j is rejected naming the flag', (args, message) => {
    expect(() => settings(...args)).toThrow(UsageError);
    expect(() => settings(...args)).toThrow(message);
  });

  it('writes the trajectory, final.radius and the linearisation; exit 2 on a bad flag', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dirac-')), 'd.json');
    const r = dirac(
      '--loss',
      'gan',
      '--r1',
      '0.3',
      '--steps',
      '500',
      '--start',
      '1,1',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/radius=2\.643e-6/);
    expect(r.stdout).toMatch(/converges/);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.final.radius).toBeCloseTo(2.64e-6, 8);
    expect(json.trajectory).toHaveLength(501);
    expect(json.linear.verdict).toBe('converges');
    expect(json.settings).toMatchObject({ loss: 'gan', r1: 0.3, r2: 0, lr: 0.2, steps: 500 });

    const bad = dirac('--loss', 'wgan');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^dirac: Flag --loss must be one of/);
  });
});

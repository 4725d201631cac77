import { describe, expect, it } from 'vitest';

import { toyDefaults, type GanConfig } from '../../engine/core/config';
import { LOSS_NAMES } from '../../engine/core/lossNames';
import { LOG_FIELDS, type LogRow } from '../../engine/core/trainer';
import {
  EDGES,
  formatValue,
  iterationSteps,
  LOSS_WORDS,
  NODES,
  overviewValues,
  penaltyWords,
  VIEW_HEIGHT,
  VIEW_WIDTH,
  walk,
  WALK_IDLE,
} from './overviewModel';

const RPGAN_R1R2: GanConfig = toyDefaults('ring8');
const NSGAN_NONE: GanConfig = { ...RPGAN_R1R2, loss: 'nsgan', r1Gamma: 0, r2Gamma: 0 };

describe('the diagram', () => {
  it('has nine boxes inside the view and arrows between existing boxes', () => {
    expect(NODES.map((n) => n.id)).toHaveLength(9);
    for (const n of NODES) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.y).toBeGreaterThanOrEqual(0);
      expect(n.x + n.w).toBeLessThanOrEqual(VIEW_WIDTH);
      expect(n.y + n.h).toBeLessThanOrEqual(VIEW_HEIGHT);
    }
    const ids = new Set(NODES.map((n) => n.id));
    for (const e of EDGES) {
      expect(ids.has(e.from) && ids.has(e.to), e.id).toBe(true);
      expect(e.path).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+$/);
    }
  });

  it('boxes do not overlap', () => {
    for (const a of NODES)
      for (const b of NODES) {
        if (a === b) continue;
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        expect(apart, `${a.id} / ${b.id}`).toBe(true);
      }
  });
});

describe('the sub-steps', () => {
  it('are numbered 1–8 and light only boxes and arrows that exist', () => {
    const steps = iterationSteps(RPGAN_R1R2);
    expect(steps.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const nodes = new Set(NODES.map((n) => n.id));
    const edges = new Set(EDGES.map((e) => e.id));
    for (const s of steps) {
      expect(s.nodes.length).toBeGreaterThan(0);
      for (const n of s.nodes) expect(nodes.has(n)).toBe(true);
      for (const e of s.edges) expect(edges.has(e)).toBe(true);
      expect(s.text).not.toMatch(/undefined|NaN|\[object/);
    }
    // Every box and arrow is explained by some step.
    expect(new Set(steps.flatMap((s) => s.nodes))).toEqual(nodes);
    expect(new Set(steps.flatMap((s) => s.edges))).toEqual(edges);
  });

  it('name the configured loss and penalties: RpGAN + R1 + R2', () => {
    const steps = iterationSteps(RPGAN_R1R2);
    expect(steps[4].text).toMatch(/relativistic pairing GAN \(RpGAN\)/);
    expect(steps[4].text).toMatch(/softplus\(D\(G\(z\)\) − D\(x\)\)/);
    expect(steps[4].text).toMatch(/R1 = γ\/2·E‖∇ₓD\(x\)‖² on real points \(γ 0\.1\)/);
    expect(steps[4].text).toMatch(/R2 = γ\/2·E‖∇ₓD\(G\(z\)\)‖² on fakes \(γ 0\.1\)/);
    expect(steps[6].text).toMatch(/softplus\(D\(x\) − D\(G\(z\)\)\)/);
    expect(steps[5].text).toMatch(/Adam step \(lr 0\.001, β1 0\)/);
  });

  it('name the configured loss and penalties: NSGAN without penalty', () => {
    const steps = iterationSteps(NSGAN_NONE);
    expect(steps[4].text).toMatch(/non-saturating GAN/);
    expect(steps[4].text).not.toMatch(/R1|R2/);
    expect(steps[6].text).toMatch(/softplus\(−D\(G\(z\)\)\)/);
  });

  it('mention lazy penalties, γ burn-in, SGD, lr decay and extra D steps', () => {
    const config: GanConfig = {
      ...RPGAN_R1R2,
      r2Gamma: 0,
      lazyInterval: 4,
      burnInSteps: 3000,
      gammaBurnInFactor: 100,
      lrEndFactor: 0.1,
      dSteps: 3,
      dOptimizer: { kind: 'sgd', lr: 0.01, beta1: 0, beta2: 0.99 },
    };
    expect(penaltyWords(config)).toMatch(/R1 .*γ 0\.1\)/);
    expect(penaltyWords(config)).not.toMatch(/R2/);
    expect(penaltyWords(config)).toMatch(/every 4th D step, ×4/);
    expect(penaltyWords(config)).toMatch(/starts 100× larger and falls to this over 3000 steps/);
    const steps = iterationSteps(config);
    expect(steps[5].text).toMatch(/SGD step \(lr 0\.01 falling to 0\.001\)/);
    expect(steps[5].text).toMatch(/Steps 1–6 run 3 times/);
  });

  it('have words for every loss', () => {
    for (const loss of LOSS_NAMES) {
      expect(LOSS_WORDS[loss].d.length).toBeGreaterThan(20);
      expect(LOSS_WORDS[loss].g.length).toBeGreaterThan(10);
    }
  });
});

describe('the live values', () => {
  const row = Object.fromEntries([
    ['step', 120],
    ...LOG_FIELDS.map((f, i) => [f, (i + 1) / 8]),
  ]) as LogRow;

  it('show "–" before the first readback, then the latest row', () => {
    const before = overviewValues(null, RPGAN_R1R2);
    expect(before.dLoss).toBe('–');
    expect(before.edges['dLoss-dUpdate']).toBe('‖∇‖ –');
    const after = overviewValues(row, RPGAN_R1R2);
    expect(after.dLoss).toBe(String(row.dLoss));
    expect(after.gLoss).toBe(String(row.gLoss));
    expect(after.penalties).toBe(`R1 ${row.r1} · R2 ${row.r2}`);
    expect(after.edges['real-discriminator']).toBe(`D(x) ${row.dReal}`);
    expect(after.edges['fake-discriminator']).toBe(`D(G(z)) ${row.dFake}`);
    expect(after.edges['gLoss-gUpdate']).toBe(`‖∇‖ ${row.gGradNorm}`);
    expect(overviewValues(row, NSGAN_NONE).penalties).toBe('');
  });

  it('are formatted to 3 significant digits', () => {
    expect(formatValue(0.123456)).toBe('0.123');
    expect(formatValue(12.3456)).toBe('12.3');
    expect(formatValue(0.00001234)).toBe('1.23e-5');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(NaN)).toBe('–');
    expect(formatValue(undefined)).toBe('–');
  });
});

describe('the walk-through', () => {
  it('trains one iteration at the start of each pass and wraps after sub-step 8', () => {
    let r = walk(WALK_IDLE, 'start', 8);
    expect(r).toEqual({ state: { index: 0, auto: true }, iterate: true });
    const iterated: number[] = [];
    for (let i = 1; i <= 16; i++) {
      r = walk(r.state, 'tick', 8);
      if (r.iterate) iterated.push(i);
    }
    expect(r.state.index).toBe(0);
    expect(iterated).toEqual([8, 16]);
  });

  it('holds, steps by hand and stops', () => {
    const at3 = { index: 3, auto: true };
    expect(walk(at3, 'pause', 8).state).toEqual({ index: 3, auto: false });
    expect(walk({ index: 3, auto: false }, 'tick', 8).state).toEqual({ index: 3, auto: false });
    expect(walk({ index: 3, auto: false }, 'resume', 8).state).toEqual(at3);
    expect(walk(at3, 'next', 8)).toEqual({ state: { index: 4, auto: false }, iterate: false });
    expect(walk({ index: 7, auto: false }, 'next', 8).iterate).toBe(true);
    expect(walk({ index: 0, auto: false }, 'previous', 8).state.index).toBe(0);
    expect(walk(at3, 'previous', 8).state).toEqual({ index: 2, auto: false });
    expect(walk(at3, 'stop', 8).state).toEqual(WALK_IDLE);
    expect(walk(WALK_IDLE, 'resume', 8).state).toEqual(WALK_IDLE);
  });
});

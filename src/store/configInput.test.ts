/**
 * Fuzz: hostile links and settings files never throw, always give a valid config (or none, and
 * the preset is used), and say which entry was ignored. Seeded, so every case is reproducible.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { ganConfigSchema, type GanConfig } from '../engine/core/config';
import {
  Hostile,
  HOSTILE_NUMBER_LITERALS,
  HOSTILE_NUMBERS,
  POLLUTING_KEYS,
  SCRIPT_TEXTS,
} from '../testing/hostile';
import {
  configFromPatch,
  configFromText,
  describeProblems,
  MAX_SETTINGS_TEXT,
} from './configInput';
import { createSettingsStore, presetConfig, type NumericKey } from './settings';
import { settingLabel } from './settingLabels';
import { configFromHash, configToHash, MAX_HASH_LENGTH } from './urlState';

const FIELDS = Object.keys(ganConfigSchema.shape);
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

/** Every number in the config is finite; the config passes the schema; no foreign keys. */
function expectSafeConfig(config: GanConfig): void {
  expect(ganConfigSchema.safeParse(config).success).toBe(true);
  for (const key of Object.keys(config)) expect(FIELDS).toContain(key);
  const walk = (x: unknown): void => {
    if (typeof x === 'number') expect(Number.isFinite(x)).toBe(true);
    else if (typeof x === 'object' && x !== null) Object.values(x).forEach(walk);
  };
  walk(config);
  expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
}

function expectNoPollution(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).__pwned).toBeUndefined();
}

/** The label of a field's control, as messages name it. */
const label = (field: string) => settingLabel([field]);

/** A short, readable message that names `field` by its control's label (when given). */
function expectClearMessage(message: string | null, field?: string): void {
  expect(message).not.toBeNull();
  expect(message!.length).toBeLessThan(800);
  if (field !== undefined) expect(message).toContain(label(field));
  // Never zod's own wording.
  expect(message).not.toMatch(/Invalid option|Invalid input|expected number to be/);
}

function hashOf(value: unknown): string {
  return `#${encodeURIComponent(JSON.stringify(value) ?? 'undefined')}`;
}

afterEach(expectNoPollution);

describe('fuzz: settings from a link (URL hash)', () => {
  const h = new Hostile(7);
  const cases: { name: string; hash: string; field?: string }[] = [];

  // Random bytes, raw: broken percent-escapes, lone surrogates, brackets, quotes.
  for (let i = 0; i < 60; i++) cases.push({ name: `random ${i}`, hash: `#${h.string(80)}` });
  // Random objects: known keys with wrong values, unknown keys, __proto__, script text.
  for (let i = 0; i < 80; i++) {
    cases.push({ name: `object ${i}`, hash: hashOf(h.object(0, FIELDS)) });
  }
  // One known field at a time set to each kind of bad value: the message must name it.
  const badValues: unknown[] = [...HOSTILE_NUMBERS.filter((x) => !Number.isFinite(x) || x < 0)];
  badValues.push('8', [], {}, true, SCRIPT_TEXTS[0]);
  for (const field of FIELDS.filter((f) => f !== 'customPoints' && f !== 'beta2BurnIn')) {
    const value = h.pick(badValues);
    // JSON turns NaN/±Infinity into null: write them as the literal text instead, and 1e309.
    cases.push({ name: `${field}=${String(value)}`, hash: hashOf({ [field]: value }), field });
    cases.push({
      name: `${field}=1e309 (text)`,
      hash: `#${encodeURIComponent(`{"${field}": 1e309}`)}`,
      field,
    });
    cases.push({ name: `${field}: -5`, hash: hashOf({ [field]: -5 }), field });
  }
  // JSON with literals JSON does not allow.
  for (const literal of HOSTILE_NUMBER_LITERALS) {
    cases.push({
      name: `literal ${literal}`,
      hash: `#${encodeURIComponent(`{"gWidth":${literal}}`)}`,
    });
  }
  // Prototype pollution.
  for (const key of POLLUTING_KEYS) {
    cases.push({ name: `pollute ${key}`, hash: hashOf({ [key]: { polluted: 1 } }) });
    cases.push({
      name: `pollute ${key} (raw JSON)`,
      hash: `#${encodeURIComponent(`{"${key}":{"polluted":1,"prototype":{"polluted":1}}}`)}`,
    });
  }
  cases.push({
    name: 'nested optimiser pollution',
    hash: hashOf({ gOptimizer: { __proto__: { lr: 5 }, polluted: 1 } }),
  });
  // Script-like text, raw and encoded, as keys and values.
  for (const text of SCRIPT_TEXTS) {
    cases.push({ name: `script raw ${text}`, hash: `#${text}` });
    cases.push({ name: `script value ${text}`, hash: hashOf({ loss: text }), field: 'loss' });
    cases.push({ name: `script key ${text}`, hash: hashOf({ [text]: 1 }) });
  }
  // Sizes: just over the limit, 10 MB, deep nesting, a huge key and a huge value.
  cases.push({ name: 'over the limit', hash: `#${'1'.repeat(MAX_HASH_LENGTH + 1)}` });
  cases.push({ name: '10 MB', hash: `#${h.huge()}` });
  cases.push({ name: '10 MB JSON value', hash: `#{"loss":"${h.huge()}"}` });
  cases.push({ name: 'deep nesting', hash: `#${'['.repeat(MAX_HASH_LENGTH - 1)}` });
  cases.push({ name: 'long key', hash: hashOf({ ['k'.repeat(5000)]: 1 }) });
  cases.push({ name: 'array', hash: hashOf([1, 2, 3]) });
  cases.push({ name: 'string', hash: hashOf('rpgan') });
  cases.push({ name: 'null', hash: '#null' });
  cases.push({ name: 'only #', hash: '#' });

  it(`has at least 200 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  it.each(cases)('$name', ({ hash, field }) => {
    const result = configFromHash(hash);
    if (result.config === null) {
      if (hash !== '#') expectClearMessage(result.error);
    } else {
      expectSafeConfig(result.config);
    }
    if (result.error !== null) expectClearMessage(result.error, field);
    if (field !== undefined) expect(result.error).toContain(label(field));
    // Script text is only ever quoted data in a message, never more than a short excerpt.
    if (result.error) expect(result.error).not.toMatch(/<script>.*<\/script>.*<script>/);
  });

  it('keeps the valid settings of a link with one bad one, and names the bad one', () => {
    const result = configFromHash(hashOf({ loss: 'rpgan', gDepth: 99, r1Gamma: 0.5, evil: '<b>' }));
    expect(result.config).toMatchObject({
      loss: 'rpgan',
      r1Gamma: 0.5,
      gDepth: presetConfig().gDepth,
    });
    expect(result.error).toMatch(/G depth must be at most 8/);
    expect(result.error).toMatch(/"evil": unknown setting/);
  });

  it('round-trips random valid configs', () => {
    const r = new Hostile(11);
    for (let i = 0; i < 50; i++) {
      const config: GanConfig = {
        ...presetConfig(),
        gWidth: 1 + r.int(1024),
        dDepth: 1 + r.int(8),
        batchSize: 1 + r.int(4096),
        loss: r.pick(['nsgan', 'rpgan', 'hinge', 'lsgan', 'wgan-gp', 'minimax'] as const),
        dOptimizer: { kind: 'sgd', lr: r.random() * 10 || 1, beta1: 0, beta2: 0.5 },
      };
      expect(configFromHash(configToHash(config))).toEqual({ config, error: null });
    }
  });
});

describe('fuzz: settings files (JSON text and objects)', () => {
  const h = new Hostile(1234);
  const base = presetConfig();
  const texts: { name: string; text: string; field?: string }[] = [];
  for (let i = 0; i < 60; i++) texts.push({ name: `random text ${i}`, text: h.string(120) });
  for (let i = 0; i < 80; i++) {
    texts.push({ name: `object ${i}`, text: JSON.stringify(h.object(0, FIELDS)) ?? '' });
  }
  for (const literal of HOSTILE_NUMBER_LITERALS) {
    texts.push({ name: `literal ${literal}`, text: `{"batchSize": ${literal}}` });
  }
  for (const field of FIELDS) {
    texts.push({ name: `${field} 1e309`, text: `{"${field}": 1e309}`, field });
    texts.push({ name: `${field} -1`, text: `{"${field}": -1}`, field });
    texts.push({
      name: `${field} script`,
      text: JSON.stringify({ [field]: SCRIPT_TEXTS[1] }),
      field,
    });
  }
  texts.push({ name: '10 MB of JSON', text: `{"loss":"${h.huge()}"}` });
  texts.push({ name: 'just over the limit', text: ' '.repeat(MAX_SETTINGS_TEXT + 1) });
  texts.push({ name: 'deep nesting', text: '['.repeat(200_000) + ']'.repeat(200_000) });
  texts.push({
    name: 'pollution',
    text: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
  });

  it(`has at least 200 texts (${texts.length})`, () => {
    expect(texts.length).toBeGreaterThanOrEqual(200);
  });

  it.each(texts)('$name', ({ text, field }) => {
    const { config, problems } = configFromText(text, base, { allowCustomPoints: true });
    expectSafeConfig(config);
    for (const p of problems) expect(p.length).toBeLessThan(300);
    if (field !== undefined) expect(problems.some((p) => p.startsWith(label(field)))).toBe(true);
    const message = describeProblems(problems, 'the file');
    if (message !== null) expectClearMessage(message);
  });

  it('objects that fight back: throwing getters, proxies, cycles, frozen, null prototype', () => {
    const getter = Object.defineProperty({}, 'gWidth', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys for you');
        },
      },
    );
    const cycle: Record<string, unknown> = { loss: 'rpgan' };
    cycle.gOptimizer = cycle;
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { gDepth: 2 });
    const inputs: [unknown, string][] = [
      [getter, 'gWidth'],
      [proxy, 'settings'],
      [cycle, 'gOptimizer'],
      [Object.freeze({ gDepth: 'x' }), 'gDepth'],
      [bare, ''],
      [new Date(), 'settings'],
      [() => 1, 'settings'],
      [Symbol('x'), 'settings'],
      [10n, 'settings'],
    ];
    for (const [input, field] of inputs) {
      const { config, problems } = configFromPatch(input, base);
      expectSafeConfig(config);
      if (field) expect(problems.join(' ')).toContain(field === 'settings' ? field : label(field));
    }
    expect(configFromPatch(bare, base).config.gDepth).toBe(2);
  });

  it('a drawing is taken from files, and from links only through the link form (urlState)', () => {
    const text = JSON.stringify({
      dataset: 'custom',
      customPoints: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(configFromText(text, base, { allowCustomPoints: true }).config.dataset).toBe('custom');
    const link = configFromText(text, base);
    expect(link.config.dataset).toBe('ring8');
    expect(link.problems.join(' ')).toMatch(/Your drawing/);
    const outside = JSON.stringify({ dataset: 'custom', customPoints: [[Number('1e309'), 2]] });
    expect(configFromText(outside, base, { allowCustomPoints: true }).problems.join(' ')).toMatch(
      /Your drawing/,
    );
  });
});

describe('fuzz: the settings store rejects hostile numbers and names the field', () => {
  const keys: NumericKey[] = [
    'seed',
    'latentDim',
    'gWidth',
    'gDepth',
    'dWidth',
    'dDepth',
    'lazyInterval',
    'batchSize',
    'dSteps',
    'gSteps',
    'emaHalfLife',
    'gpWeight',
  ];
  it('setNumber / setOptimizer / setGamma with 400 hostile values', () => {
    const h = new Hostile(99);
    const store = createSettingsStore();
    for (let i = 0; i < 400; i++) {
      const value = h.pick([...HOSTILE_NUMBERS, h.number()]);
      const before = store.getState().config;
      const r = h.int(3);
      let problem: string | null;
      let field: string;
      if (r === 0) {
        const key = h.pick(keys);
        field = label(key);
        problem = store.getState().setNumber(key, value);
      } else if (r === 1) {
        const sub = h.pick(['lr', 'beta1', 'beta2'] as const);
        const which = h.pick(['g', 'd'] as const);
        field = settingLabel([`${which}Optimizer`, sub]);
        problem = store.getState().setOptimizer(which, sub, value);
      } else {
        field = label('r1Gamma');
        store.getState().setPenaltyEnabled('r1', true);
        problem = store.getState().setGamma('r1', value);
      }
      const after = store.getState().config;
      expectSafeConfig(after);
      if (problem !== null) {
        expect(problem).toContain(field);
        if (r !== 2) expect(after).toBe(before);
      }
    }
  });
});

describe('silent or confusing acceptances (issue 14, 9)', () => {
  const base = presetConfig();
  const read = (text: string) => configFromText(text, base);

  it('a γ too small for a double is named, not turned into 0 (R2 off)', () => {
    const r = read('{"r2Gamma":1e-400,"r1Gamma":0.5}');
    expect(r.config.r2Gamma).toBe(base.r2Gamma);
    expect(r.config.r1Gamma).toBe(0.5);
    expect(r.problems).toEqual(['R2 γ: 1e-400 is too small to represent (it would be read as 0)']);
    // Zeros, and numbers inside strings, are left alone.
    expect(read('{"r2Gamma":0e-400,"r1Gamma":0.0}').problems).toEqual([]);
    expect(read('{"evil":"1e-400"}').problems).toEqual(['"evil": unknown setting']);
  });

  it('an lr below the field’s minimum is refused, naming lr and the control', () => {
    const r = read('{"gOptimizer":{"lr":1e-7}}');
    expect(r.config.gOptimizer.lr).toBe(base.gOptimizer.lr);
    expect(r.problems).toEqual(['G learning rate must be at least 0.000001']);
    expect(read('{"dOptimizer":{"beta2":1}}').problems).toEqual([
      expect.stringMatching(/^D β2 must be less than 1/),
    ]);
  });

  it('the seed’s limit is the real one, 2147483647', () => {
    for (const seed of ['1e308', '3000000000'])
      expect(read(`{"seed":${seed}}`).problems).toEqual(['Seed must be at most 2147483647']);
    expect(read('{"gWidth":2.5}').problems).toEqual([
      expect.stringMatching(/^G width needs a whole number/),
    ]);
  });
});

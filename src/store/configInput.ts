/**
 * Settings that come from outside the app — a shared link's hash, an imported settings file —
 * turned into a valid GanConfig, whatever they contain. Each known setting is checked on its
 * own against ganConfigSchema, so one bad value costs only that value: the others are applied,
 * and every ignored entry is named in a short message. The input is never trusted: unknown keys
 * (including `__proto__` and `constructor`) are only ever read with Object.hasOwn and named, never
 * assigned; messages never echo more than a few dozen characters of it.
 */
import type { z } from 'zod';

import {
  ganConfigSchema,
  imageConfigProblem,
  imageGanConfigSchema,
  type GanConfig,
  type ImageGanConfig,
} from '../engine/core/config';
import { describeIssue, settingLabel, type SettingIssue } from './settingLabels';

/** Longest settings text accepted (a full config is ~600 characters; a drawing ~100 kB). */
export const MAX_SETTINGS_TEXT = 1_000_000;
/** Problems listed in one message (the rest are counted). */
const MAX_LISTED = 4;

export interface ConfigInput {
  /** A valid config: the base with every acceptable entry of the input applied. */
  config: GanConfig;
  /** One line per ignored entry, naming it (empty when everything was applied). */
  problems: string[];
}

export interface ConfigInputOptions {
  /** Whether `customPoints` (a drawing) may come with the input; links leave drawings out. */
  allowCustomPoints?: boolean;
}

const FIELD_SCHEMAS = ganConfigSchema.shape;

/** An object literal (or JSON object): not an array, a Date, a class instance, a function. */
function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  try {
    const proto: unknown = Object.getPrototypeOf(x);
    return proto === Object.prototype || proto === null;
  } catch {
    return false;
  }
}

/** A key or value quoted for a message: printable characters only, at most 40 of them. */
export function quoteForMessage(text: string): string {
  const printable = text.replace(/[^\x20-\x7e\u00a0-\uffff]|[\ud800-\udfff]/g, '?');
  const short = printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
  return JSON.stringify(short);
}

/** The first zod issue of the setting at `path`, in the panel's words (never echoing the value). */
function reason(path: readonly string[], error: { issues: SettingIssue[] }): string {
  const issue = error.issues[0];
  return issue ? describeIssue(path, issue) : `${settingLabel(path)} has an invalid value`;
}

/** Marks a number literal that JSON would read as 0 (see markUnderflow). */
const UNDERFLOW = '\u0000underflow:';

/**
 * JSON reads a literal too small for a double, such as 1e-400, as 0: R2 γ 1e-400 would turn R2
 * off without a word. Such literals (outside strings) become marked strings, which applyFields
 * names and leaves at their default.
 */
function markUnderflow(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (token) => {
    if (token.startsWith('"')) return token;
    return Number(token) === 0 && /[1-9]/.test(token.replace(/[eE].*$/, ''))
      ? JSON.stringify(`${UNDERFLOW}${token.slice(0, 30)}`)
      : token;
  });
}

/**
 * The field-by-field rule shared by toy and Stacked MNIST settings: each own key of `input` is
 * checked on its own against its field's schema and, if valid, replaces `base`'s value; unknown,
 * unreadable, refused (`refuse` gives the reason) or invalid ones are named in `problems` and
 * left at `base`'s value. Optimiser settings may name only what changes ({"lr": 0.01}). Null when
 * the object's keys cannot be read.
 */
function applyFields<F extends string>(
  input: Record<string, unknown>,
  base: object,
  schemas: Record<F, z.ZodType>,
  refuse: (field: F) => string | null = () => null,
): { config: Record<string, unknown>; problems: string[] } | null {
  const problems: string[] = [];
  const config: Record<string, unknown> = { ...base };
  let keys: string[];
  try {
    keys = Object.keys(input);
  } catch {
    return null;
  }
  for (const key of keys) {
    if (!Object.hasOwn(schemas, key)) {
      problems.push(`${quoteForMessage(key)}: unknown setting`);
      continue;
    }
    const field = key as F;
    const refused = refuse(field);
    if (refused) {
      problems.push(`${settingLabel([field])}: ${refused}`);
      continue;
    }
    let value: unknown;
    try {
      value = input[key];
    } catch {
      problems.push(`${settingLabel([field])} cannot be read`);
      continue;
    }
    if ((field === 'gOptimizer' || field === 'dOptimizer') && isPlainObject(value)) {
      const merged: Record<string, unknown> = { ...(config[field] as object) };
      for (const sub of Object.keys(value)) {
        if (OPTIMIZER_KEYS.includes(sub)) merged[sub] = value[sub];
        else
          problems.push(
            `${settingLabel([field])}: ${quoteForMessage(sub)} is not one of its settings`,
          );
      }
      value = merged;
    }
    if (typeof value === 'string' && value.startsWith(UNDERFLOW)) {
      problems.push(
        `${settingLabel([field])}: ${value.slice(UNDERFLOW.length)} is too small to represent (it would be read as 0)`,
      );
      continue;
    }
    const result = schemas[field].safeParse(value);
    if (result.success) config[field] = result.data;
    else problems.push(reason([field], result.error));
  }
  return { config, problems };
}

const OPTIMIZER_KEYS = ['kind', 'lr', 'beta1', 'beta2'];

/**
 * Applies `input` (an object of settings, possibly partial; nested optimiser settings may be
 * partial too) over `base`. Never throws.
 */
export function configFromPatch(
  input: unknown,
  base: GanConfig,
  options: ConfigInputOptions = {},
): ConfigInput {
  if (!isPlainObject(input)) {
    const got =
      input === null
        ? 'null'
        : Array.isArray(input)
          ? 'a list'
          : typeof input === 'object'
            ? 'another kind of object'
            : typeof input;
    return { config: base, problems: [`settings: expected an object of settings, got ${got}`] };
  }
  const applied = applyFields(input, base, FIELD_SCHEMAS, (field) =>
    field === 'customPoints' && !options.allowCustomPoints
      ? 'drawings are not taken from links'
      : null,
  );
  if (!applied) return { config: base, problems: ['settings: the object cannot be read'] };
  const { config, problems } = applied;
  if (config.dataset === 'custom' && config.customPoints === undefined) {
    config.dataset = base.dataset === 'custom' ? 'ring8' : base.dataset;
    problems.push('Dataset “Your drawing” needs the drawing, which is not included');
  }
  if (config.dataset !== 'custom') delete config.customPoints;
  // The fields are independent, so this holds; checked anyway: a wrong config never leaves here.
  const whole = ganConfigSchema.safeParse(config);
  if (!whole.success) {
    return { config: base, problems: [...problems, `settings: ${reason([], whole.error)}`] };
  }
  return { config: whole.data as GanConfig, problems };
}

/** Parses settings text (JSON). Never throws. */
export function configFromText(
  text: string,
  base: GanConfig,
  options: ConfigInputOptions = {},
): ConfigInput {
  if (text.length > MAX_SETTINGS_TEXT) {
    return {
      config: base,
      problems: [
        `settings: the text is ${(text.length / 1e6).toFixed(1)} MB; the limit is ${MAX_SETTINGS_TEXT / 1e6} MB`,
      ],
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(markUnderflow(text));
  } catch {
    return { config: base, problems: ['settings: not valid JSON'] };
  }
  return configFromPatch(data, base, options);
}

/** "Ignored from the link: a; b; c (and 3 more)." — or null when there is nothing to say. */
export function describeProblems(problems: string[], source: string): string | null {
  if (problems.length === 0) return null;
  const listed = problems.slice(0, MAX_LISTED).join('; ');
  const more = problems.length > MAX_LISTED ? ` (and ${problems.length - MAX_LISTED} more)` : '';
  return `Ignored from ${source}: ${listed}${more}. The other settings were applied.`;
}

const IMAGE_FIELD_SCHEMAS = imageGanConfigSchema.shape;

/**
 * Whether outside settings (a link's object, an imported file's) are Stacked MNIST's: an object
 * whose own `dataset` is "stacked-mnist". Anything else goes through the toy's configFromPatch.
 */
export function isImageSettings(data: unknown): boolean {
  if (!isPlainObject(data)) return false;
  try {
    return Object.hasOwn(data, 'dataset') && data.dataset === 'stacked-mnist';
  } catch {
    return false; // a throwing getter: not ours
  }
}

/**
 * configFromPatch for Stacked MNIST settings (imageGanConfigSchema): each entry checked on its
 * own, bad ones named and left at `base`'s value; then the cross-field rules (imageConfigProblem),
 * which fall back to `base` as a whole when the entries do not fit together. Never throws.
 */
export function imageConfigFromPatch(
  input: unknown,
  base: ImageGanConfig,
): { config: ImageGanConfig; problems: string[] } {
  if (!isPlainObject(input)) {
    return { config: base, problems: ['settings: expected an object of settings'] };
  }
  const applied = applyFields(input, base, IMAGE_FIELD_SCHEMAS);
  if (!applied) return { config: base, problems: ['settings: the object cannot be read'] };
  const { config, problems } = applied;
  const whole = imageGanConfigSchema.safeParse(config);
  if (!whole.success) {
    return { config: base, problems: [...problems, `settings: ${reason([], whole.error)}`] };
  }
  const parsed = whole.data as ImageGanConfig;
  const clash = imageConfigProblem(parsed);
  if (clash) return { config: base, problems: [...problems, `settings: ${clash}`] };
  return { config: parsed, problems };
}

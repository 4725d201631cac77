/**
 * A small, strict command-line parser: every flag is declared with a type, unknown flags and
 * bad values raise UsageError naming the flag (the CLI exits with code 2).
 */
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errorMessage } from '../errors';

export class UsageError extends Error {}

export type FlagType = 'number' | 'integer' | 'string' | 'boolean';

export interface FlagSpec {
  type: FlagType;
  help: string;
  /** Allowed values for strings. */
  choices?: readonly string[];
  /** Shown in --help. */
  placeholder?: string;
}

export type ParsedFlags = Record<string, string | number | boolean>;

export function parseFlags(argv: string[], specs: Record<string, FlagSpec>): ParsedFlags {
  const out: ParsedFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--'))
      throw new UsageError(`Unexpected argument '${arg}' (flags start with --).`);
    let name = arg.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    // Own keys only: `--constructor` or `--__proto__` must not find Object.prototype's members.
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (!spec) throw new UsageError(`Unknown flag --${name}. Run with --help to list the flags.`);
    if (Object.hasOwn(out, name)) throw new UsageError(`Flag --${name} is given twice.`);
    if (spec.type === 'boolean') {
      if (value !== undefined && value !== 'true' && value !== 'false')
        throw new UsageError(`Flag --${name} takes no value (or =true / =false).`);
      out[name] = value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || (value.startsWith('--') && spec.type === 'string'))
        throw new UsageError(`Flag --${name} needs a value.`);
    }
    out[name] = convert(name, spec, value);
  }
  return out;
}

function convert(name: string, spec: FlagSpec, raw: string): string | number {
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(raw))
      throw new UsageError(
        `Flag --${name} must be one of ${spec.choices.join(', ')} (got '${raw}').`,
      );
    return raw;
  }
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n))
    throw new UsageError(`Flag --${name} needs a finite number (got '${raw}').`);
  if (spec.type === 'integer' && !Number.isInteger(n))
    throw new UsageError(`Flag --${name} needs a whole number (got '${raw}').`);
  return n;
}

export function formatHelp(usage: string, specs: Record<string, FlagSpec>): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const arg =
      spec.type === 'boolean'
        ? ''
        : ` <${spec.placeholder ?? (spec.choices ? spec.choices.join('|') : spec.type)}>`;
    return [`  --${name}${arg}`, spec.help];
  });
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  return `${usage}\n\nFlags:\n${rows.map(([a, h]) => a.padEnd(width) + h).join('\n')}\n`;
}

/**
 * Runs a command-line program: parses the flags, answers --help, and turns a UsageError (from
 * parsing or from `main`) into `name: message` on stderr and exit code 2; any other error into
 * one line and exit code 1 (never a stack trace, unless GAN_DEBUG is set).
 */
export async function runCommand(
  name: string,
  usage: string,
  specs: Record<string, FlagSpec>,
  main: (flags: ParsedFlags) => Promise<number>,
): Promise<number> {
  try {
    const flags = parseFlags(process.argv.slice(2), specs);
    if (flags.help) {
      process.stdout.write(formatHelp(usage, specs));
      return 0;
    }
    return await main(flags);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      return 2;
    }
    // Anything else is our fault, not the user's: one line (tfjs's minified stacks run to
    // tens of KB), the stack only on request.
    const message = errorMessage(error);
    process.stderr.write(`${name}: failed: ${message.split('\n')[0].slice(0, 500)}\n`);
    if (process.env.GAN_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/** Why a path cannot be written (as a file, or as a folder to create files in), or null. */
function unwritable(path: string, as: 'file' | 'folder'): string | null {
  const full = resolve(path);
  const stat = statOrNull(full);
  if (stat) {
    if (as === 'file' && stat.isDirectory()) return `'${path}' is a folder; give a file name`;
    if (as === 'folder' && !stat.isDirectory()) return `'${path}' is a file, not a folder`;
    try {
      accessSync(full, constants.W_OK);
    } catch {
      return `'${path}' is not writable`;
    }
    return null;
  }
  return unwritableParent(path, full);
}

/** Null where nothing is (ENOENT, or ENOTDIR: a file on the way). */
function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** A path that does not exist yet: its folder must exist and be writable. */
function unwritableParent(path: string, full: string): string | null {
  const parent = dirname(full);
  const stat = statOrNull(parent);
  if (!stat) return `the folder '${dirname(path)}' does not exist`;
  if (!stat.isDirectory()) return `'${dirname(path)}' is not a folder`;
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    return `the folder '${dirname(path)}' is not writable`;
  }
  return null;
}

/**
 * Refuses an output flag whose path cannot be written, before any work: a run of minutes must
 * not be lost to a typo in `--out`. `as: 'folder'` for flags that name a folder (created if
 * missing, inside an existing writable folder).
 */
export function checkOutputPath(flag: string, path: unknown, as: 'file' | 'folder' = 'file'): void {
  if (path === undefined) return;
  if (typeof path !== 'string' || path.trim() === '')
    throw new UsageError(`Flag --${flag} needs a path.`);
  const problem = unwritable(path, as);
  if (problem) throw new UsageError(`Flag --${flag}: cannot write there: ${problem}.`);
}

/** Writes an output file, naming the flag (one line) if the write fails after all. */
export function writeOutput(flag: string, path: string, text: string | Uint8Array): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`Flag --${flag}: could not write '${path}': ${reason}.`);
  }
}

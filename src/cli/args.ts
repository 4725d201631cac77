/**
 * A small, strict command-line parser: every flag is declared with a type, unknown flags and
 * bad values raise UsageError naming the flag (the CLI exits with code 2).
 */
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
 * parsing or from `main`) into `name: message` on stderr and exit code 2.
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
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${name}: ${error.message}\n`);
    return 2;
  }
}
